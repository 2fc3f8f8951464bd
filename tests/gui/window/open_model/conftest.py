"""The ``opened`` fixture of the open-model tests (tuned_copy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.window.open_model.tuned_copy import open_tuned_copy


@pytest.fixture
def opened(window, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the bundled model open in the window, its threshold tuned away from the file's."""
    return open_tuned_copy(window, tmp_path)
