"""Audio sources with real parts: real files, real clocks, a real PulseAudio virtual microphone."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from workbench.core.audio.audio_file import AudioClip, load_audio
from workbench.core.audio.sources import (
    FileSource,
    MicrophoneSource,
    SyntheticSource,
    apply_gain,
    firmware_gain_factor,
    list_input_devices,
    refresh_devices,
)
from workbench.core.errors import DeviceError, SettingsError
from workbench.core.audio.paced_source import DEFAULT_CHUNK_MS

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLE_WAV = REPO_ROOT / "resources" / "audio" / "yes_no.wav"
RATE = 16000
CHUNK = DEFAULT_CHUNK_MS * RATE // 1000  # one delivery block
MIN_CORRELATION = 0.9
BLOCK = 1600  # 100 ms at 16 kHz: short, so few blocks straddle a glitch
SEARCH = 4000  # ±250 ms around the clip's own alignment
LOUD_BLOCK = 1000  # blocks of speech, not the silence between the words
MIN_BLOCKS_REPRODUCED = 0.6  # a heavily loaded machine glitches the PulseAudio stream; noise scores ~0

sys.path.insert(0, str(REPO_ROOT / "tests"))
from virtmic import VirtualMic, VirtualMicUnavailable, missing_tools  # noqa: E402


@pytest.fixture(scope="module")
def clip() -> AudioClip:
    return load_audio(SAMPLE_WAV)


def drain(source: FileSource | SyntheticSource, sizes: Iterator[int | None] | None = None,
          limit: int = 10_000_000) -> np.ndarray:
    """Read a fast source until finished (optionally with varying max_samples)."""
    out = []
    total = 0
    while not source.finished and total < limit:
        chunk = source.read(next(sizes) if sizes else None)
        out.append(chunk)
        total += chunk.size
    return np.concatenate(out) if out else np.empty(0, np.int16)


# -- FileSource, fast ---------------------------------------------------------------------------
def test_fast_delivers_the_clip_in_chunks(clip: AudioClip) -> None:
    with FileSource(SAMPLE_WAV, realtime=False) as src:
        assert src.name == "yes_no.wav" and src.sample_rate == RATE
        assert src.duration_s == pytest.approx(4.5)
        first = src.read()
        assert first.size == CHUNK  # delivered in chunks, not all at once
        rest = drain(src)
        assert src.finished and src.wait(0.0)
        assert src.read().size == 0
    assert np.array_equal(np.concatenate([first, rest]), clip.samples)


def test_nothing_before_start_and_after_a_pause(clip: AudioClip) -> None:
    src = FileSource(clip, realtime=False)
    assert src.read().size == 0 and not src.wait(0.01)
    src.start()
    assert src.read().size == CHUNK
    src.pause()
    assert src.paused and src.read().size == 0 and not src.wait(0.02)
    src.resume()
    assert np.array_equal(src.read(), clip.samples[CHUNK:2 * CHUNK])


def test_concatenated_reads_do_not_depend_on_read_sizes(clip: AudioClip) -> None:
    rng = np.random.default_rng(7)
    for chunk_ms in (1, 10, 32):
        sizes = iter(rng.choice([1, 7, 160, 999, 4000, None], size=100_000).tolist())
        src = FileSource(clip, realtime=False, chunk_ms=chunk_ms)
        src.start()
        assert np.array_equal(drain(src, sizes), clip.samples)


def test_seek_is_exact(clip: AudioClip) -> None:
    src = FileSource(clip, realtime=False)
    src.start()
    src.read(1000)
    src.seek(2.0)
    assert src.position_s == pytest.approx(2.0)
    assert np.array_equal(src.read(500), clip.samples[32000:32500])
    src.seek(99.0)  # clamped to the end
    assert src.finished and src.read().size == 0
    src.seek(-1)
    assert not src.finished and np.array_equal(src.read(10), clip.samples[:10])
    with pytest.raises(SettingsError):
        src.seek(float("nan"))


def test_loop_repeats_and_can_be_switched_off(clip: AudioClip) -> None:
    n = clip.samples.size
    src = FileSource(clip, realtime=False, loop=True)
    src.start()
    got = np.concatenate([src.read(4000) for _ in range(2 * n // 4000 + 5)])
    assert not src.finished and src.pending_samples == CHUNK  # endless: one chunk at a time
    assert np.array_equal(got, np.tile(clip.samples, 3)[:got.size])
    src.loop = False
    rest = drain(src)
    assert src.finished
    assert (got.size + rest.size) % n == 0  # finished exactly at the end of a pass
    src.loop = True  # at the end: restarts from the top
    assert not src.finished and np.array_equal(src.read(100), clip.samples[:100])


# -- FileSource, real time ----------------------------------------------------------------------
def test_realtime_delivers_as_time_passes(clip: AudioClip) -> None:
    with FileSource(clip, realtime=True) as src:
        immediate = src.read()
        assert immediate.size < 0.1 * clip.samples.size  # not all at once
        got = [immediate]
        t0 = time.monotonic()
        while time.monotonic() - t0 < 0.3:
            src.wait(0.05)
            got.append(src.read())
        elapsed = time.monotonic() - t0
        stream = np.concatenate(got)
    assert 0.1 * RATE < stream.size <= (elapsed + 0.05) * RATE  # about 0.3 s worth
    assert stream.size % CHUNK == 0  # whole blocks, like a sound card
    assert np.array_equal(stream, clip.samples[:stream.size])


def test_realtime_pause_resume_seek_keep_the_stream_exact(clip: AudioClip) -> None:
    src = FileSource(clip, realtime=True)
    src.start()
    time.sleep(0.1)
    src.pause()
    part1 = src.read()  # what was due before the pause is still delivered
    time.sleep(0.15)
    assert src.read().size == 0 and src.pending_samples == 0  # frozen
    pos = src.position_s
    assert pos == pytest.approx(part1.size / RATE)

    # a resume from another thread wakes a waiting reader
    threading.Timer(0.05, src.resume).start()
    assert src.wait(1.0)
    time.sleep(0.05)
    part2 = src.read()
    assert part2.size > 0
    assert np.array_equal(np.concatenate([part1, part2]), clip.samples[:part1.size + part2.size])

    time.sleep(0.05)  # let samples become due, then drop them with a seek
    src.seek(3.0)
    assert src.position_s == 3.0
    time.sleep(0.05)
    src.wait(0.5)
    part3 = src.read()
    start = 3 * RATE
    assert part3.size > 0
    assert np.array_equal(part3, clip.samples[start:start + part3.size])
    src.stop()


# -- gain -----------------------------------------------------------------------------------------
def test_linear_gain_rounds_and_clips() -> None:
    x = np.array([0, 1, 3, 5, -5, 20000, -20000, 32767, -32768], dtype=np.int16)
    assert apply_gain(x, 2.0).tolist() == [0, 2, 6, 10, -10, 32767, -32768, 32767, -32768]
    assert apply_gain(x, 0.5).tolist() == [0, 0, 2, 2, -2, 10000, -10000, 16384, -16384]  # half to even
    assert apply_gain(x, 1.0) is x
    assert apply_gain(x, 0.0).tolist() == [0] * x.size


def test_firmware_gain_matches_the_board() -> None:
    """EFR32 audio feature generation: int gain (truncated), only if > 1, int16 store wraps."""
    assert [firmware_gain_factor(g) for g in (0.0, 1.0, 1.9, 2.0, 2.7, 3.0)] == [1, 1, 1, 2, 2, 3]
    x = np.array([100, -100, 20000, -20000, 16383, 16384], dtype=np.int16)
    assert apply_gain(x, 0.0, "firmware") is x  # volume_gain 0 means "off" on the board
    assert apply_gain(x, 2.7, "firmware").tolist() == [200, -200, 40000 - 65536, -40000 + 65536, 32766, -32768]


def test_gain_is_applied_to_reads(clip: AudioClip) -> None:
    src = FileSource(clip, realtime=False)
    assert src.gain == 1.0 and src.gain_mode == "linear"
    src.gain = 4.0
    src.start()
    got = drain(src)
    expected = np.clip(clip.samples.astype(np.int64) * 4, -32768, 32767)
    assert np.array_equal(got, expected)
    assert np.abs(got).max() == 32767  # the sample clip does clip at x4
    with pytest.raises(SettingsError):
        src.gain = -1.0
    with pytest.raises(SettingsError):
        src.gain_mode = "loud"  # type: ignore[assignment]


# -- SyntheticSource --------------------------------------------------------------------------------
def test_synthetic_tone_level_and_frequency() -> None:
    src = SyntheticSource("tone", level_dbfs=-6.0, frequency_hz=1000, seconds=0.5, realtime=False)
    src.start()
    x = drain(src).astype(np.float64)
    assert x.size == RATE // 2 and src.finished
    assert np.abs(x).max() == pytest.approx(32767 * 10 ** (-6 / 20), rel=0.001)
    spectrum = np.abs(np.fft.rfft(x))
    assert np.argmax(spectrum) * RATE / x.size == pytest.approx(1000, abs=2)


def test_synthetic_silence_and_noise() -> None:
    silence = SyntheticSource("silence", seconds=0.1, realtime=False)
    silence.start()
    assert not drain(silence).any()
    noise = SyntheticSource("noise", level_dbfs=-20.0, seconds=1.0, realtime=False)
    noise.start()
    x = drain(noise).astype(np.float64)
    assert np.sqrt(np.mean(x ** 2)) == pytest.approx(32767 * 0.1 / np.sqrt(2), rel=0.03)
    endless = SyntheticSource("tone", realtime=True)
    endless.start()
    assert endless.wait(1.0) and endless.read().size > 0 and not endless.finished
    with pytest.raises(SettingsError):
        SyntheticSource("chirp")  # type: ignore[arg-type]
    with pytest.raises(SettingsError):
        SyntheticSource("tone", frequency_hz=9000)


# -- MicrophoneSource through a real PulseAudio virtual microphone --------------------------------
@pytest.fixture(scope="module")
def virtmic() -> Iterator[VirtualMic]:
    if missing_tools():
        pytest.skip(f"PulseAudio tools not installed: {', '.join(missing_tools())}")
    try:
        mic = VirtualMic().start()
    except VirtualMicUnavailable as exc:
        pytest.skip(str(exc))
    try:
        try:
            refresh_devices()  # PortAudio enumerated before the server existed
        except DeviceError as exc:
            pytest.skip(str(exc))
        yield mic
    finally:
        refresh_devices()
        mic.stop()


def best_correlation(captured: np.ndarray, reference: np.ndarray) -> tuple[int, float]:
    """Lag of the reference inside the capture (FFT cross-correlation) and the correlation there."""
    n = captured.size + reference.size
    size = 1 << (n - 1).bit_length()
    xc = np.fft.irfft(np.fft.rfft(captured.astype(np.float64), size)
                      * np.conj(np.fft.rfft(reference.astype(np.float64), size)), size)
    lag = int(np.argmax(xc[: captured.size - reference.size + 1]))
    segment = captured[lag:lag + reference.size].astype(np.float64)
    return lag, float(np.corrcoef(segment, reference.astype(np.float64))[0, 1])


def blockwise_correlation(captured: np.ndarray, reference: np.ndarray, lag: int) -> float:
    """Share of the reference's loud blocks that the capture reproduces (correlation > MIN_CORRELATION),
    each block aligned on its own near ``lag``: a loaded machine may make PulseAudio drop or repeat a few
    milliseconds, which shifts the rest of the capture without making it any less the played audio."""
    good = total = 0
    for start in range(0, reference.size - BLOCK, BLOCK):
        block = reference[start:start + BLOCK].astype(np.float64)
        if np.abs(block).max() < LOUD_BLOCK:
            continue
        total += 1
        lo, hi = max(lag + start - SEARCH, 0), min(lag + start + SEARCH + BLOCK, captured.size)
        window = captured[lo:hi].astype(np.float64)
        if window.size < BLOCK:
            continue
        good += normalized_peak(window, block) > MIN_CORRELATION
    return good / max(total, 1)


def normalized_peak(window: np.ndarray, block: np.ndarray) -> float:
    """The best normalised cross-correlation of ``block`` anywhere in ``window`` (a loud neighbour of the
    block cannot win over the block's own place, as it can with raw cross-correlation)."""
    n = block.size
    size = 1 << (window.size + n - 1).bit_length()
    xc = np.fft.irfft(np.fft.rfft(window, size) * np.conj(np.fft.rfft(block, size)), size)[: window.size - n + 1]
    energy = np.concatenate(([0.0], np.cumsum(window * window)))
    norms = np.sqrt(np.maximum(energy[n:] - energy[:-n], 1e-9)) * np.linalg.norm(block)
    return float(np.max(xc / norms))


def capture_while_playing(mic: VirtualMic, source: MicrophoneSource, seconds: float,
                          max_samples: int | None = None) -> np.ndarray:
    chunks = []
    with source:
        player = mic.play(SAMPLE_WAV, wait=False)
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds:
            if source.wait(0.05):
                chunks.append(source.read(max_samples))
                assert max_samples is None or chunks[-1].size <= max_samples
        player.wait(timeout=10)
    return np.concatenate(chunks)


@pytest.mark.parametrize(("capture_rate", "max_samples"), [(None, None), (44100, 250)])
def test_microphone_captures_what_is_played(virtmic: VirtualMic, clip: AudioClip,
                                            capture_rate: int | None, max_samples: int | None) -> None:
    """16 kHz straight from the device, and 44.1 kHz resampled in read() (as for a device that
    refuses 16 kHz), read in pieces of at most ``max_samples``."""
    source = MicrophoneSource(capture_rate=capture_rate)
    assert source.gain_mode == "firmware" and source.name
    captured = capture_while_playing(virtmic, source, clip.duration_s + 1.0, max_samples)
    assert source.device_rate == (capture_rate or RATE)
    assert captured.dtype == np.int16
    assert captured.size >= clip.samples.size
    lag, corr = best_correlation(captured, clip.samples)
    reproduced = blockwise_correlation(captured, clip.samples, lag)
    assert reproduced >= MIN_BLOCKS_REPRODUCED, \
        f"only {reproduced:.0%} of the played blocks were captured (whole-clip correlation {corr:.3f} at lag {lag})"
    assert source.error is None and source.overflows == 0


def test_microphone_devices_are_listed(virtmic: VirtualMic) -> None:
    devices = list_input_devices()
    names = [d.name for d in devices]
    assert "pulse" in names
    assert sum(d.is_default for d in devices) == 1
    assert MicrophoneSource("pulse").device.name == "pulse"


def test_unknown_device_is_a_clear_error(virtmic: VirtualMic) -> None:
    with pytest.raises(DeviceError, match="no audio input device named 'no such microphone'"):
        MicrophoneSource("no such microphone")
    with pytest.raises(DeviceError, match="no audio input device number 999"):
        MicrophoneSource(999)


def test_vanished_device_raises_on_read() -> None:
    """Own server: killing it is destructive, so it must not share the module fixture."""
    if missing_tools():
        pytest.skip(f"PulseAudio tools not installed: {', '.join(missing_tools())}")
    try:
        mic = VirtualMic(sink_name="kws_vanish_sink").start()
    except VirtualMicUnavailable as exc:
        pytest.skip(str(exc))
    source: MicrophoneSource | None = None
    try:
        refresh_devices()
        source = MicrophoneSource()
        source.start()
        assert source.wait(2.0) and source.read().size > 0
        mic.kill_server()
        with pytest.raises(DeviceError, match="stopped delivering audio|delivered nothing"):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                source.wait(0.1)
                source.read()
        assert source.error is not None
    finally:
        if source is not None:
            source.stop()
        mic.stop()
        refresh_devices()


def test_engine_detects_the_words_spoken_into_the_virtual_microphone(virtmic: VirtualMic, clip: AudioClip,
                                                                     tmp_path: Path) -> None:
    """The whole live path: PulseAudio → PortAudio → ring → LiveSession worker → engine → detections.
    The sample is played at half level because the model's volume_gain (2) is applied to the
    microphone exactly as the board applies it (integer multiply)."""
    from workbench.assets import default_model_path
    from workbench.core.audio.audio_file import save_wav
    from workbench.core.engine import Engine
    from workbench.core.live_session import LiveSession
    from workbench.core.model.model_file import load_model

    quiet = tmp_path / "half_level.wav"
    save_wav(quiet, (clip.samples // 2).astype(np.int16), RATE)
    engine = Engine(load_model(default_model_path()))
    source = MicrophoneSource()
    source.gain = engine.detection_settings.volume_gain
    session = LiveSession(engine, source)
    session.start()
    try:
        virtmic.play(quiet, wait=True)
        time.sleep(1.0)
    finally:
        session.close()
    assert session.error is None
    assert [e.detection.label for e in session.detections.all()] == ["yes", "no"]


def test_blockwise_check_rejects_audio_that_was_not_played(clip: AudioClip) -> None:
    """The capture check must be able to fail: noise, or the clip reversed, reproduces nothing."""
    rng = np.random.default_rng(0)
    noise = (rng.standard_normal(clip.samples.size + RATE) * 3000).astype(np.int16)
    assert blockwise_correlation(noise, clip.samples, 0) < 0.1
    reversed_clip = np.concatenate([np.zeros(RATE // 2, np.int16), clip.samples[::-1]])
    assert blockwise_correlation(reversed_clip, clip.samples, RATE // 2) < MIN_BLOCKS_REPRODUCED
    shifted = np.concatenate([np.zeros(777, np.int16), clip.samples, np.zeros(RATE, np.int16)])
    assert blockwise_correlation(shifted, clip.samples, 777) == 1.0
