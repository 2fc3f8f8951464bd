"""The text report says what its figures are: how many speakers its interval redraws, the hours FA/h divides by
and where latency starts -- on a stream built by hand, where every figure is known.

The bundled sample says "yes" (0.72–1.31 s) then "no" (2.97–3.23 s); the reference model detects each once at its
own parameters. The stream is the sample five times (5.5 s each, after 0.5 s of silence): five keyword speakers
say one repetition's words each, and three more speakers say only a "go" on the silence after one. The last
repetition's "no" is left unlabelled, so its detection is the one false accept: 1 in 28 s is 128.6 FA/h over the
whole stream, where the 24 s without keywords would give 150.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.assets import sample_audio_path
from workbench.calibration.calibration_run import CalibrationRequest, CalibrationResult, run_calibration
from workbench.calibration.results.report import render_text
from workbench.calibration.streams.labels import LabelEvent, StreamLabels, save_labels
from workbench.calibration.sweep.grid import ParameterSet, SweepRanges
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.detection.settings import DetectionSettings
from workbench.core.model.model_file import LoadedModel

RATE = 16000
LEAD_S, REPEAT_S, REPEATS = 0.5, 5.5, 5
YES_WORD, NO_WORD, AFTER = (0.72, 1.31), (2.97, 3.23), (4.6, 4.9)
QUIET_SPEAKERS = 3  # say "go" and no keyword
BACKGROUND_S = 2
TARGET_FA_PER_HOUR = 1000.0  # the one set tried is recommended
HEADER = "FA/h: false accepts per hour of stream (all of it, keywords included); latency from each keyword's end"


def _event(label: str, repetition: int, span: tuple[float, float], word: str, speaker: str) -> LabelEvent:
    offset = LEAD_S + REPEAT_S * repetition
    return LabelEvent(label, offset + span[0], offset + span[1], word, f"{word}/{speaker}_nohash_{repetition}.wav")


def _labels() -> StreamLabels:
    events = []
    for repetition in range(REPEATS):
        speaker = f"talker{repetition}"
        events.append(_event("yes", repetition, YES_WORD, "yes", speaker))
        if repetition < REPEATS - 1:
            events.append(_event("no", repetition, NO_WORD, "no", speaker))
        if repetition < QUIET_SPEAKERS:
            events.append(_event("_unknown_", repetition, AFTER, "go", f"quiet{repetition}"))
    return StreamLabels(tuple(events))


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The stream, its labels and a background recording of silence."""
    sample = load_audio(sample_audio_path()).samples
    audio = np.concatenate([np.zeros(int(LEAD_S * RATE), np.int16)]
                           + [np.concatenate([sample, np.zeros(RATE, np.int16)])] * REPEATS)
    folder = tmp_path_factory.mktemp("report-wording")
    save_wav(folder / "stream.wav", audio)
    save_labels(_labels(), folder / "stream.json")
    save_wav(folder / "quiet.wav", np.zeros(BACKGROUND_S * RATE, np.int16))
    return folder / "stream.wav", folder / "stream.json", folder / "quiet.wav"


def _calibrate(model: LoadedModel, stream: tuple[Path, Path, Path], background: bool) -> CalibrationResult:
    """A calibration whose sweep holds only the model's own parameter set."""
    wav, labels, quiet = stream
    pset = ParameterSet.from_settings(DetectionSettings.from_params(model.params))
    ranges = SweepRanges(thresholds=(pset.detection_threshold,), windows_ms=(pset.average_window_duration_ms,),
                         suppressions_ms=(pset.suppression_ms,), counts=(pset.minimum_count,))
    return run_calibration(model, CalibrationRequest(wav, labels, (quiet,) if background else (),
                                                     target_fa_per_hour=TARGET_FA_PER_HOUR, ranges=ranges))


def test_the_interval_names_the_speakers_redrawn_and_those_who_speak_keywords(
        reference_model: LoadedModel, stream: tuple[Path, Path, Path]) -> None:
    """Before, the line said "over the stream's 5 speakers redrawn" while the bootstrap redrew all 8."""
    result = _calibrate(reference_model, stream, background=False)
    assert result.recommended is not None and result.recommended_counts is not None
    assert result.recommended_counts.keywords.size == REPEATS + QUIET_SPEAKERS  # what each draw takes
    lines = [line for line in render_text(result).splitlines() if "% interval over" in line]
    assert len(lines) == 1 and "interval over the stream's 8 speakers redrawn (5 of them speak keywords)" in lines[0]


def test_the_header_says_what_fa_per_hour_divides_by_and_where_latency_starts(
        reference_model: LoadedModel, stream: tuple[Path, Path, Path]) -> None:
    result = _calibrate(reference_model, stream, background=False)
    text = render_text(result)
    header = text.split("\n\n")[0].splitlines()
    assert header.count(HEADER) == 1 and text.count("keywords included") == 1
    metrics = result.table.metrics(0)
    assert (metrics.keywords, metrics.hits, metrics.false_accepts_speech) == (2 * REPEATS - 1, 2 * REPEATS - 1, 1)
    duration_s = LEAD_S + REPEAT_S * REPEATS
    assert f"{3600 / duration_s:.1f} FA/h" in text  # 128.6: the one false accept over all of the stream's 28 s


def test_with_background_audio_the_header_counts_its_hours_too(
        reference_model: LoadedModel, stream: tuple[Path, Path, Path]) -> None:
    result = _calibrate(reference_model, stream, background=True)
    header = render_text(result).split("\n\n")[0].splitlines()
    assert ("FA/h: false accepts per hour of stream (all of it, keywords included) and background audio; "
            "latency from each keyword's end") in header
    duration_s = LEAD_S + REPEAT_S * REPEATS
    assert result.table.metrics(0).fa_per_hour == pytest.approx(3600 / (duration_s + BACKGROUND_S))
