"""A TOML file the user wrote (a spec, a sweep) read into a table, or one sentence saying why it cannot be.

Why one reader: specs and sweep files are both hand-written TOML, and each way one can fail -- not there, a
folder, not valid TOML, not text at all (a model or a WAV given by mistake), unreadable -- deserves the same
sentence whichever of the two it is.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from workbench.core.errors import SettingsError


def read_toml_table(path: Path, kind: str) -> dict[str, Any]:
    """The table of ``path``, a ``kind`` ("spec file", "sweep file"); raises SettingsError naming the problem."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"{kind} not found: {path}") from None
    except IsADirectoryError:
        raise SettingsError(f"{path} is a folder, not a {kind}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path.name} is not valid TOML: {exc}") from None
    except RecursionError:  # nested deeper than any hand-written file: a damaged one
        raise SettingsError(f"{path.name} is not valid TOML: nested too deeply") from None
    except UnicodeDecodeError:  # tomllib decodes UTF-8 itself: a model, a WAV, a Latin-1 text
        raise SettingsError(f"{path.name} is not a {kind} (not UTF-8 TOML)") from None
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}") from None
