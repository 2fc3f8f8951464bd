"""Reading a calibration back from its output folder, and scoring any other parameter set on it.

Why: the GUI runs ``kws calibrate`` as a child process (a crash or a cancel never takes the window with
it) and then needs the figures the child wrote -- the document, every set's FRR and FA/h for the DET
plot -- and the stored scores, so that when the user moves the tuning sliders the "current parameters"
mark moves too: one set scored on the stored scores takes milliseconds, no replay.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from workbench.calibration.streams.labels import load_labels
from workbench.calibration.sweep.matching import SetMetrics
from workbench.calibration.results.output_files import (
    DOCUMENT_NAME,
    PLOT_NAME,
    REPORT_NAMES,
    SCORES_NAME,
    SWEEP_NAME,
    calibrated_preset_description,
    refuse_never_detecting,
    report_files,
)
from workbench.calibration.results.keyword_misses import keyword_misses_reason
from workbench.calibration.results.comparison_report import describe_compared, document_labels
from workbench.calibration.results.report import DOCUMENT_VERSION, MODEL_DIGEST_KEY, PERCENT
from workbench.calibration.results.speaker_spread import describe_interval
from workbench.calibration.replay import FRONTEND_RESET_SUPPRESSION_MS
from workbench.calibration.results.scores_file import load_scores
from workbench.calibration.sweep.scoring import CalibrationAudio, evaluate_set
from workbench.calibration.sweep.grid import ParameterSet
from workbench.core.detection.detector import keyword_classes
from workbench.core.detection.settings import DetectionSettings
from workbench.core.errors import WorkbenchError
from workbench.core.file_set import write_file_set
from workbench.core.wording import counted, listed, plural
from workbench.output_guard import check_output_file

if TYPE_CHECKING:
    from workbench.core.model.model_file import LoadedModel


class LabelsNotFound(WorkbenchError):
    """The labels file a report was scored with is not found, and the report holds no copy of it (the first
    version made none). ``stored``: the path as the report names it. A caller that can ask for a file offers to
    choose it, and passes it as :func:`load_calibration_output`'s ``labels_path``."""

    def __init__(self, message: str, stored: str) -> None:
        super().__init__(message)
        self.stored = stored


def figures_text(frr: float, fa_per_hour: float) -> str:
    """A set's two figures as the workspace and its status lines say them."""
    return f"FRR {frr * PERCENT:.1f} % at {fa_per_hour:.1f} FA/h"


@dataclass(frozen=True, eq=False)
class CalibrationOutput:
    """What a calibration wrote, loaded: the document, all sets' figures and the stored scores."""

    folder: Path
    document: dict[str, Any]
    fa_per_hour: npt.NDArray[np.float64]  # every set tried (sweep.csv)
    frr: npt.NDArray[np.float64]
    audio: CalibrationAudio

    @property
    def pareto(self) -> list[dict[str, Any]]:
        return list(self.document.get("pareto") or [])

    @property
    def recommended(self) -> dict[str, Any] | None:
        return self.document.get("recommended")

    @property
    def compared(self) -> list[dict[str, Any]]:
        """Other models calibrated on the same stream (``kws calibrate --compare``): model, recommended,
        model_parameters, pareto and difference, as in the document."""
        return list(self.document.get("compared") or [])

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the run warned of before its replay, in the order said (none in a report written before the
        document kept them): the window says them under the recommendation, of a run or of a report opened."""
        said = self.document.get("warnings")
        return tuple(str(warning) for warning in said) if isinstance(said, list) else ()

    @property
    def latency_ms(self) -> int:
        return int(self.document["model"]["latency_ms"])

    @property
    def model_file(self) -> str:
        return str(self.document["model"].get("file") or "")

    @property
    def labels_file(self) -> str | None:
        """The name of the labels' copy in the folder (None for a folder written before copies were made)."""
        name = self.document.get("labels_file")
        return str(name) if name else None

    def summary_lines(self) -> list[str]:
        """The recommendation (with its speaker interval) and one line per compared model, for a status."""
        document, recommended = self.document, self.recommended
        target = f"{document['target_fa_per_hour']:g} FA/h"
        misses = self.keyword_misses()
        if recommended is None:
            lines = [self._no_recommendation_line(target)]
        elif misses:  # as kws calibrate says it (not "nothing to change": no set of it is one to ship)
            lines = [f"Nothing to ship for ≤ {target}: {misses}."]
        else:
            own = "the model's own parameters (nothing to change), " if recommended.get("model_own") else ""
            text = f"Recommended for ≤ {target}: {own}{figures_text(recommended['frr'], recommended['fa_per_hour'])}"
            spread = recommended.get("speaker_interval")
            lines = [text + (f" ({describe_interval(spread)})" if spread else "")]
        main, *labels = document_labels(document)
        return lines + [describe_compared(entry, main, label) for entry, label in zip(self.compared, labels)]

    def keyword_misses(self) -> str | None:
        """Why the recommended set is no setting to ship (it detects none of the stream's keywords), in ``kws
        calibrate``'s words; None when it detects some or nothing is recommended."""
        recommended = self.recommended
        return keyword_misses_reason(self.frr, self.fa_per_hour, None if recommended is None else
                                     float(recommended["frr"]), float(self.document["target_fa_per_hour"]),
                                     keyword_classes(self.document["model"]["classes"]))

    def _no_recommendation_line(self, target: str) -> str:
        """Why nothing is recommended, with the fewest FA/h a set that can detect reaches (as ``kws calibrate``
        says it).

        Why only the sets over the target count: a set that can never detect scores 0 FA/h, and with no
        recommendation every set at or under the target is such a set (any other would be recommended).
        """
        over = self.fa_per_hour[self.fa_per_hour > float(self.document["target_fa_per_hour"])]
        if not over.size:
            return "No set tried ever detects anything: try lower thresholds, or other windows and counts."
        return (f"No set reaches {target}; the fewest is {float(np.min(over)):.1f} FA/h: raise the target or "
                "improve the model.")

    def can_score(self, settings: DetectionSettings) -> str | None:
        """None if the stored scores apply to ``settings``, else why not (one sentence)."""
        if settings.latency_ms != self.latency_ms:
            return (f"the calibration ran the model every {self.latency_ms} ms; these settings run it every "
                    f"{settings.latency_ms} ms")
        if settings.suppression_ms <= FRONTEND_RESET_SUPPRESSION_MS:
            return (f"with a suppression of {settings.suppression_ms} ms the firmware resets its frontend after "
                    "each detection, so the stored scores do not apply")
        lst = settings.detection_threshold_list
        if lst is not None and len(lst) != len(self.audio.classes):
            return "the per-class thresholds do not match the calibrated model's classes"
        return None

    def save_set_into_model(self, model_path: str | Path, item: dict[str, Any], out_path: str | Path,
                            replace_model: bool = False, preset: tuple[str, str] | None = None) -> Path:
        """Write the ``pareto``/``recommended`` entry ``item`` into a copy of the calibrated model at
        ``model_path`` (the inference interval as calibrated), atomically; refused when the set can never
        detect anything (the front's 0 FA/h end may be such a set). With ``preset`` (its name and description)
        the set is written as that preset, the model's own parameters -- those the board uses -- unchanged.

        ``replace_model``: ``out_path`` may be the calibrated model itself -- the window's rule for "Save into
        model…", whose file dialog asked before replacing it, as the Tuning panel's save does; without it the
        output is always a copy. A bundled model is never written."""
        from workbench.core.detection.tuning import save_preset_into_model, save_settings_into_model
        from workbench.core.model.model_file import load_model

        check_output_file(Path(out_path), [] if replace_model else [model_path], option=None)
        model = load_model(model_path)
        calibrated = self.document["model"].get(MODEL_DIGEST_KEY)  # (None in reports of older versions)
        if calibrated is not None and calibrated != model.network_digest:
            raise WorkbenchError(f"{model_path} is no longer the model this calibration measured (the file was "
                                 "replaced since): calibrate it again, or save into the model that was calibrated")
        settings = self.settings_of(item, model)
        if preset is not None:
            name, description = preset
            return save_preset_into_model(model, name, settings, description, Path(out_path))
        return save_settings_into_model(model, settings, Path(out_path))

    def preset_description(self, item: dict[str, Any]) -> str:
        """What a preset of the entry ``item`` is for, as ``kws calibrate --as-preset`` says it: the stream, the
        target (only when ``item`` keeps to it), and the set's figures there."""
        target, fa_per_hour = float(self.document["target_fa_per_hour"]), float(item["fa_per_hour"])
        return calibrated_preset_description(self.stream_name, float(item["frr"]), fa_per_hour,
                                             target if fa_per_hour <= target else None)

    @property
    def stream_name(self) -> str:
        """The calibrated stream's file name (its labels' in a report that names no audio file)."""
        stream = self.document["stream"]
        return Path(stream.get("audio") or stream["labels"]).name

    def settings_of(self, item: dict[str, Any], model: "LoadedModel") -> DetectionSettings:
        """The settings the entry ``item`` gives ``model`` (its own values for the rest, the inference interval
        as calibrated); WorkbenchError when they can never detect anything."""
        base = DetectionSettings.from_params(model.params).replace(latency_ms=self.latency_ms)
        settings = parameter_set_of(item).settings(base)
        refuse_never_detecting(settings, model.classes)
        return settings

    def copy_report(self, folder: str | Path) -> list[Path]:
        """Copy the report files the calibration wrote into ``folder`` (created if missing), as one set: an
        older report there is replaced whole (see :func:`~.output_files.write_outputs`).

        Refused, ``folder`` untouched, when a file the report needs is no longer in :attr:`folder` (moved or
        deleted since it was opened): the copy would replace the report there with one that cannot open. Only
        the DET plot may be missing (a calibration without matplotlib writes none)."""
        target = Path(folder)
        names = [*REPORT_NAMES, *([self.labels_file] if self.labels_file else [])]
        missing = [name for name in names if name != PLOT_NAME and not (self.folder / name).is_file()]
        if missing:
            gone = (f"its folder {self.folder} is gone" if not self.folder.is_dir() else
                    f"{listed(missing)} {plural(len(missing), 'is', 'are')} no longer in {self.folder}")
            raise WorkbenchError(f"cannot save the report: {gone}; nothing was written into {target}")
        files: dict[Path, bytes] = {}
        for name in names:
            source = self.folder / name
            try:
                if source.is_file():
                    files[target / name] = source.read_bytes()
            except OSError as exc:
                raise WorkbenchError(f"cannot copy {name} into {folder}: {exc.strerror or exc}") from None
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkbenchError(f"cannot create the folder {target}: {exc.strerror or exc}") from None
        return write_file_set(files, stale=report_files(target))

    @property
    def background_recordings(self) -> list[Path]:
        """The background-only recordings the document names, in the order they were replayed (on disk or not)."""
        entries = self.document.get("background") or []
        return [Path(entry["audio"]) for entry in entries if isinstance(entry, dict) and entry.get("audio")]

    def background_false_accepts(self, item: dict[str, Any]) -> list[tuple[Path, int]]:
        """(recording, the entry ``item``'s false accepts in it) for each background recording of the document.

        Why recounted on the stored scores: the document keeps only their sum (``false_accepts_background``), which
        says nothing of how many a recording moved or deleted since takes with it -- and every version's folder
        holds the scores, so reports written before this need nothing new. The same detector on the same scores
        gives the sweep's own figures. WorkbenchError when the scores hold another number of recordings."""
        recordings = self.background_recordings
        if len(recordings) != len(self.audio.backgrounds):
            raise WorkbenchError(f"the scores in {self.folder} do not belong to its calibration.json: they hold "
                                 f"{counted(len(self.audio.backgrounds), 'background recording')}, it names "
                                 f"{len(recordings)}")
        pset = parameter_set_of(item)
        detections = (pset.average_window_duration_ms, pset.minimum_count, pset.threshold, pset.suppression_ms)
        return [(recording, len(track.detect(*detections)))
                for recording, track in zip(recordings, self.audio.backgrounds)]

    def score(self, settings: DetectionSettings) -> SetMetrics | None:
        """The figures of ``settings`` on the calibration audio (None when :meth:`can_score` says no)."""
        if self.can_score(settings) is not None:
            return None
        tolerance = float(self.document["tolerance_s"])
        return evaluate_set(self.audio, ParameterSet.from_settings(settings), tolerance)


def parameter_set_of(item: dict[str, Any]) -> ParameterSet:
    """The parameters of a ``pareto``/``recommended`` entry of the document."""
    lst = item.get("detection_threshold_list")
    return ParameterSet(int(item["detection_threshold"]), int(item["average_window_duration_ms"]),
                        int(item["suppression_ms"]), int(item["minimum_count"]),
                        tuple(int(v) for v in lst) if lst else None)


def _sweep_columns(path: Path) -> tuple[np.ndarray, np.ndarray]:
    fa, frr = [], []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fa.append(float(row["fa_per_hour"]))
            frr.append(float(row["frr"]))
    return np.asarray(fa, np.float64), np.asarray(frr, np.float64)


_DOCUMENT_KEYS = ("model", "stream", "target_fa_per_hour", "tolerance_s", "sets_tried")
_STREAM_KEYS = ("labels", "duration_s")


def _checked_document(text: str, folder: Path) -> dict[str, Any]:
    document = json.loads(text)
    if not isinstance(document, dict) or any(k not in document for k in _DOCUMENT_KEYS) \
            or not isinstance(document["model"], dict) or not isinstance(document["stream"], dict) \
            or any(k not in document["stream"] for k in _STREAM_KEYS):
        raise WorkbenchError(f"{folder / DOCUMENT_NAME} is not a calibration.json written by kws calibrate")
    if document.get("version") != DOCUMENT_VERSION:
        raise WorkbenchError(f"{folder / DOCUMENT_NAME} is of version {document.get('version')}; this workbench "
                             f"reads version {DOCUMENT_VERSION}")
    return document


def _report_folder(given: Path) -> Path:
    """The report folder of ``given``: itself, or the folder of its ``calibration.json``."""
    if not given.is_file():
        return given  # a folder, or a missing path: the loader names what is missing
    if given.name == DOCUMENT_NAME:
        return given.parent
    raise WorkbenchError(f"{given} is a file: choose the calibration report's folder (the one holding "
                         f"{DOCUMENT_NAME})")


def _report_labels(folder: Path, document: dict[str, Any]) -> Path:
    """The labels the report in ``folder`` was scored with: its copy, else the file the document names (folders
    written before copies were made); :class:`LabelsNotFound` when that is not found.

    Why a relative name is looked for in the report's folder first: the first version stored the path as it was
    given, relative to the folder it ran in, which says nothing from another working folder; a report kept with
    its stream beside it still opens. Then the name is taken as given (the working folder), as that version did.
    """
    copy = document.get("labels_file")
    if copy and (folder / copy).is_file():
        return folder / copy
    stored = str(document["stream"]["labels"])
    given = Path(stored)
    found = next((place for place in ([given] if given.is_absolute() else [folder / given, given])
                  if place.is_file()), None)
    if found is not None:
        return found
    choose = "choose the labels file its stream was made with"
    if given.is_absolute():
        raise LabelsNotFound(f"the labels file the calibration report in {folder} was scored with, {stored}, is "
                             f"not found (moved or deleted), and the report holds no copy of it: {choose}", stored)
    raise LabelsNotFound(f"the calibration report in {folder} was made by an older version of the workbench, which "
                         f"stored its labels file as a path relative to the folder it ran in ({stored}), and it is "
                         f"neither in the report's folder nor in the working folder {Path.cwd()}: {choose}", stored)


def load_calibration_output(folder: str | Path, labels_path: str | Path | None = None) -> CalibrationOutput:
    """Load ``calibration.json``, ``sweep.csv`` and ``scores.npz`` from ``folder``.

    ``labels_path`` defaults to the folder's copy of the labels, else the labels file the document names
    (folders written before copies were made; :func:`_report_labels`). Labels given are checked against the
    calibrated model's classes and the stream's length, as ``kws calibrate`` checked the stream's: a file chosen by
    hand may be another stream's. ``folder`` may also be its ``calibration.json`` (what a person picks when asked
    for "the report"); any other file is one sentence asking for the folder. Raises :class:`WorkbenchError`
    (:class:`LabelsNotFound` when the labels the document names are not found).
    """
    folder = _report_folder(Path(folder))
    try:
        document = _checked_document((folder / DOCUMENT_NAME).read_text(encoding="utf-8"), folder)
        fa, frr = _sweep_columns(folder / SWEEP_NAME)
    except FileNotFoundError as exc:
        raise WorkbenchError(f"the calibration folder {folder} lacks {Path(exc.filename).name}") from None
    except (OSError, ValueError, KeyError) as exc:
        raise WorkbenchError(f"cannot read the calibration in {folder}: {exc}") from None
    stream, backgrounds = load_scores(folder / (document.get("scores_file") or SCORES_NAME))
    if labels_path is None:
        labels = load_labels(_report_labels(folder, document))
    else:
        model, stream_file = document["model"], document["stream"].get("audio")
        labels = load_labels(labels_path).validated(
            tuple(model["classes"]), float(document["stream"]["duration_s"]), f"model {model['name']}",
            Path(stream_file).name if stream_file else "the stream")
    audio = CalibrationAudio.from_replays(stream, labels, backgrounds)
    if not math.isclose(stream.duration_s, float(document["stream"]["duration_s"])):
        raise WorkbenchError(f"the scores in {folder} do not belong to its calibration.json")
    return CalibrationOutput(folder, document, fa, frr, audio)
