"""A whole calibration: replay the stream and background audio once, sweep, find the front, recommend.

Why one function for the CLI and the GUI: both must report the same figures for the same inputs, and
both need progress and cancel. :func:`run_calibration` reports progress as ``(phase, fraction)`` with the
fraction of the whole job (the replays take most of it, weighted by audio length), checks ``cancel``
between blocks, and raises :class:`CalibrationCancelled` when asked to stop; nothing is written here
(see :mod:`report` for the output files). What would make its figures mislead without being wrong -- a stream
whose samples are not those its labels were written for (:func:`~.streams.build_tag.build_doubt`), a background
recording of digital silence (:mod:`~workbench.calibration.silent_background`) -- goes to ``warn``, one sentence
each, before the replay: the CLI says it on stderr and keeps it in the document (``warnings``), where the window
reads it.

A set that can never detect anything (:func:`~workbench.core.detection.never_detects.never_detects_reason` at
the calibrated inference interval: the model's own window and count at a longer ``--latency-ms``, a threshold
of 255) scores 0 FA/h and FRR 100 %; it is kept in the table and the front, but never recommended, and the
model's own set says why it misses everything (:attr:`CalibrationResult.model_never_detects`).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.results.false_accept_words import false_accept_words, top_false_accept_words
from workbench.calibration.results.keyword_misses import keyword_misses_reason
from workbench.calibration.results.speaker_spread import SpeakerCounts, SpeakerSpread, speaker_counts, spread_of
from workbench.calibration.silent_background import silent_background_warning
from workbench.calibration.streams.build_tag import audio_build, build_doubt
from workbench.calibration.streams.labels import StreamLabels, load_labels
from workbench.calibration.sweep.matching import SetMetrics
from workbench.calibration.sweep.calibration_defaults import DEFAULT_TARGET_FA_PER_HOUR, DEFAULT_TOLERANCE_S
from workbench.calibration.sweep.pareto import pareto_front, recommend
from workbench.calibration.replay import (
    FRONTEND_RESET_SUPPRESSION_MS,
    ReplayScores,
    model_sample_rate,
    replay_samples,
)
from workbench.calibration.sweep.scoring import CalibrationAudio, SweepTable, evaluate_set, run_sweep
from workbench.calibration.sweep.sweep_workers import SweepWorkers
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.sweep.grid import ParameterSet, SweepRanges, parameter_grid
from workbench.core.audio.audio_file import audio_files_in, load_audio
from workbench.core.detection.detector import keyword_classes
from workbench.core.detection.never_detects import never_detects_reason
from workbench.core.detection.settings import SCORE_MAX, DetectionSettings
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.core.model.model_file import LoadedModel

SWEEP_SHARE = 0.15  # of the progress bar; the replays get the rest
PHASE_REPLAY = "replay"
PHASE_SWEEP = "sweep"
PHASE_ANALYSIS = "Pareto front and recommendation"  # after the sweep's 100 %: says what the wait is for

PhaseProgress = Callable[[str, float], None]
Warn = Callable[[str], None]


@dataclass(frozen=True)
class CalibrationRequest:
    """What to calibrate, on what, and for which target."""

    stream_path: Path
    labels_path: Path
    background_paths: tuple[Path, ...] = ()  # the recordings themselves (:func:`background_files`)
    target_fa_per_hour: float = DEFAULT_TARGET_FA_PER_HOUR
    tolerance_s: float = DEFAULT_TOLERANCE_S
    ranges: SweepRanges = field(default_factory=SweepRanges)
    latency_ms: int | None = None  # None: the model's
    # processes the sweep may use (None: one per usable CPU); how the run goes, not what it finds
    workers: int | None = field(default=None, compare=False)
    # the labels already read from labels_path (a caller that checked them first); None: the run reads them
    labels: StreamLabels | None = field(default=None, compare=False)
    # the --background arguments background_paths were found from, as given (a folder unexpanded), which the
    # reproduce: line repeats; None: background_paths themselves
    background_arguments: tuple[Path, ...] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.target_fa_per_hour < math.inf:
            raise SettingsError(f"the target must be a number of false accepts per hour >= 0, "
                                f"got {self.target_fa_per_hour}")
        if not 0 <= self.tolerance_s < math.inf:
            raise SettingsError(f"the tolerance must be a number of seconds >= 0, got {self.tolerance_s}")
        SweepWorkers(self.workers)  # refuses fewer than one


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    request: CalibrationRequest
    model: LoadedModel
    labels: StreamLabels
    stream: ReplayScores
    backgrounds: tuple[ReplayScores, ...]
    audio: CalibrationAudio
    table: SweepTable
    front: tuple[int, ...]
    recommended: int | None
    model_settings: DetectionSettings
    model_metrics: SetMetrics | None  # None when the model's own suppression resets the frontend
    model_index: int | None = None  # the model's own set's row in ``table`` (None as for model_metrics)
    model_set_added: bool = False  # that row was added after the grid's (the grid lacks the model's set)
    model_never_detects: str | None = None  # why the model's own set can never detect anything, at this latency
    never_detecting: tuple[int, ...] = ()  # the rows of ``table`` that can never detect: never recommended
    # pset -> the stream's detections: the report, the document and the speaker interval each ask for the
    # recommended set's, and the detector run is the costly part of all three
    _detections: dict[ParameterSet, DetectionArrays] = field(default_factory=dict, init=False, repr=False)

    def stream_detections(self, pset: ParameterSet) -> DetectionArrays:
        """The stream's detections with ``pset`` (vectorised detector on the kept scores; run once per set)."""
        if pset not in self._detections:
            self._detections[pset] = self.audio.stream.detect(pset.average_window_duration_ms, pset.minimum_count,
                                                              pset.threshold, pset.suppression_ms)
        return self._detections[pset]

    def false_accept_words(self, pset: ParameterSet) -> list[dict[str, object]]:
        """The words the stream's false accepts of ``pset`` fall on, most frequent first."""
        counts = false_accept_words(self.stream_detections(pset), self.labels, self.audio.events,
                                    self.request.tolerance_s, self.table.classes)
        return top_false_accept_words(counts, self.audio.stream_hours)

    @cached_property
    def recommended_counts(self) -> SpeakerCounts | None:
        """The recommended set's keywords, misses and false accepts per speaker (None without a
        recommendation or speaker ids): the base of its interval and of comparisons with other models."""
        if self.recommended is None:
            return None
        pset, metrics = self.table.sets[self.recommended], self.table.metrics(self.recommended)
        return speaker_counts(self.stream_detections(pset), self.labels, self.audio.events, self.request.tolerance_s,
                              self.table.classes, metrics.stream_hours + metrics.background_hours,
                              metrics.false_accepts_background)

    @cached_property
    def recommended_spread(self) -> SpeakerSpread | None:
        """95 % intervals of the recommended set's FRR and FA/h over redrawn speakers; computed once, for
        the text report and the document alike."""
        return spread_of(self.recommended_counts)

    @property
    def grid_sets(self) -> int:
        """How many of the table's sets are the grid's (``sets_tried``, ``sweep.csv``): all but an added own set."""
        return len(self.table) - int(self.model_set_added)

    @property
    def recommends_model_set(self) -> bool:
        """Is the recommendation the model's own parameters (nothing to change)?"""
        return self.recommended is not None and self.recommended == self.model_index

    @cached_property
    def keyword_misses(self) -> str | None:
        """Why the recommended set is no setting to ship though it meets the target: it detects none of the
        stream's keywords (:mod:`~workbench.calibration.results.keyword_misses`); None when it detects some."""
        frr = None if self.recommended is None else float(self.table.frr[self.recommended])
        return keyword_misses_reason(self.table.frr, self.table.fa_per_hour, frr, self.request.target_fa_per_hour,
                                     keyword_classes(self.model.classes))

    @property
    def recommended_set(self) -> ParameterSet | None:
        return None if self.recommended is None else self.table.sets[self.recommended]

    @property
    def calibrated_settings(self) -> DetectionSettings:
        """The model's settings at the inference interval the calibration ran (what every set is based on)."""
        return self.model_settings.replace(latency_ms=self.stream.latency_ms)

    def recommended_settings(self) -> DetectionSettings | None:
        """The model's settings with the recommended detection parameters (latency as calibrated)."""
        pset = self.recommended_set
        if pset is None:
            return None
        return pset.settings(self.calibrated_settings)


def background_files(given: Sequence[Path]) -> tuple[Path, ...]:
    """The recordings ``--background`` arguments name, a folder standing for every audio file in it, each once: a
    file given again, or also in a folder given, is the same audio, which ``kws calibrate`` would count twice (its
    false accepts and its hours) and ``kws detect`` save clips of twice. Both commands take them so, in this order,
    so the figures of ``kws detect`` with the calibration's ``--background`` arguments are the calibration's."""
    files: dict[Path, Path] = {}
    for path in map(Path, given):
        for file in audio_files_in(path) if path.is_dir() else [path]:
            files.setdefault(file.resolve(), file)
    return tuple(files.values())


def _load_samples(path: Path, what: str, sample_rate: int) -> npt.NDArray[np.int16]:
    """The recording at ``sample_rate`` (the model's: see :func:`model_sample_rate`)."""
    clip = load_audio(path, sample_rate)
    if clip.samples.size == 0:
        raise WorkbenchError(f"the {what} {path.name} holds no audio")
    return clip.samples


def run_calibration(model: LoadedModel, request: CalibrationRequest, progress: PhaseProgress | None = None,
                    cancel: threading.Event | None = None, warn: Warn | None = None) -> CalibrationResult:
    """Replay, sweep and recommend (see the module docstring)."""
    rate = model_sample_rate(model)
    stream_samples = _load_samples(request.stream_path, "stream", rate)
    build = audio_build(request.stream_path)
    labels = (request.labels or load_labels(request.labels_path)).validated(
        model.classes, stream_samples.size / rate, model_name=f"model {model.name}",
        audio_name=request.stream_path.name, audio_build=build)
    if not labels.keyword_events:
        raise WorkbenchError(f"{labels.source} marks no keyword of model {model.name}: false rejects cannot be "
                             "measured without keywords (give background-only audio with --background)")
    backgrounds = [(p, _load_samples(p, "background recording", rate)) for p in request.background_paths]
    if warn is not None:  # before the replay (module docstring); nobody to tell, no file to hash again
        notices = [build_doubt(build, labels, request.stream_path.name),
                   *(silent_background_warning(path.name, samples, rate) for path, samples in backgrounds)]
        for notice in filter(None, notices):
            warn(notice)
    total = stream_samples.size + sum(s.size for _, s in backgrounds)
    done = 0

    def replay(samples: npt.NDArray[np.int16], name: str) -> ReplayScores:
        nonlocal done
        start = done

        def report(fraction: float) -> None:
            if progress is not None:
                progress(f"{PHASE_REPLAY} {name}", (1 - SWEEP_SHARE) * (start + fraction * samples.size) / total)

        result = replay_samples(model, samples, name, latency_ms=request.latency_ms, progress=report,
                                cancel=cancel)
        done += samples.size
        return result

    stream = replay(stream_samples, request.stream_path.name)
    background_replays = tuple(replay(s, p.name) for p, s in backgrounds)
    for replayed in (stream, *background_replays):
        if replayed.inferences == 0:  # nothing for the detector to decide on: no figure would mean anything
            raise SettingsError(f"{replayed.name} ({replayed.duration_s:.1f} s) is shorter than one inference "
                                f"interval ({replayed.latency_ms} ms): no inference runs on it; lower --latency-ms "
                                "or give a longer recording")
    audio = CalibrationAudio.from_replays(stream, labels, background_replays)
    sets = parameter_grid(request.ranges, model.classes, stream.latency_ms)

    def sweep_progress(fraction: float) -> None:
        if progress is not None:
            progress(f"{PHASE_SWEEP} {len(sets):,} sets", 1 - SWEEP_SHARE + SWEEP_SHARE * fraction)

    table = run_sweep(audio, sets, request.tolerance_s, sweep_progress, cancel, SweepWorkers(request.workers))
    if progress is not None:
        progress(PHASE_ANALYSIS, 1.0)
    model_settings = DetectionSettings.from_params(model.params)
    grid_sets = len(table)
    table, model_index = with_model_set(table, audio, model_settings, request.tolerance_s)
    base = model_settings.replace(latency_ms=stream.latency_ms)
    never = never_detecting_sets(table, base, model_index)
    return CalibrationResult(
        request=request, model=model, labels=labels, stream=stream, backgrounds=background_replays, audio=audio,
        table=table, front=tuple(pareto_front(table, model_index).tolist()),
        recommended=recommend(table, request.target_fa_per_hour, model_index, never), model_settings=model_settings,
        model_metrics=None if model_index is None else table.metrics(model_index), model_index=model_index,
        model_set_added=len(table) > grid_sets, model_never_detects=never_detects_reason(base, model.classes),
        never_detecting=never)


def never_detecting_sets(table: SweepTable, base: DetectionSettings, model_index: int | None) -> tuple[int, ...]:
    """The rows of ``table`` whose set, on ``base`` (the model's settings at the calibrated latency), can never
    detect anything. Only a threshold of 255 or the model's own set can be one -- the grid leaves out the
    counts its windows cannot reach -- so only those rows are checked (a per-class sweep has 100,000 rows)."""
    rows = [i for i, pset in enumerate(table.sets)
            if SCORE_MAX in (pset.detection_threshold_list or (pset.detection_threshold,))]
    rows += [] if model_index is None else [model_index]
    return tuple(sorted({i for i in rows if never_detects_reason(table.sets[i].settings(base), table.classes)}))


def with_model_set(table: SweepTable, audio: CalibrationAudio, model_settings: DetectionSettings,
                   tolerance_s: float) -> tuple[SweepTable, int | None]:
    """The table with the model's own parameter set among its rows, and that row's index.

    Why: the model's own set is a candidate like any other -- a per-class list or a value between the grid's
    steps can beat every grid set, and recommending a worse set would make ``--apply-to`` a downgrade. It is
    the grid's row when the grid holds it, else one more row. None (and the table unchanged) when its
    suppression resets the frontend: the stored scores do not apply to it.
    """
    if model_settings.suppression_ms <= FRONTEND_RESET_SUPPRESSION_MS:
        return table, None
    own = ParameterSet.from_settings(model_settings)
    try:
        return table, table.sets.index(own)
    except ValueError:
        return table.with_set(own, evaluate_set(audio, own, tolerance_s)), len(table)
