"""load_audio / save_wav with real files in every format a user may hand us, and broken files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.core.audio.audio_file import (AudioClip, _decode_blocks, check_audio_file, load_audio, save_wav,
                                             to_int16)
from workbench.core.errors import AudioError

RATE = 16000
TONE_HZ = 440.0
TONE_PEAK = 0.5  # of full scale
TONE_SECONDS = 1.0
REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLE_WAV = REPO_ROOT / "resources" / "audio" / "yes_no.wav"


def tone(rate: int, seconds: float = TONE_SECONDS, freq: float = TONE_HZ, peak: float = TONE_PEAK) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return peak * np.sin(2 * np.pi * freq * t)


def fit_sine(x: np.ndarray, rate: int, freq: float) -> tuple[float, float]:
    """Least-squares amplitude of a sine at ``freq`` and the RMS of what is left (interior only)."""
    edge = rate // 20  # ignore resampler edge transients
    y = x[edge:-edge].astype(np.float64)
    t = np.arange(edge, edge + y.size) / rate
    basis = np.stack([np.sin(2 * np.pi * freq * t), np.cos(2 * np.pi * freq * t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, y, rcond=None)
    residual = y - basis @ coef
    return float(math.hypot(*coef)), float(np.sqrt(np.mean(residual ** 2)))


def dominant_frequency(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x.astype(np.float64) * np.hanning(x.size)))
    return float(np.argmax(spectrum) * rate / x.size)


def assert_is_the_tone(clip: AudioClip, peak: float = TONE_PEAK, amp_tol: float = 0.01) -> None:
    assert clip.samples.dtype == np.int16 and clip.samples.ndim == 1
    assert clip.sample_rate == RATE
    assert clip.samples.size == pytest.approx(RATE * TONE_SECONDS, abs=2)
    assert dominant_frequency(clip.samples, RATE) == pytest.approx(TONE_HZ, abs=2.0)
    amplitude, residual = fit_sine(clip.samples, RATE, TONE_HZ)
    assert amplitude == pytest.approx(peak * 32768, rel=amp_tol)
    assert residual < 0.01 * peak * 32768  # nothing but the tone survived the conversion


@pytest.mark.parametrize(("subtype", "amp_tol"), [("PCM_U8", 0.02), ("PCM_16", 0.001), ("PCM_24", 0.001),
                                                  ("PCM_32", 0.001), ("FLOAT", 0.001), ("DOUBLE", 0.001)])
def test_bit_depths_at_16k(tmp_path: Path, subtype: str, amp_tol: float) -> None:
    path = tmp_path / f"tone_{subtype}.wav"
    sf.write(path, tone(RATE), RATE, subtype=subtype)
    clip = load_audio(path)
    assert clip.source_subtype == subtype and clip.source_rate == RATE and clip.source_channels == 1
    assert_is_the_tone(clip, amp_tol=amp_tol)


def test_16bit_16k_is_bit_exact(tmp_path: Path) -> None:
    original = np.random.default_rng(0).integers(-32768, 32767, size=5000, dtype=np.int16)
    path = tmp_path / "exact.wav"
    sf.write(path, original, RATE, subtype="PCM_16")
    assert np.array_equal(load_audio(path).samples, original)


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_other_rates_are_resampled(tmp_path: Path, rate: int) -> None:
    path = tmp_path / f"tone_{rate}.wav"
    sf.write(path, tone(rate), rate, subtype="PCM_16")
    clip = load_audio(path)
    assert clip.source_rate == rate
    assert clip.duration_s == pytest.approx(TONE_SECONDS, abs=1e-3)
    assert_is_the_tone(clip)


def test_stereo_is_the_mean_of_the_channels(tmp_path: Path) -> None:
    left = tone(44100)
    right = np.zeros_like(left)  # mean of (tone, silence) = half the tone
    path = tmp_path / "stereo.wav"
    sf.write(path, np.stack([left, right], axis=1), 44100, subtype="PCM_16")
    clip = load_audio(path)
    assert clip.source_channels == 2
    assert_is_the_tone(clip, peak=TONE_PEAK / 2)


def test_flac_and_ogg(tmp_path: Path) -> None:
    flac = tmp_path / "tone.flac"
    sf.write(flac, np.stack([tone(48000)] * 2, axis=1), 48000, subtype="PCM_24", format="FLAC")
    clip = load_audio(flac)
    assert (clip.source_rate, clip.source_channels, clip.source_subtype) == (48000, 2, "PCM_24")
    assert_is_the_tone(clip)
    ogg = tmp_path / "tone.ogg"
    sf.write(ogg, tone(RATE), RATE, format="OGG", subtype="VORBIS")
    clip = load_audio(ogg)
    assert clip.source_subtype == "VORBIS"
    assert dominant_frequency(clip.samples, RATE) == pytest.approx(TONE_HZ, abs=2.0)
    assert fit_sine(clip.samples, RATE, TONE_HZ)[0] == pytest.approx(TONE_PEAK * 32768, rel=0.05)  # lossy



@pytest.mark.skipif("MP3" not in sf.available_formats(), reason="this libsndfile cannot write MP3 (soundfile >= 0.12)")
def test_mp3(tmp_path: Path) -> None:
    """A phone's or an editor's MP3 export: decoded, down-mixed and resampled like any other file."""
    mp3 = tmp_path / "tone.mp3"
    sf.write(mp3, np.stack([tone(44100)] * 2, axis=1), 44100, format="MP3")
    clip = load_audio(mp3)
    assert (clip.source_rate, clip.source_channels) == (44100, 2)
    assert clip.duration_s == pytest.approx(TONE_SECONDS, abs=0.1)  # the codec may add a frame of padding
    assert dominant_frequency(clip.samples, RATE) == pytest.approx(TONE_HZ, abs=2.0)
    assert fit_sine(clip.samples, RATE, TONE_HZ)[0] == pytest.approx(TONE_PEAK * 32768, rel=0.05)  # lossy


def test_block_decoding_equals_decoding_the_whole_file(tmp_path: Path) -> None:
    """Decoding a block at a time gives the samples a one-shot decode of the whole file gives."""
    import soxr

    rng = np.random.default_rng(7)
    path = tmp_path / "long.wav"
    sf.write(path, rng.uniform(-0.6, 0.6, (44100 * 3 + 123, 2)), 44100, subtype="PCM_24")
    whole = sf.read(path, dtype="float64", always_2d=True)[0].mean(axis=1)
    expected = to_int16(soxr.resample(whole, 44100, RATE, quality="HQ"))
    assert np.array_equal(load_audio(path).samples, expected)
    for block_frames in (997, 4096):
        with sf.SoundFile(path) as f:
            assert np.array_equal(_decode_blocks(f, 44100, RATE, block_frames), expected)


def _load_with_peak(path: Path) -> tuple[AudioClip, int]:
    """The clip, and the most memory Python and NumPy held at once while loading it (tracemalloc)."""
    import tracemalloc

    tracemalloc.start()
    try:
        clip = load_audio(path)
        return clip, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_follows_the_int16_result_not_the_source(tmp_path: Path) -> None:
    """A minute of 48 kHz stereo is 46 MB as float64; decoding it must not hold that (hours must load)."""
    path = tmp_path / "minute.wav"
    sf.write(path, np.zeros((48000 * 60, 2), np.float32), 48000, subtype="FLOAT")
    source_float64_bytes = 48000 * 60 * 2 * 8
    clip, peak = _load_with_peak(path)
    assert clip.samples.shape == (RATE * 60,)
    assert peak < source_float64_bytes / 3, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.parametrize("rate", [RATE, 44100])
def test_the_result_is_held_once_not_twice(tmp_path: Path, rate: int) -> None:
    """The blocks used to be joined at the end: the audio twice in memory at the peak (an hour's stream peaked at
    307 MB for 115 MB). Now it is written into one array: the peak is the result and a block or two."""
    path = tmp_path / "five-minutes.wav"
    sf.write(path, np.random.default_rng(3).integers(-3000, 3000, rate * 300, dtype=np.int16), rate)
    clip, peak = _load_with_peak(path)
    assert len(clip.samples) == RATE * 300
    assert peak < 1.3 * clip.samples.nbytes, f"peak {peak / 1e6:.1f} MB for {clip.samples.nbytes / 1e6:.1f} MB"


def test_a_file_whose_length_is_not_trusted_still_loads_whole(tmp_path: Path, monkeypatch) -> None:
    """A frame count a header cannot vouch for is not used: the array grows as the blocks come, same samples."""
    from workbench.core.audio import audio_file

    path = tmp_path / "clip.wav"
    samples = np.random.default_rng(4).integers(-3000, 3000, RATE * 7 + 11, dtype=np.int16)
    sf.write(path, samples, RATE)
    monkeypatch.setattr(audio_file, "MAX_TRUSTED_FRAMES", 0)  # no count is trusted: grown from nothing
    for block_frames in (997, 1 << 16):
        with sf.SoundFile(path) as f:
            assert np.array_equal(_decode_blocks(f, RATE, RATE, block_frames), samples)

def test_float_beyond_full_scale_is_clipped(tmp_path: Path) -> None:
    path = tmp_path / "hot.wav"
    sf.write(path, np.array([2.0, -2.0, 0.5, -1.0], dtype=np.float32), RATE, subtype="FLOAT")
    assert load_audio(path).samples.tolist() == [32767, -32768, 16384, -32768]


def test_bundled_sample(tmp_path: Path) -> None:
    clip = load_audio(SAMPLE_WAV)
    assert clip.duration_s == pytest.approx(4.5)
    assert not clip.samples.flags.writeable  # shared by sources: nobody may modify it in place


def test_save_wav_round_trip(tmp_path: Path) -> None:
    samples = np.random.default_rng(4).integers(-32768, 32767, size=3210, dtype=np.int16)
    out = save_wav(tmp_path / "rec.wav", samples)
    info = sf.info(out)
    assert (info.samplerate, info.channels, info.subtype) == (RATE, 1, "PCM_16")
    assert np.array_equal(load_audio(out).samples, samples)
    assert [p.name for p in tmp_path.iterdir()] == ["rec.wav"]  # no temporary file left behind
    with pytest.raises(AudioError):
        save_wav(tmp_path / "f.wav", samples.astype(np.float32))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="not found"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="not a file"):
        load_audio(tmp_path)


def test_text_file_named_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("these are not the samples you are looking for\n" * 20)
    with pytest.raises(AudioError, match="notes.wav is not a readable"):
        load_audio(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        load_audio(path)


def test_wav_without_samples(tmp_path: Path) -> None:
    path = tmp_path / "zero.wav"
    sf.write(path, np.zeros(0, np.int16), RATE, subtype="PCM_16")
    with pytest.raises(AudioError, match="no audio samples"):
        load_audio(path)


def test_truncated_wav(tmp_path: Path) -> None:
    whole = tmp_path / "whole.wav"
    sf.write(whole, tone(RATE), RATE, subtype="PCM_16")
    data = whole.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioError, match="cut.wav is truncated"):
        load_audio(cut)
    header_only = tmp_path / "header.wav"
    header_only.write_bytes(data[:30])
    with pytest.raises(AudioError, match="header.wav"):
        load_audio(header_only)



WAV_RATE_FIELD = slice(24, 28)  # the canonical header's sample rate (fmt chunk at 12, rate 12 bytes into it)


@pytest.mark.parametrize("damaged_rate", [1, 999])
def test_a_header_claiming_a_rate_no_recording_has_is_refused(tmp_path: Path, damaged_rate: int) -> None:
    """1 Hz would turn each second into 16,000 of them at 16 kHz: minutes of resampling and gigabytes (kws detect
    seemed to hang on such a damaged file) for audio that was never recorded so."""
    path = tmp_path / "damaged.wav"
    sf.write(path, tone(RATE, seconds=0.01), RATE, subtype="PCM_16")
    data = bytearray(path.read_bytes())
    assert int.from_bytes(data[WAV_RATE_FIELD], "little") == RATE  # the field patched is the rate
    data[WAV_RATE_FIELD] = damaged_rate.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(AudioError) as caught:
        load_audio(path)
    assert str(caught.value) == (f"{path} says its sample rate is {damaged_rate} Hz; no recording of speech is made "
                                 "at under 1000 Hz, so its header is likely damaged")
    with pytest.raises(AudioError) as checked:  # the header alone tells (kws detect --background checks it first)
        check_audio_file(path)
    assert str(checked.value) == str(caught.value)
    data[WAV_RATE_FIELD] = (1000).to_bytes(4, "little")  # the lowest rate read
    path.write_bytes(bytes(data))
    check_audio_file(path)
    assert load_audio(path).samples.size == round(tone(RATE, seconds=0.01).size * RATE / 1000)

def test_broken_float_samples_become_silence_or_full_scale_without_a_warning() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = to_int16(np.array([np.nan, np.inf, -np.inf, 0.5]))
    assert out.tolist() == [0, 32767, -32768, 16384]


def test_from_samples_converts_float_audio_as_a_float_file_is_loaded_and_keeps_int16_values(tmp_path: Path) -> None:
    audio = tone(RATE) * 0.5
    path = tmp_path / "float.wav"
    sf.write(path, audio, RATE, subtype="DOUBLE")
    clip = AudioClip.from_samples(audio, RATE)
    assert np.array_equal(clip.samples, load_audio(path).samples)
    assert AudioClip.from_samples(np.array([0.5, -0.25, 1.0, -1.0])).samples.tolist() == [16384, -8192, 32767, -32768]
    # whole numbers are int16 values, kept in a read-only copy
    pcm = np.array([0, 1000, -32768, 32767], np.int16)
    clip = AudioClip.from_samples(pcm, 8000)
    pcm[0] = 5
    assert clip.samples.dtype == np.int16 and clip.samples.tolist() == [0, 1000, -32768, 32767]
    assert not clip.samples.flags.writeable and clip.sample_rate == clip.source_rate == 8000
    assert AudioClip.from_samples([3, -4], np.int64(16000)).samples.tolist() == [3, -4]


@pytest.mark.parametrize("samples,rate,error,match", [
    (np.array([70000, 0], np.int32), RATE, ValueError, "from 0 to 70000"),  # would wrap to 4464
    (np.array([2.0, 0.0]), RATE, ValueError, r"\[-1, 1\]"),  # int16-range floats: not clipped to full scale
    (np.array([np.nan]), RATE, ValueError, "NaN"),
    (np.zeros((10, 2), np.int16), RATE, ValueError, "mono"),  # stereo frames: not 20 interleaved samples
    (np.array([True, False]), RATE, TypeError, "bool"),
    (np.zeros(4, np.int16), 0, ValueError, "positive"),
    (np.zeros(4, np.int16), -16000, ValueError, "positive"),
    (np.zeros(4, np.int16), 16000.5, ValueError, "whole"),
    (np.zeros(4, np.int16), "16000", TypeError, "sample_rate"),
])
def test_from_samples_refuses_what_a_cast_would_change(samples, rate, error, match) -> None:
    with pytest.raises(error, match=match):
        AudioClip.from_samples(samples, rate)
