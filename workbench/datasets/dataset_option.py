"""``kws train --dataset DIR[:WEIGHT]``: how a dataset folder and its weight are written, by every writer (a
run's repeat command in its spec.toml, the window's Training form and remembered session, a sweep's trials).

Why one writer: ``kws train`` splits the weight off at the last ":", so a folder whose name holds ":"
(``/data/take:2``) must carry its weight (``/data/take:2:1``) to be read as itself wherever it is not (yet) a
folder; and a weight is written in full ("0.1234567", "2"), never shortened to six figures: a rounded weight
trains another model. Any other folder carries its weight only when it is not 1, as the README writes
``--dataset speech_commands --dataset synthetic:0.5``.
"""

from __future__ import annotations

from pathlib import Path

WEIGHT_SEPARATOR = ":"  # kws train's DIR:WEIGHT
DEFAULT_WEIGHT = 1.0  # the folder's training clips count as they are
FLOAT_SUFFIX = ".0"  # repr(2.0): the command line and the settings file say "2"


def weight_text(weight: float) -> str:
    """``weight`` as the shortest text that reads back as the same number: "0.5", "2" (not "2.0")."""
    text = repr(float(weight))
    return text[:-len(FLOAT_SUFFIX)] if text.endswith(FLOAT_SUFFIX) else text


def dataset_option_value(folder: str | Path, weight: float = DEFAULT_WEIGHT) -> str:
    """The value of ``--dataset`` for ``folder`` with ``weight`` (see the module docstring)."""
    path = str(folder)
    if weight == DEFAULT_WEIGHT and WEIGHT_SEPARATOR not in path:
        return path
    return f"{path}{WEIGHT_SEPARATOR}{weight_text(weight)}"
