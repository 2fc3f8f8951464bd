"""A TOML file the user wrote (a spec, a sweep) read into a table, or one sentence saying why it cannot be; and
one setting's value written as TOML text, or read back from it.

Why one reader: specs and sweep files are both hand-written TOML, and each way one can fail -- not there, a
folder, not valid TOML, not text at all (a model or a WAV given by mistake), unreadable -- deserves the same
sentence whichever of the two it is. Why the value functions here: ``kws specs --settings`` prints values as
TOML, ``kws train --set`` and the Training workspace's settings dialog read them back, and the window may not
import the training package (Python reads TOML but cannot write it).
"""

from __future__ import annotations

import datetime
import json
import tomllib
from collections.abc import Mapping
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


def toml_value(value: Any) -> str:
    """``value`` as TOML writes it (what ``key = ...`` holds): whatever :func:`toml_or_text` reads."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)  # a float's repr is TOML too: 0.5, 1e-05, inf, nan
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, (datetime.date, datetime.time)):  # a date typed where a number belongs reads as one
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise ValueError(f"TOML cannot hold {type(value).__name__}")


def toml_key(key: str) -> str:
    """``key`` bare when TOML allows it, else quoted."""
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def toml_or_text(text: str) -> Any:
    """``text`` read as a TOML value (``0.5``, ``[0.0, 1.0]``, ``"x"``), else the text as it is (``off``, a file
    name): how a value typed on a command line or in a table cell is meant, without quotes a shell would eat."""
    text = text.strip()
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text
