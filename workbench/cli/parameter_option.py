"""A command-line option that sets a model parameter (``kws detect --threshold``, ``kws board classify
--window-ms``), read as ``kws params KEY=TEXT`` and the Model view read the same text.

The reader is imported when an option is read, not with this module: it loads numpy and LiteRT, which the
commands' ``--help`` must not (:mod:`workbench.cli.main`).

The threshold options (:func:`add_threshold_options`) are the same in every command that runs the detector, the
PC's (``kws detect``) and the board's (``kws board classify``): ``--threshold`` is one threshold for every class and
removes a per-class list the model stores -- the firmware uses such a list whenever there is one, so a threshold
beside it changed nothing on the board while ``kws detect`` used it -- and ``--threshold-list`` gives one per class,
as ``kws calibrate --per-class-thresholds`` recommends them, so its ``reproduce:`` options work on either.
"""

from __future__ import annotations

import argparse
from typing import Any, Callable

from workbench.core.detection.settings import THRESHOLD_LIST_KEY, threshold_list_length_error
from workbench.core.errors import WorkbenchError

REMOVED = ()  # what an option reads as when its text removes the parameter (`--threshold-list ""`)
THRESHOLD_KEY = "detection_threshold"


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


def add_threshold_options(parser: argparse.ArgumentParser) -> None:
    """``--threshold`` or ``--threshold-list`` (one of them): see the module docstring."""
    thresholds = parser.add_mutually_exclusive_group()
    thresholds.add_argument("--threshold", type=parameter_type(THRESHOLD_KEY),
                            help="detection_threshold, 0-255, for every class (replaces a per-class list in the model)")
    thresholds.add_argument("--threshold-list", metavar="T,T,...", type=parameter_type(THRESHOLD_LIST_KEY),
                            help="detection_threshold_list: one threshold per class, in the model's class order; "
                            "empty (\"\") for the model's detection_threshold for every class")


def threshold_changes(args: argparse.Namespace, n_classes: int) -> dict[str, Any]:
    """The ``DetectionSettings`` fields the threshold options change, for a model of ``n_classes`` classes."""
    changes: dict[str, Any] = {}
    threshold, threshold_list = getattr(args, "threshold", None), getattr(args, "threshold_list", None)
    if threshold is not None:
        changes[THRESHOLD_KEY] = threshold
        changes[THRESHOLD_LIST_KEY] = None  # one threshold for every class, as `kws calibrate` sweeps it
    if threshold_list == REMOVED:
        changes[THRESHOLD_LIST_KEY] = None  # as `kws params M detection_threshold_list=` removes a stored list
    elif threshold_list is not None:
        length_error = threshold_list_length_error(threshold_list, n_classes)
        if length_error:
            raise WorkbenchError(length_error)
        changes[THRESHOLD_LIST_KEY] = tuple(threshold_list)  # (DetectionSettings checks they are 0-255)
    return changes
