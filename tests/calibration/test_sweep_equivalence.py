"""A sweep's figures for a set equal running the live engine and detector with that set."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from workbench.calibration.calibration_run import CalibrationRequest, run_calibration
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.streams.labels import load_labels
from workbench.calibration.sweep.matching import KeywordEvents, evaluate_detections
from workbench.calibration.sweep.grid import SweepRanges
from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine, detections_of

TOLERANCE_S = 1.5
SETS_CHECKED = 6


def same(a: object, b: object) -> bool:
    """Dataclass equality where nan equals nan (a set without hits has no latency)."""
    return all(x == y or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))
               for x, y in zip(dataclasses.astuple(a), dataclasses.astuple(b)))


def live_metrics(model, settings, stream, labels, backgrounds):  # type: ignore[no-untyped-def]
    def run(path):  # type: ignore[no-untyped-def]
        found = detections_of(Engine(model, settings).run_clip(load_audio(path).samples))
        return DetectionArrays(np.array([round(d.time_s * 1000) for d in found], np.int64),
                               np.array([d.class_index for d in found], np.int64),
                               np.array([d.score for d in found], np.int64))

    events = KeywordEvents.from_labels(labels, model.classes)
    stream_seconds = load_audio(stream).duration_s
    background_seconds = sum(load_audio(p).duration_s for p in backgrounds)
    return evaluate_detections(run(stream), events, TOLERANCE_S, stream_seconds / 3600,
                               [run(p) for p in backgrounds], background_seconds / 3600)


@pytest.mark.parametrize("per_class", [False, True])
def test_sweep_rows_equal_live_runs(reference_model, real_stream, noise_recording, per_class: bool) -> None:  # type: ignore[no-untyped-def]
    labels_path = real_stream.with_suffix(".json")
    ranges = SweepRanges(thresholds=(150, 200, 240) if per_class else tuple(range(140, 251, 10)),
                         windows_ms=(300, 1000), suppressions_ms=(500, 1500), counts=(1, 3),
                         per_class_thresholds=per_class)
    request = CalibrationRequest(real_stream, labels_path, background_paths=(noise_recording,), ranges=ranges,
                                 tolerance_s=TOLERANCE_S)
    result = run_calibration(reference_model, request)
    table = result.table
    labels = load_labels(labels_path)
    base = DetectionSettings.from_params(reference_model.params)
    picks = np.random.default_rng(int(per_class)).choice(len(table), SETS_CHECKED, replace=False).tolist()
    if result.recommended is not None:
        picks.append(result.recommended)
    assert max(table.hits[picks]) > 0 and max(table.false_accepts_speech[picks]) > 0
    for i in picks:
        expected = live_metrics(reference_model, table.sets[i].settings(base), real_stream, labels,
                                [noise_recording])
        assert same(table.metrics(i), expected), (table.sets[i], table.metrics(i), expected)
