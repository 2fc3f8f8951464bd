"""``kws average``: several models with the same classes and frontend as one model averaging their outputs.

The models run side by side on the same spectrogram and the output is the weighted mean of their class
probabilities (:mod:`workbench.core.model.model_average`); ``MODEL:W`` counts a model W times. The first
model's parameters (detection settings, frontend) are kept. Members trained with negative-word classes
(``_go_``, ...) may be averaged with members without them, which count as giving those classes 0. The
result runs everywhere a model does: ``kws detect``, ``kws evaluate``, ``kws calibrate``, the window, the
board.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError

WEIGHT_SEPARATOR = ":"
WEIGHT_PATH_HINT = re.compile(r"[/\\]|\.(tflite|zip)$", re.IGNORECASE)  # after the ':' is a path, not a weight


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "average", help="merge models into one whose output is the weighted mean of theirs",
        description="Merge models with the same classes, input and frontend settings into one .tflite whose "
        "output is the weighted mean of their class probabilities (all int8: their layers side by side, then "
        "CONCATENATION and MEAN). MODEL:W counts a model W times (a whole number, default 1). The first "
        "model's parameters are kept. Negative-word classes (_go_, ...) of some members are kept: the members "
        "without them give them probability 0.")
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


def run(args: argparse.Namespace) -> int:
    from workbench.core.model.model_average import Member, average_models
    from workbench.cli.model_argument import resolve_model_path
    from workbench.core.model.model_file import load_model, model_from_bytes, save_model
    from workbench.training.model.model_metadata import restamped

    parsed = [parse_member(text) for text in args.models]
    if len(parsed) < 2:
        raise WorkbenchError("give at least two models to average")
    if str(args.out).endswith(".zip"):
        raise WorkbenchError("the averaged model is a .tflite; give -o OUT.tflite")
    members = [Member(load_model(resolve_model_path(path)), weight) for path, weight in parsed]
    total = sum(m.weight for m in members)
    shares = ", ".join(f"{m.model.name} {m.weight}/{total}" for m in members)
    name = Path(args.out).name.removesuffix(".tflite")
    merged = restamped(model_from_bytes(average_models(members), name, Path(args.out)), name,
                       f"average of {shares}")
    out = save_model(merged, args.out)
    print(f"wrote {out}: {len(merged.tflite):,} bytes, classes {', '.join(merged.classes)}; output = {shares}")
    return 0
