"""Writing a calibration's files: ``calibration.json``, ``det.png``, ``sweep.csv``, ``scores.npz``, the
stream's labels, a model.

Why a module: the CLI (``--out``, ``--apply-to``) and the GUI ("Save into model…") write the same
files the same way -- each atomically, so an interrupted run never leaves a half-written report or
model, and a folder that cannot be written is one clear sentence. The report files are written as one set
(:mod:`workbench.core.file_set`): all of them or none, never an older ``calibration.json`` beside a
newer ``sweep.csv``; a report file of an earlier calibration that this one does not write (its DET plot,
a labels copy of another format) is removed, so the folder never mixes two calibrations. The labels are copied in (as
``labels.json`` or ``labels.csv``) so that a report folder opens anywhere, in the GUI too, even after the
stream's own labels file was moved or edited: re-scoring a parameter set needs them, not the audio.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from workbench.calibration.calibration_run import CalibrationResult
from workbench.calibration.results.det_plot import det_plot_png
from workbench.calibration.results.report import DOCUMENT_NAME, PERCENT, SWEEP_NAME, calibration_document, sweep_csv
from workbench.calibration.results.scores_file import scores_bytes
from workbench.calibration.streams.labels import LABEL_SUFFIXES
from workbench.core.detection.never_detects import never_detects_reason
from workbench.core.detection.settings import DetectionSettings
from workbench.core.errors import WorkbenchError
from workbench.core.file_set import Content, folder_kept_only_if_written, write_file_set
from workbench.plot_advice import PlotUnavailable

PLOT_NAME = "det.png"
SCORES_NAME = "scores.npz"
LABELS_STEM = "labels"
REPORT_NAMES = (DOCUMENT_NAME, PLOT_NAME, SWEEP_NAME, SCORES_NAME)  # a report's files, besides its labels copy


def labels_name(result: CalibrationResult) -> str:
    """The name of the labels' copy in an output folder (the original's format kept)."""
    return LABELS_STEM + result.request.labels_path.suffix.lower()


def document_json(result: CalibrationResult, compared: Sequence[CalibrationResult] = (),
                  in_folder: bool = False, warnings: Sequence[str] = ()) -> str:
    """``calibration.json``'s text; ``in_folder``: it names the scores and labels files written beside it;
    ``warnings``: what the run warned of (the document's ``warnings``)."""
    files = (SCORES_NAME, labels_name(result)) if in_folder else (None, None)
    document = calibration_document(result, files[0], compared, files[1], warnings)
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def report_files(folder: Path) -> list[Path]:
    """The files of the calibration already in ``folder``: one set, replaced as a whole.

    The labels copy counts only when that calibration's document names it: a ``labels.json`` of the
    user's own beside the report is not ours to remove.
    """
    files = [folder / name for name in REPORT_NAMES]
    try:
        named = json.loads((folder / DOCUMENT_NAME).read_text(encoding="utf-8")).get("labels_file")
    except (OSError, ValueError, AttributeError):
        return files
    copies = {LABELS_STEM + suffix for suffix in LABEL_SUFFIXES}
    return files + ([folder / named] if isinstance(named, str) and named in copies else [])


def write_outputs(result: CalibrationResult, out_dir: str | Path, plot: bool = True,
                  notes: list[str] | None = None, compared: Sequence[CalibrationResult] = (),
                  warnings: Sequence[str] = ()) -> list[Path]:
    """Write every output file into ``out_dir`` (created if missing), all or nothing; returns the paths
    written. The sweep and scores are ``result``'s; ``compared`` models appear in the plot and the document, the
    run's ``warnings`` in the document.

    Without matplotlib the DET plot is skipped and the reason appended to ``notes``: the figures of a
    long replay are never lost for want of a picture.
    """
    folder = Path(out_dir)
    with folder_kept_only_if_written(folder):
        return _write_outputs(result, folder, plot, notes, compared, warnings)


def _write_outputs(result: CalibrationResult, folder: Path, plot: bool, notes: list[str] | None,
                   compared: Sequence[CalibrationResult], warnings: Sequence[str]) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbenchError(f"cannot create the output folder {folder}: {exc.strerror or exc}") from None
    labels = result.labels.raw  # the bytes that were scored: the file may be gone or replaced since
    if labels is None:
        try:
            labels = result.request.labels_path.read_bytes()
        except OSError as exc:
            raise WorkbenchError(f"cannot read the labels {result.request.labels_path}: "
                                 f"{exc.strerror or exc}") from None
    files: dict[Path, Content] = {folder / SCORES_NAME: scores_bytes(result.stream, result.backgrounds),
                                  folder / SWEEP_NAME: sweep_csv(result).encode("utf-8"),
                                  folder / labels_name(result): labels}
    if plot:
        try:
            files[folder / PLOT_NAME] = det_plot_png(result, compared)
        except PlotUnavailable as exc:
            if notes is not None:
                notes.append(f"{PLOT_NAME} not written: {exc}")
    document = document_json(result, compared, in_folder=True, warnings=warnings)
    files[folder / DOCUMENT_NAME] = document.encode("utf-8")
    stale = [p for p in report_files(folder) if p.resolve() != result.request.labels_path.resolve()]
    return write_file_set(files, stale=stale)


def apply_recommendation(result: CalibrationResult, out_model: str | Path, preset: str | None = None,
                         description: str | None = None) -> Path:
    """Write a copy of the calibrated model whose parameters are the recommended set; with ``preset``, whose preset
    of that name is (with ``description``, by default where and for what it was calibrated), its own parameters
    unchanged (:mod:`workbench.core.detection.presets`).

    When the recommendation is the model's own set (its per-class list included) the copy keeps them: the
    recommendation never replaces the model's parameters with worse ones."""
    from workbench.core.detection.tuning import save_preset_into_model, save_settings_into_model

    settings = result.recommended_settings()
    if settings is None:
        raise WorkbenchError(f"no parameter set reaches {result.request.target_fa_per_hour:g} false accepts per "
                             "hour, so there is nothing to write into the model; raise the target")
    refuse_never_detecting(settings, result.model.classes)
    if result.keyword_misses:  # the least bad of sets that all miss every keyword: the report says the same
        raise WorkbenchError(f"no model copy written: {result.keyword_misses}")
    if preset is not None:
        said = preset_description(result) if description is None else description
        return save_preset_into_model(result.model, preset, settings, said, Path(out_model))
    return save_settings_into_model(result.model, settings, Path(out_model))


def preset_description(result: CalibrationResult) -> str:
    """What a preset written from ``result``'s recommendation is for, when the user gave no description: the
    stream it was calibrated on, the target, and its figures there (a preset is meant for audio like that)."""
    metrics = result.table.metrics(result.recommended)  # type: ignore[arg-type]  (only with a recommendation)
    return calibrated_preset_description(result.request.stream_path.name, metrics.frr, metrics.fa_per_hour,
                                         result.request.target_fa_per_hour)


def calibrated_preset_description(stream_name: str, frr: float, fa_per_hour: float,
                                  target_fa_per_hour: float | None) -> str:
    """The sentence a preset calibrated on the stream ``stream_name`` says of itself, with its figures there; the
    target only when given (the window leaves it out for a set the user picked above it). Why one sentence for the
    command and the window: a preset reads the same whichever wrote it."""
    target = "" if target_fa_per_hour is None else f" for at most {target_fa_per_hour:g} false accepts an hour"
    return (f"calibrated by kws calibrate on {stream_name}{target}: there it missed {frr * PERCENT:.1f} % of the "
            f"keywords and fired {fa_per_hour:.1f} times an hour")


def refuse_never_detecting(settings: DetectionSettings, classes: Sequence[str]) -> None:
    """WorkbenchError when ``settings`` can never detect anything: a calibration writes settings to ship, and a
    model that never detects is never one (the tuning panel and ``kws params`` only warn: there a user edits)."""
    reason = never_detects_reason(settings, classes)
    if reason:
        raise WorkbenchError(f"nothing written: {reason}")
