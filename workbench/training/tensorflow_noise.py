"""Keep TensorFlow's native start-up and converter chatter out of the training process's stderr.

Why: ``kws train`` (the GUI's training child among others) should print its own progress and real problems,
not TensorFlow's diagnostics. ``TF_CPP_MIN_LOG_LEVEL`` (set by :func:`quiet_tensorflow` before TensorFlow is
imported) silences TensorFlow's own C++ log, but not everything: TensorFlow logs its start-up lines through absl
before ``absl::InitializeLog()`` is called, which ignores that variable and writes straight to file descriptor 2
-- ``WARNING: All log messages before absl::InitializeLog() is called are written to STDERR``, ``I0000 …
port.cc:153] oneDNN custom operations are on …``, ``I0000 … cudart_stub.cc:31] Could not find cuda drivers on
your machine, GPU will not be used.`` (once per TensorFlow library that loads) -- and the int8 converter's
quantiser prints ``fully_quantize: 0, inference_type: 6, input_inference_type: INT8, …`` with printf. None of
them has a switch.

So while TensorFlow is imported and while a model is converted (:func:`tensorflow_noise_filtered`), fd 2 goes
through the pipe and reader thread of :mod:`workbench.core.native_noise` with this module's line rule
(:class:`TensorFlowLineFilter`): absl's INFO lines, the absl notice and the quantiser's line are dropped;
absl's warning, error and fatal lines (``W…``, ``E…``, ``F…``), Python's tracebacks and every other byte pass,
in order, as they come. It nests with the core's own filter (LiteRT's ``INFO:`` lines): each forwards to the
fd 2 it found. A user who sets ``TF_CPP_MIN_LOG_LEVEL=0`` asked for TensorFlow's INFO lines and gets them all.

One Python-side warning goes too (:func:`drop_retracing_notes`): "N out of the last M calls to <function …
make_predict_function …> triggered tf.function retracing …", which Keras logs when ``predict`` runs on several
models in turn -- as every epoch's validation does for an ensemble's members. It is a hint for code that builds
functions in a loop, has no effect on the result, and reads like a fault to a user.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from typing import Iterator, MutableMapping

from workbench.core import native_noise

TENSORFLOW_LOGGER = "tensorflow"  # the Python logger TensorFlow and Keras warn through
RETRACING_NOTE = "triggered tf.function retracing"
LOG_LEVEL_VARIABLE = "TF_CPP_MIN_LOG_LEVEL"
# TensorFlow's C++ log (start-up chatter, and an "error" line tf.data prints on every fit call with this
# TensorFlow/Keras pair) is not for users; real failures still raise Python exceptions
QUIET_LOG_LEVEL = "3"
SHOW_INFO_LOG_LEVEL = 0  # TF_CPP_MIN_LOG_LEVEL=0: every line, INFO included

ABSL_NOTICE = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
# absl's (glog's) INFO line: I<mmdd> <time> <thread id> <file>:<line>] <message>
ABSL_INFO_LINE = re.compile(rb"I\d{4} [\d:.]+ +\d+ [^\s\]]+:\d+\] ")
ABSL_INFO_START = re.compile(rb"I\d{0,4}$|I\d{4} ")  # what may still become one when its line is complete
QUANTIZER_HEAD = b"fully_quantize: "
QUANTIZER_LINE = re.compile(rb"fully_quantize: \d+, inference_type: ")
LITERAL_HEADS = (ABSL_NOTICE, QUANTIZER_HEAD)


def quiet_tensorflow(env: MutableMapping[str, str] = os.environ) -> None:
    """Set ``TF_CPP_MIN_LOG_LEVEL`` unless the user chose a level; call before TensorFlow is imported (it reads
    the variable once, when it loads)."""
    env.setdefault(LOG_LEVEL_VARIABLE, QUIET_LOG_LEVEL)


def wants_info_lines(env: MutableMapping[str, str] = os.environ) -> bool:
    """True when the user asked for TensorFlow's INFO lines (``TF_CPP_MIN_LOG_LEVEL=0``): nothing is filtered."""
    try:
        return int(env.get(LOG_LEVEL_VARIABLE, QUIET_LOG_LEVEL)) <= SHOW_INFO_LOG_LEVEL
    except ValueError:  # not a number: TensorFlow ignores it, and so does the filter
        return False


def is_tensorflow_noise(line: bytes) -> bool:
    """A line (without its newline) TensorFlow prints that says nothing a user must act on (module docstring)."""
    return line == ABSL_NOTICE or bool(ABSL_INFO_LINE.match(line)) or bool(QUANTIZER_LINE.match(line))


def _may_become_noise(tail: bytes) -> bool:
    """True for the start of a line that may still turn out to be noise once its newline arrives."""
    return (any(head.startswith(tail) or tail.startswith(head) for head in LITERAL_HEADS)
            or bool(ABSL_INFO_START.match(tail)))


class TensorFlowLineFilter:
    """Drops TensorFlow's noise lines from a byte stream; other bytes pass at once (a partial line too, unless it
    may still become noise): a :class:`workbench.core.native_noise.ByteLineFilter`."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        *lines, tail = (self._pending + data).split(b"\n")
        kept = [line + b"\n" for line in lines if not is_tensorflow_noise(line)]
        self._pending = tail if tail and _may_become_noise(tail) else b""
        if tail and not self._pending:
            kept.append(tail)
        return b"".join(kept)


_FILTER = native_noise.StderrFilter(TensorFlowLineFilter())  # one per process, as the core's: fd 2 is process-wide


@contextlib.contextmanager
def tensorflow_noise_filtered() -> Iterator[None]:
    """Drop TensorFlow's noise lines from fd 2 for the duration of the block (module docstring)."""
    if wants_info_lines():
        yield
        return
    _FILTER.hold()
    try:
        yield
    finally:
        _FILTER.release()


class RetracingNoteFilter(logging.Filter):
    """Drops TensorFlow's "… triggered tf.function retracing" warning (module docstring); passes every other."""

    def filter(self, record: logging.LogRecord) -> bool:
        return RETRACING_NOTE not in record.getMessage()


def drop_retracing_notes() -> RetracingNoteFilter:
    """Keep the retracing warning off TensorFlow's logger (once per process); returns the filter in place."""
    logger = logging.getLogger(TENSORFLOW_LOGGER)
    for existing in logger.filters:
        if isinstance(existing, RetracingNoteFilter):
            return existing
    added = RetracingNoteFilter()
    logger.addFilter(added)
    return added
