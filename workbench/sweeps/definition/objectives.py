"""The objective that ranks finished trials, computed from what ``kws train`` (and the calibration) wrote.

Why from the training's own outputs: ``val_balanced_accuracy`` is the balanced accuracy of the trained
int8 model on the validation clips *through the live path* (frontend, LiteRT, averaging, the
detector), which ``kws train`` computes and stores in ``summary.json``; the test split is never used
to choose. ``frr`` is the false-reject rate at the best detection parameters that stay at or under a
target number of false accepts per hour, on a labelled stream of the validation speakers: the
sweep builds the stream once (``kws stream make``) and each trial runs ``kws calibrate`` on its model,
both as child processes, so the calibration's own rules decide. A trial's FRR and FA/h are those of its
calibration's recommended detection parameters, which the trial keeps (``detection``): the sweep's best
model is copied with them (:mod:`workbench.sweeps.best_model`), so its figures hold for the model as copied.

Why ``kws calibrate`` writes into a folder of its own in the system's temporary folder, and the trial then moves its
files into the trial's ``calibration/``: ``kws calibrate --out`` makes the folders above its own, as a person giving
a new path expects, and the replay takes minutes -- a trial folder deleted or moved meanwhile (the sweep's whole
folder, by its user) was made again, holding a calibration and nothing else. The trial makes only ``calibration/``,
in its folder as it is then; a folder gone is one sentence (:func:`~workbench.core.folder_lock.gone_sentence`).
The sweep's validation stream goes into a folder made the same way, in the sweep's folder as it is then.

ASHA compares trials during training on the per-epoch validation balanced accuracy Keras reports
(cheap, every epoch); the objective ranks them once they finish.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from workbench.child_command import kws_command
from workbench.core.errors import WorkbenchError
from workbench.core.file_set import write_file_set
from workbench.core.folder_lock import gone_sentence
from workbench.core.wording import listed
from workbench.sweeps.definition.sweep_file import ObjectiveSettings, SweepFile
from workbench.training.spec.model_spec import DataSettings

STREAM_NAME = "validation-stream.wav"
CALIBRATING_PREFIX = "kws-trial-calibration-"  # the temporary folder kws calibrate writes into (module docstring)
CALIBRATION_TIMEOUT_S = 3600.0
TRIAL_CALIBRATION_WORKERS = "1"  # the sweep runs its trials side by side already: one process each, not one per CPU
WORST_FRR = 1.0  # no parameter set reaches the target: every keyword counts as missed
# the recommended set's parameters as a model stores them (what kws calibrate --apply-to writes into a model)
DETECTION_KEYS = ("detection_threshold", "average_window_duration_ms", "suppression_ms", "minimum_count",
                  "detection_threshold_list", "latency_ms")


@dataclass(frozen=True)
class ObjectiveStream:
    """The labelled validation stream of an ``frr`` sweep."""

    audio: Path
    labels: Path


@dataclass(frozen=True)
class ObjectiveValue:
    value: float | None
    figures: dict[str, Any]
    message: str = ""


def _run_kws(args: list[str], what: str, timeout: float) -> str:
    try:
        done = subprocess.run(kws_command(*args), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise WorkbenchError(f"{what} took longer than {timeout:.0f} s and was stopped.") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise WorkbenchError(f"{what} failed: {lines[-1] if lines else f'exit code {done.returncode}'}")
    return done.stdout


def make_validation_stream(sweep: SweepFile, data: DataSettings, folder: Path) -> ObjectiveStream:
    """Build the ``frr`` objective's stream from the validation split of the sweep's datasets.

    ``data``: the trials' data settings (their keywords and speaker split rule, percentages included: a stream
    split with other percentages would hold clips the trials train on). ``folder`` is made in the sweep's folder
    as it is now, never that folder: a sweep folder deleted or moved meanwhile is one sentence (WorkbenchError).
    """
    _make_own_folder(folder)
    audio = folder / STREAM_NAME
    args = ["stream", "make", "--out", str(audio), "--split", "validation", "--split-method", data.split_method,
            "--validation-percent", repr(float(data.validation_percent)), "--testing-percent",
            repr(float(data.testing_percent)),
            "--minutes", f"{sweep.objective.stream_minutes:g}", "--seed", str(sweep.run.seed),
            "--keywords", ",".join(data.keywords), "--progress", "none"]
    for dataset in sweep.datasets:
        args += ["--dataset", str(dataset.folder)]
    _run_kws(args, "kws stream make (the frr objective's validation stream)", CALIBRATION_TIMEOUT_S)
    return ObjectiveStream(audio, audio.with_suffix(".json"))


def stream_warnings(stream: ObjectiveStream, keywords: Sequence[str], settings: ObjectiveSettings) -> list[str]:
    """What the stream lacks, for a warning: a keyword it never says has no FRR in any trial's objective.

    Why here, once: every trial calibrates on this stream, so an FRR that counts "no" alone would otherwise
    pass for the FRR of "yes" and "no". A stream with no keyword at all is an error (WorkbenchError): every
    trial's ``kws calibrate`` would fail on it."""
    from workbench.calibration.streams.labels import load_labels

    counts = load_labels(stream.labels).keyword_counts()
    missing = [word for word in keywords if not counts.get(word)]
    remedy = (f"lengthen [objective] stream_minutes (now {settings.stream_minutes:g}) or give the dataset's "
              f"validation split more clips of {listed(missing)}")
    if len(missing) == len(keywords):
        raise WorkbenchError(f"the frr objective's validation stream {stream.audio} holds none of the keywords "
                             f"{listed(keywords)}, so no trial's FRR can be measured: {remedy}.")
    if not missing:
        return []
    measured = [word for word in keywords if word not in missing]
    return [f"the frr objective's validation stream holds no {listed(missing)}, so every trial's FRR is that of "
            f"{listed(measured)} alone: {remedy}"]


def frr_objective(model: Path, stream: ObjectiveStream, settings: ObjectiveSettings, out: Path) -> ObjectiveValue:
    """FRR at ``settings.target_fa_per_hour`` from ``kws calibrate`` on ``model`` (files into ``out``, made here in
    its folder, never that folder: see the module docstring); the figures hold the FRR, the FA/h and the
    recommended detection parameters they are for (``detection``). WorkbenchError when ``out``'s folder is gone."""
    with tempfile.TemporaryDirectory(prefix=CALIBRATING_PREFIX) as calibrating:
        written = Path(calibrating) / out.name
        text = _run_kws(["calibrate", "--model", str(model), "--stream", str(stream.audio), "--labels",
                         str(stream.labels), "--target-fa-per-hour", f"{settings.target_fa_per_hour:g}",
                         "--tolerance-s", f"{settings.tolerance_s:g}", "--format", "json", "--out", str(written),
                         "--no-plot", "--progress", "none", "--workers", TRIAL_CALIBRATION_WORKERS],
                        "kws calibrate", CALIBRATION_TIMEOUT_S)
        _move_files(written, out)
    try:
        document = json.loads(text)
    except ValueError:
        raise WorkbenchError("kws calibrate printed no JSON document.") from None
    best = document.get("recommended")
    if not best:
        return ObjectiveValue(WORST_FRR, {"frr": None, "fa_per_hour": None},
                              f"no detection parameters reach {settings.target_fa_per_hour:g} FA/h")
    detection = {key: best.get(key) for key in DETECTION_KEYS}
    return ObjectiveValue(float(best["frr"]), {"frr": best.get("frr"), "fa_per_hour": best.get("fa_per_hour"),
                                               "detection": detection})


def _make_own_folder(folder: Path) -> None:
    """``folder`` made (or kept) in its parent as it is now, never the parent: a sweep or trial folder deleted or
    moved while the sweep ran stays gone, and that is one sentence (WorkbenchError)."""
    try:
        folder.mkdir(exist_ok=True)
    except FileNotFoundError:
        raise WorkbenchError(gone_sentence(folder.parent)) from None
    except OSError as exc:
        raise WorkbenchError(f"Cannot create {folder}: {exc.strerror or exc}.") from None


def _move_files(written: Path, out: Path) -> None:
    """The files of the folder ``written`` into ``out``, made in its folder as it is now (never that folder: a
    trial folder gone stays gone), all or nothing."""
    _make_own_folder(out)
    write_file_set({out / path.name: path.read_bytes() for path in sorted(written.iterdir()) if path.is_file()})


def accuracy_objective(summary: dict[str, Any]) -> ObjectiveValue:
    """Validation balanced accuracy of the int8 model through the live path, from ``summary.json``."""
    figures = summary.get("validation_evaluation") or {}
    value = figures.get("balanced_accuracy")
    if value is None:
        return ObjectiveValue(None, {}, "the run has no validation evaluation (no validation clips?)")
    return ObjectiveValue(float(value), {})
