"""A command-line option that sets a model parameter (``kws detect --threshold``, ``kws board classify
--window-ms``), read as ``kws params KEY=TEXT`` and the Model view read the same text.

The reader is imported when an option is read, not with this module: it loads numpy and LiteRT, which the
commands' ``--help`` must not (:mod:`workbench.cli.main`).
"""

from __future__ import annotations

import argparse
from typing import Any, Callable

from workbench.core.errors import WorkbenchError

REMOVED = ()  # what an option reads as when its text removes the parameter (`--threshold-list ""`)


def parameter_type(key: str) -> Callable[[str], Any]:
    """An argparse ``type=`` reading an option's text as ``kws params KEY=TEXT`` and the Model view read it.

    Why: ``--threshold 2e2`` must run with the 200 that ``kws params detection_threshold=2e2`` stores, and
    text the model parameter refuses must be refused with the same sentence, not argparse's ``invalid int``.
    """
    def parse(text: str) -> Any:
        from workbench.core.detection.parameter_text import parse_parameter

        try:
            value = parse_parameter(key, text, None)
        except WorkbenchError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return REMOVED if value is None else value  # an empty list: `kws params KEY=` removes it

    parse.__name__ = key  # argparse names a type in its own messages by this
    return parse
