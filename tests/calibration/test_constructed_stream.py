"""A stream built by hand with known keyword positions gives exact hit, miss and false-accept counts.

The bundled sample says "yes" (0.72–1.31 s) then "no" (2.97–3.23 s); the reference model detects each
once. The stream is half a second of silence and the sample four times, each followed by a second of
silence (5.5 s per repetition), labelled so that every outcome occurs once:

* repetition 0: both words labelled -> 2 hits;
* repetition 1: only "yes" labelled -> 1 hit, the "no" detection is a false accept;
* repetition 2: labels swapped ("no" on the yes, "yes" on the no) -> 2 misses, 2 false accepts;
* repetition 3: both labelled, plus a "yes" label on the silence after it -> 2 hits, 1 miss.

So 8 keywords (5 "yes", 3 "no"), 5 hits (3 + 2), 3 misses, 3 false accepts (1 "yes", 2 "no").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.assets import sample_audio_path
from workbench.calibration.calibration_run import CalibrationRequest, run_calibration
from workbench.calibration.results.false_accept_words import BETWEEN_WORDS
from workbench.calibration.streams.labels import LabelEvent, StreamLabels, save_labels
from workbench.calibration.sweep.grid import ParameterSet, SweepRanges
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.detection.settings import DetectionSettings

RATE = 16000
LEAD_S, REPEAT_S = 0.5, 5.5
YES_WORD, NO_WORD = (0.72, 1.31), (2.97, 3.23)


def _event(label: str, repetition: int, word: tuple[float, float]) -> LabelEvent:
    offset = LEAD_S + REPEAT_S * repetition
    return LabelEvent(label, offset + word[0], offset + word[1])


@pytest.fixture(scope="module")
def constructed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    sample = load_audio(sample_audio_path()).samples
    silence = np.zeros(RATE, np.int16)
    audio = np.concatenate([np.zeros(int(LEAD_S * RATE), np.int16)] + [np.concatenate([sample, silence])] * 4)
    folder = tmp_path_factory.mktemp("constructed")
    save_wav(folder / "stream.wav", audio)
    events = (
        _event("yes", 0, YES_WORD), _event("no", 0, NO_WORD),
        _event("yes", 1, YES_WORD),
        _event("no", 2, YES_WORD), _event("yes", 2, NO_WORD),
        _event("yes", 3, YES_WORD), _event("no", 3, NO_WORD), _event("yes", 3, (4.6, 4.9)),
    )
    save_labels(StreamLabels(events), folder / "stream.json")
    return folder / "stream.wav", folder / "stream.json"


def model_parameters(reference_model) -> ParameterSet:  # type: ignore[no-untyped-def]
    return ParameterSet.from_settings(DetectionSettings.from_params(reference_model.params))


def calibrate_at_model_parameters(reference_model, constructed):  # type: ignore[no-untyped-def]
    """A calibration whose sweep holds only the model's own parameter set."""
    wav, labels = constructed
    pset = model_parameters(reference_model)
    ranges = SweepRanges(thresholds=(pset.detection_threshold,), windows_ms=(pset.average_window_duration_ms,),
                         suppressions_ms=(pset.suppression_ms,), counts=(pset.minimum_count,))
    return pset, run_calibration(reference_model, CalibrationRequest(wav, labels, ranges=ranges))


def test_exact_counts_for_the_models_parameters(reference_model, constructed) -> None:  # type: ignore[no-untyped-def]
    pset, result = calibrate_at_model_parameters(reference_model, constructed)
    for m in (result.model_metrics, result.table.metrics(0)):
        assert m is not None
        assert (m.keywords, m.hits, m.false_accepts_speech, m.false_accepts_background) == (8, 5, 3, 0)
        assert m.keywords_per_class[:2] == (5, 3)
        assert m.hits_per_class[:2] == (3, 2)
        assert m.false_accepts_per_class[:2] == (1, 2)
        assert m.frr == 3 / 8
        assert m.fa_per_hour == pytest.approx(3 / (22.5 / 3600))
        assert 0.3 < m.latency_mean_s < 1.5


def test_background_only_audio_counts_only_false_accepts(reference_model, constructed) -> None:  # type: ignore[no-untyped-def]
    """The same sample used as "background" adds its 2 detections as false accepts, and no hits."""
    wav, labels = constructed
    pset = model_parameters(reference_model)
    ranges = SweepRanges(thresholds=(pset.detection_threshold,), windows_ms=(pset.average_window_duration_ms,),
                         suppressions_ms=(pset.suppression_ms,), counts=(pset.minimum_count,))
    request = CalibrationRequest(wav, labels, background_paths=(sample_audio_path(),), ranges=ranges)
    m = run_calibration(reference_model, request).table.metrics(0)
    assert (m.keywords, m.hits, m.false_accepts_speech, m.false_accepts_background) == (8, 5, 3, 2)
    assert m.fa_per_hour_background == pytest.approx(2 / (4.5 / 3600))
    assert m.fa_per_hour == pytest.approx(5 / (27.0 / 3600))
    assert m.false_accepts_per_class[:2] == (2, 3)


def test_false_accepts_are_attributed_to_the_words_under_them(reference_model, constructed) -> None:  # type: ignore[no-untyped-def]
    """Repetition 1's unlabelled "no" is between words; repetition 2's detections lie on the swapped labels."""
    pset, result = calibrate_at_model_parameters(reference_model, constructed)
    words = {(w["detected"], w["word"]): w["false_accepts"] for w in result.false_accept_words(pset)}
    assert words == {("no", BETWEEN_WORDS): 1, ("yes", "no"): 1, ("no", "yes"): 1}


def test_a_sets_stream_detections_are_the_detectors_and_run_once(  # type: ignore[no-untyped-def]
        reference_model, constructed) -> None:
    """The report, the document and the speaker interval share one detector run per parameter set."""
    pset, result = calibrate_at_model_parameters(reference_model, constructed)
    fresh = result.audio.stream.detect(pset.average_window_duration_ms, pset.minimum_count, pset.threshold,
                                       pset.suppression_ms)
    first = result.stream_detections(pset)
    for name in ("time_ms", "class_index", "score"):
        np.testing.assert_array_equal(getattr(first, name), getattr(fresh, name))
    assert len(first) == 8  # the sample's yes and no in each of the 4 repetitions: 5 hits + 3 false accepts
    result.false_accept_words(pset)
    assert result.stream_detections(pset) is first
