"""The SNR a stream asks for is the SNR under each word (``word``), or relative to each noise file's overall level
(``file``, how streams were first made, kept sample for sample)."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.calibration.streams.bed_levels import MIN_RAMP_S, word_levels
from workbench.calibration.streams.recipe_defaults import LEVEL_RAMP_S
from workbench.calibration.streams.labels import SILENCE_LABEL
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream
from workbench.calibration.streams.stream_mix import BuiltStream
from workbench.core.errors import SettingsError, WorkbenchError

COUNTS = {"split": "all", "keyword_count": 8, "unknown_count": 10, "silence_count": 2}
NOISE_S = 20
QUIET_DB = (-6.0, -6.0)  # no word with its noise reaches full scale: clipping would change the SNR measured
SNR_DB = 10.0
WORD_TOLERANCE_DB = 0.3
FILE_SPREAD_DB = 3.0  # a noise whose loudness changes puts the ``file`` SNRs at least this far apart
# sha256 of the int16 samples made by the code of before --snr-reference (recipe of ``tiny``, SNR 5:25)
BEFORE = {True: "63f07a2bc65ad6fecb955973ecc3a545db3b851ae976212e4cd95c0f98413631",
          False: "fdb7db0c7822af7ab78e731e5ede71c3ccca9c942a531a0d128a0ca414872e47"}
MEMORY_MINUTES = (2.0, 20.0)
MEMORY_GROWTH_BYTES = 2 * 1024 * 1024
GATED_SEED, GATED_RMS, GATED_ON_S, GATED_PERIOD_S = 5, 0.2, 0.5, 3.5  # white noise, 0.5 s on and 3 s off
# the gaps' noise against the ``file`` reference's: a little lower (the word as mixed, through its clip's fades,
# sets the level; the turn to the next item's level is placed apart), never raised
GAP_TOLERANCE_DB, GAP_RAISE_DB = 3.0, 1.0
SAMPLE_RATE = 16000


def noise_file(folder: Path, name: str, samples: np.ndarray, rate: int) -> Path:
    path = folder / name
    sf.write(str(path), samples, rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def miaowing(tmp_path_factory: pytest.TempPathFactory, speech_commands: Path) -> Path:
    """20 s of real noise whose loudness changes by tens of dB (a cat, a radio): where the reference matters."""
    data, rate = sf.read(str(speech_commands / "_background_noise_" / "dude_miaowing.wav"), dtype="int16")
    return noise_file(tmp_path_factory.mktemp("noise"), "miaowing.wav", data[:NOISE_S * rate], rate)


def build(dataset: Path, noise: Path | None, **changes: object) -> BuiltStream:
    recipe = StreamRecipe(**{**COUNTS, "seed": 8, "gain_db": QUIET_DB, **changes})  # type: ignore[arg-type]
    return make_dataset_stream([dataset], recipe, noise_files=[noise] if noise else ())


def word_snrs(dataset: Path, noise: Path, reference: str, **changes: object) -> tuple[np.ndarray, BuiltStream]:
    """Each word's speech RMS over the noise RMS under its labelled span, the noise being the stream minus the
    same stream built without noise (the same layout: the noise draws come after it)."""
    noisy = build(dataset, noise, snr_db=(SNR_DB, SNR_DB), snr_reference=reference, **changes)
    clean = build(dataset, None, snr_db=None, **changes)
    assert noisy.labels == clean.labels
    with_noise, without = noisy.samples.astype(np.float64), clean.samples.astype(np.float64)
    snrs = []
    for event in noisy.labels.events:
        if event.label == SILENCE_LABEL:
            continue
        span = slice(round(event.start_s * noisy.sample_rate), round(event.end_s * noisy.sample_rate))
        speech, bed = without[span], with_noise[span] - without[span]
        with np.errstate(divide="ignore"):  # no noise at all under a word: an infinite SNR
            snrs.append(10 * np.log10(np.mean(speech ** 2) / np.mean(bed ** 2)))
    return np.asarray(snrs), noisy


@pytest.mark.parametrize("whole_clips", [True, False])
def test_every_word_gets_the_snr_drawn_for_it(small_dataset: Path, miaowing: Path, whole_clips: bool) -> None:
    snrs, built = word_snrs(small_dataset, miaowing, "word", whole_clips=whole_clips)
    assert snrs.size == 18 and built.info["snr_boosted_items"] == 0
    assert np.all(np.abs(snrs - SNR_DB) < WORD_TOLERANCE_DB), snrs.round(2)
    assert built.info["recipe"]["snr_reference"] == "word"


def test_the_file_reference_keeps_the_noise_own_loud_and_quiet_moments(small_dataset: Path, miaowing: Path) -> None:
    snrs, built = word_snrs(small_dataset, miaowing, "file")
    assert snrs.max() - snrs.min() > FILE_SPREAD_DB, snrs.round(2)
    assert built.info["recipe"]["snr_reference"] == "file"


@pytest.mark.parametrize("whole_clips", [True, False])
def test_the_file_reference_makes_the_samples_of_before(small_dataset: Path, whole_clips: bool) -> None:
    built = build(small_dataset, None, seed=3, gain_db=(-3.0, 3.0), snr_db=(5.0, 25.0), whole_clips=whole_clips,
                  snr_reference="file")
    assert hashlib.sha256(built.samples.tobytes()).hexdigest() == BEFORE[whole_clips]


def test_a_silent_stretch_of_noise_is_raised_only_so_far(small_dataset: Path, speech_commands: Path,
                                                        tmp_path: Path) -> None:
    """Noise with a digitally silent half: the words over it cannot get the SNR asked (they are counted) and
    the rest still do; nothing is divided by zero."""
    data, rate = sf.read(str(speech_commands / "_background_noise_" / "white_noise.wav"), dtype="int16")
    half = np.concatenate([data[:NOISE_S * rate // 2], np.zeros(NOISE_S * rate // 2, np.int16)])
    snrs, built = word_snrs(small_dataset, noise_file(tmp_path, "half.wav", half, rate), "word")
    boosted = built.info["snr_boosted_items"]
    assert 0 < boosted < snrs.size
    assert np.sum(np.abs(snrs - SNR_DB) < WORD_TOLERANCE_DB) >= snrs.size - boosted
    assert np.all(snrs > SNR_DB - WORD_TOLERANCE_DB)  # never less SNR than asked, more where the noise is silent


def test_measuring_the_bed_takes_no_more_memory_for_a_longer_stream(small_dataset: Path) -> None:
    peaks = []
    for minutes in MEMORY_MINUTES:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            make_dataset_stream([small_dataset], StreamRecipe(split="all", minutes=minutes, seed=1))
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
        finally:
            tracemalloc.stop()
    assert peaks[1] - peaks[0] < MEMORY_GROWTH_BYTES, peaks


def test_an_unknown_reference_is_refused() -> None:
    with pytest.raises(SettingsError, match="snr_reference must be one of word, file, got 'speech'"):
        StreamRecipe(snr_reference="speech")


def gated_noise(folder: Path, rate: int) -> Path:
    """White noise of 0.2 RMS, on for 0.5 s and off for 3 s: loud moments beside quiet words."""
    samples = np.random.default_rng(GATED_SEED).normal(0.0, GATED_RMS, NOISE_S * rate)
    period = np.arange(samples.size) % int(GATED_PERIOD_S * rate)
    samples[period >= int(GATED_ON_S * rate)] = 0.0
    return noise_file(folder, "gated.wav", np.round(samples * 32767).astype(np.int16), rate)


def outside_words(built: BuiltStream, margin_s: float) -> np.ndarray:
    """A mask of the samples more than ``margin_s`` from every labelled word (silences count as outside)."""
    outside = np.ones(built.n_samples, bool)
    margin = round(margin_s * built.sample_rate)
    for event in built.labels.events:
        if event.label != SILENCE_LABEL:
            start, end = round(event.start_s * built.sample_rate), round(event.end_s * built.sample_rate)
            outside[max(0, start - margin):end + margin] = False
    return outside


def test_the_word_reference_leaves_the_gaps_at_the_file_level(small_dataset: Path, tmp_path: Path) -> None:
    """Only the noise under each word is set to its SNR: a quiet word beside a burst of noise does not raise the
    burst in the gap (by up to 30 dB, into clipping, before). The gaps keep the ``file`` level: the noise there is
    what the ``file`` reference makes, but for where the level changes halfway through a gap."""
    noise = gated_noise(tmp_path, SAMPLE_RATE)
    words, built = word_snrs(small_dataset, noise, "word")
    files, _ = word_snrs(small_dataset, noise, "file")
    heard = np.isfinite(words)  # under the others the noise is off: digital silence, no level can change it
    assert heard.any() and np.all(np.abs(words[heard] - SNR_DB) < WORD_TOLERANCE_DB), words.round(2)
    clean = build(small_dataset, None, snr_db=None).samples.astype(np.float64)
    by_word = built.samples.astype(np.float64) - clean
    by_file = build(small_dataset, noise, snr_db=(SNR_DB, SNR_DB), snr_reference="file").samples - clean
    gaps = outside_words(built, LEVEL_RAMP_S)
    ratio_db = 10 * np.log10(np.mean(by_word[gaps] ** 2) / np.mean(by_file[gaps] ** 2))
    assert -GAP_TOLERANCE_DB < ratio_db < GAP_RAISE_DB, ratio_db  # +16 dB before, and 19,252 samples clipped
    assert np.max(np.abs(by_word[gaps])) <= np.max(np.abs(by_file[gaps])) and built.clipped_samples == 0


def test_two_words_with_no_gap_between_are_joined_by_a_ramp_not_a_step() -> None:
    """Back to back words of levels 40 dB apart: the bed's level moves over MIN_RAMP_S (a step of 47 dB within one
    sample before, a click), reaching into each word by half of it, and keeps each word's level elsewhere."""
    rate = SAMPLE_RATE
    noise = [np.random.default_rng(GATED_SEED).normal(0.0, 1.0, rate).astype(np.float32)]
    spans = np.array([[800, 4000], [4000, 8000]], np.int64)
    levels = word_levels(spans, np.array([0.001, 0.1]), np.array([True, True]), 9600, rate, noise,
                         np.random.default_rng(1))
    envelope = levels.envelope(0, 9600).astype(np.float64)
    ramp = int(MIN_RAMP_S * rate)
    low, high = envelope[2000], envelope[6000]  # inside each word, away from the join
    assert high / low > 50
    assert np.max(np.abs(np.diff(envelope))) <= 1.1 * (high - low) / ramp
    assert np.allclose(envelope[800 + ramp:4000 - ramp], low) and np.allclose(envelope[4000 + ramp:8000 - ramp], high)


@pytest.mark.parametrize("reference", ["word", "file"])
def test_noise_too_short_to_use_is_refused_not_left_out(small_dataset: Path, tmp_path: Path, reference: str) -> None:
    """A 0.1 s noise file gave a stream with no noise at all (and, by words, a warning about quiet noise)."""
    tiny = noise_file(tmp_path, "tiny.wav", np.full(SAMPLE_RATE // 10, 1000, np.int16), SAMPLE_RATE)
    with pytest.raises(WorkbenchError, match=r"no usable background noise in tiny\.wav: each is shorter than 0\.2 s"):
        build(small_dataset, tiny, snr_db=(SNR_DB, SNR_DB), snr_reference=reference)
