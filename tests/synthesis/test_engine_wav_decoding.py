"""Decoding an engine's WAV output: no Python code runs inside soundfile's C callbacks (a synthesis worker's stop
signal raised there would be swallowed), and unreadable output is one clear error."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.synthesis.engines.base import SynthesisError, decode_wav, read_wav_file

RATE = 16000


def _wav_bytes(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, samples, RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def _soundfile_callbacks_during(action) -> list[str]:
    """Names of the Python functions of soundfile's module that C called back while ``action`` ran."""
    seen: list[str] = []

    def profile(frame, event, _arg):
        if event == "call" and frame.f_code.co_filename == sf.__file__ and frame.f_code.co_name.startswith("vio_"):
            seen.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return seen


def test_the_sanity_check_sees_soundfiles_callbacks_when_it_reads_from_memory() -> None:
    data = _wav_bytes(np.zeros(RATE // 10, dtype=np.float32))
    assert _soundfile_callbacks_during(lambda: sf.read(io.BytesIO(data)))


def test_engine_output_is_decoded_without_python_callbacks(tmp_path: Path) -> None:
    tone = (0.5 * np.sin(np.arange(RATE // 4) * 2 * np.pi * 440 / RATE)).astype(np.float32)
    data = _wav_bytes(tone)
    decoded = []
    assert _soundfile_callbacks_during(lambda: decoded.append(decode_wav(data, "espeak-ng (m1)"))) == []
    speech = decoded[0]
    assert speech.sample_rate == RATE and speech.samples.dtype == np.float32
    np.testing.assert_allclose(speech.samples, tone, atol=1 / 32768 + 1e-6)
    (tmp_path / "out.wav").write_bytes(data)
    assert _soundfile_callbacks_during(lambda: read_wav_file(str(tmp_path / "out.wav"), "flite (kal)")) == []


def test_decoding_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    decode_wav(_wav_bytes(np.full(160, 0.1, dtype=np.float32)), "espeak-ng (m1)")
    with pytest.raises(SynthesisError):
        decode_wav(b"not a wav", "espeak-ng (m1)")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("data", "words"), [
    (b"", "wrote no readable audio"),
    (b"RIFF\x00\x00\x00\x00WAVEjunk", "wrote no readable audio"),
])
def test_unreadable_output_is_one_sentence(data: bytes, words: str) -> None:
    with pytest.raises(SynthesisError, match=words) as caught:
        decode_wav(data, "espeak-ng (m1)")
    assert str(caught.value).startswith("espeak-ng (m1) ")


def test_empty_audio_and_a_missing_file_are_named(tmp_path: Path) -> None:
    with pytest.raises(SynthesisError, match=r"festival \(kal\) produced no audio"):
        decode_wav(_wav_bytes(np.zeros(0, dtype=np.float32)), "festival (kal)")
    with pytest.raises(SynthesisError, match=r"flite \(kal\) wrote no audio file"):
        read_wav_file(str(tmp_path / "missing.wav"), "flite (kal)")
