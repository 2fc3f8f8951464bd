"""Board tests use the simulators' fixtures (tests/board/sim/board_fixtures.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "sim"))

from board_fixtures import *  # noqa: E402,F401,F403  (fixtures: commander, board_factory, board, ...)
