"""A command's own output on stdout, and everything else written there sent to stderr.

Why: ``kws train --progress jsonl`` and ``kws sweep`` print machine-read lines on stdout, while
TensorFlow, Ray and Tune print to stdout as well, from Python and from C. A reader of stdout (the
GUI, a script) must see only the command's lines, so for the duration of the command stdout's file
descriptor points at stderr and the command writes through a private duplicate of the original.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Iterator, TextIO


@contextlib.contextmanager
def private_stdout() -> Iterator[TextIO]:
    """The real stdout, for the command's lines; every other write to stdout goes to stderr meanwhile."""
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, io.UnsupportedOperation, ValueError):  # an in-memory stdout (tests)
        original = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):
            yield original
        return
    saved = os.dup(fd)
    os.dup2(sys.stderr.fileno(), fd)  # C-level writes land on stderr too
    stream = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8")
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield stream
    finally:
        stream.flush()
        stream.close()
        os.dup2(saved, fd)
        os.close(saved)
