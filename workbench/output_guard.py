"""One rule for every ``-o`` / ``--out`` file of the command line, and for the window's exports and "Save into
model…": never write over the input the file is made from, or over a bundled model.

Why: ``kws export-c m.tflite -o m.tflite`` or ``kws features a.wav -o a.wav`` is a slip of the shell's
history, and the atomic write that protects a user's files against a crash would then replace the input with
C text or a NumPy array, for good. A bundled model lives inside the installed package, which every later
command (and the window) reads. Paths are compared as the file system sees them, so ``./m.tflite``, a
symbolic link or a hard link to the input count as the input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from workbench.bundled_models import is_bundled_model
from workbench.core.errors import WorkbenchError


def check_output_file(output: Path, inputs: Iterable[Path | str], option: str | None = "-o") -> None:
    """WorkbenchError (one sentence) when writing ``output`` would replace one of ``inputs`` or a bundled model;
    the sentence starts with the ``option`` that named it (the window passes None)."""
    named = f"{option} {output}" if option else str(output)
    for source in inputs:
        if same_file(output, Path(source)):
            same = "" if str(source) == str(output) else f" {source}"  # the path once when it is spelt the same
            raise WorkbenchError(f"{named} is the input{same}: writing there would replace it; "
                                 f"choose another output file.")
    if is_bundled_model(Path(output)):
        if Path(output).exists():
            raise WorkbenchError(f"{named} would overwrite the bundled model {Path(output).name}; choose another "
                                 f"output file.")
        raise WorkbenchError(f"{named} is in the bundled models' folder, which is part of the installed "
                             f"workbench; choose another folder.")


def same_file(a: Path, b: Path) -> bool:
    """True when both name one existing file (also through links), or resolve to one path."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare what they would name
        return a.resolve() == b.resolve()
