"""``kws average``: several models with the same classes and frontend as one model averaging their outputs.

The models run side by side on the same spectrogram and the output is the weighted mean of their class
probabilities (:mod:`workbench.core.model.model_average`); ``MODEL:W`` counts a model W times. The first
model's parameters (detection settings, frontend) are kept. Members trained with negative-word classes
(``_go_``, ...) may be averaged with members without them, which count as giving those classes 0. The
result runs everywhere a model does: ``kws detect``, ``kws evaluate``, ``kws calibrate``, the window, the
board.

Members are named by the file the user gave (its name without .tflite), not by the name inside the model:
a retrained copy keeps its original's name, and "kws_yes_no differs from kws_yes_no" helps nobody. Weights
are reduced by their greatest common divisor (the summary says so) and their total may not exceed
:data:`~workbench.core.model.model_average.MAX_TOTAL_WEIGHT`: that is checked as soon as the arguments are
read, before any model is, since a weight in the millions would take minutes and gigabytes to refuse later.
Models given twice (identical bytes) run once with their weights summed, and the summary says so. The averaged
model is profiled as ``kws profile`` does: a warning when it cannot fit the EFR32xG24's flash or RAM (large
members cost both).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any, Sequence

from workbench.cli.command_list import summary
from workbench.core.errors import WorkbenchError

WEIGHT_SEPARATOR = ":"
WEIGHT_PATH_HINT = re.compile(r"[/\\]|\.(tflite|zip)$", re.IGNORECASE)  # after the ':' is a path, not a weight
MODEL_SUFFIXES = (".mltk.zip", ".tflite")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "average", help=summary("average"),
        description="Merge models with the same classes, input and frontend settings into one .tflite whose "
        "output is the weighted mean of their class probabilities (all int8: their layers side by side, then "
        "CONCATENATION and MEAN). MODEL:W counts a model W times (a whole number, default 1; the weights are "
        "divided by their greatest common divisor, so 2:2 is 1:1, and may add up to at most 100; a model given "
        "twice runs once with its weights summed). The first model's parameters are kept. "
        "Negative-word classes (_go_, ...) of some members are kept: the members without them give them "
        "probability 0. Warns when the result cannot fit the EFR32xG24 (as kws profile estimates it).")
    p.add_argument("models", nargs="+", metavar="MODEL[:W]", help="models to average (at least two)")
    p.add_argument("-o", "--out", type=Path, required=True, help="the averaged model (.tflite)")
    p.set_defaults(func=run)


def parse_member(text: str) -> tuple[Path, int]:
    """``path`` or ``path:W``; a ':' after which no file exists is read as a weight and must be a whole number.

    A path that itself holds a ':' (``C:/models/m.tflite``, ``take:2.tflite``) is taken as it is when it exists.
    """
    path, sep, weight = text.rpartition(WEIGHT_SEPARATOR)
    if not sep or not path or Path(text).exists() or WEIGHT_PATH_HINT.search(weight):
        return Path(text), 1
    if not weight.strip().isdigit() or int(weight) < 1:
        raise WorkbenchError(f"bad weight in {text!r}: MODEL:W takes a whole number of times, 1 or more")
    return Path(path), int(weight)


def member_labels(paths: Sequence[Path]) -> list[str]:
    """What to call each member: its file name without the model suffix (``fe2`` for ``runs/fe2.tflite``,
    ``kws_yes_no`` for the bundled name), or the path as given where two different files share that name."""
    def short(path: Path) -> str:
        name = path.name
        return next((name[:-len(suffix)] for suffix in MODEL_SUFFIXES if name.lower().endswith(suffix)), name)

    names = [short(path) for path in paths]
    clashing = {name for name in names if len({str(p) for p, n in zip(paths, names) if n == name}) > 1}
    return [str(path) if name in clashing else name for path, name in zip(paths, names)]


def _weights_note(given: Sequence[int], used: Sequence[int]) -> str:
    if tuple(given) == tuple(used) or len(used) == 1:  # one model's mean is the model, whatever its weight
        return ""
    return f" (weights {':'.join(map(str, given))} reduced to {':'.join(map(str, used))}: the same mean)"


def folds_note(groups: Sequence[Sequence[Any]]) -> str:
    """What the summary says about models given more than once (identical bytes; ``groups`` of
    :class:`~workbench.core.model.model_average.Member`): run once, with their weights summed; "" when none."""
    notes = []
    for group in (group for group in groups if len(group) > 1):
        names = list(dict.fromkeys(member.name for member in group))
        if len(names) == 1:
            same = f"{names[0]} given {len(group)} times"
        else:
            same = f"{', '.join(names)}: the same model (identical bytes)"
        notes.append(f" ({same}, run once with weight {sum(member.weight for member in group)})")
    return "".join(notes)


def fit_warnings(tflite: bytes) -> list[str]:
    """The EFR32xG24's flash or RAM that the model overflows on its own, as ``kws profile`` estimates them
    (flash: the file; RAM: the tensor arena with the MVP, the default accelerator); [] when it fits."""
    from workbench.profiler import profile_model
    from workbench.profiler.device_limits import flash_shortfall, ram_shortfall

    summary = profile_model(tflite).summary
    if summary is None:
        return []
    problems = [flash_shortfall(summary.flash_bytes), ram_shortfall(summary.arena_bytes_mvp, how="with the MVP")]
    return [problem for problem in problems if problem]


def run(args: argparse.Namespace) -> int:
    from workbench.cli.model_argument import resolve_model_path
    from workbench.output_guard import check_output_file
    from workbench.core.model.model_average import (Member, average_models, check_total_weight, folded_members,
                                                    identical_groups, reduced_weights)
    from workbench.core.model.model_file import load_model, model_from_bytes, save_model
    from workbench.training.model.model_metadata import restamped

    parsed = [parse_member(text) for text in args.models]
    if len(parsed) < 2:
        raise WorkbenchError("give at least two models to average")
    if str(args.out).lower().endswith(".zip"):  # X.ZIP too: a .tflite named as an archive
        raise WorkbenchError("the averaged model is a .tflite; give -o OUT.tflite")
    files = [resolve_model_path(path) for path, _weight in parsed]
    check_output_file(Path(args.out), files)
    labels = member_labels([path for path, _weight in parsed])
    members = [Member(load_model(file), weight, label) for file, (_path, weight), label in zip(files, parsed, labels)]
    folded = folded_members(members)  # as average_models folds them, for the summary
    given = [member.weight for member in folded]
    check_total_weight(given)  # after folding: a:50 a:51 b:101 is 1:1
    weights = reduced_weights(given)
    total = sum(weights)
    shares = ", ".join(f"{m.name} {weight}/{total}" for m, weight in zip(folded, weights))
    name = Path(args.out).name.removesuffix(".tflite")
    merged = restamped(model_from_bytes(average_models(members), name, Path(args.out)), name,
                       f"average of {shares}")
    out = save_model(merged, args.out)
    print(f"wrote {out}: {len(merged.tflite):,} bytes, classes {', '.join(merged.classes)}; output = {shares}"
          f"{folds_note(identical_groups(members))}{_weights_note(given, weights)}")
    for problem in fit_warnings(merged.tflite):
        print(f"kws: warning: {out} does not fit: {problem}; lower the weights or average fewer or smaller "
              "models.", file=sys.stderr)
    return 0
