"""``kws detect --mic`` says when the microphone was too loud for its gain, run as a user runs it (a real process
listening to a PulseAudio virtual microphone).

The audit: speech peaking above half scale, spoken into the microphone with the bundled model's volume_gain 2, was
wrapped around as the board wraps it (the firmware's gain does not saturate); 3 of the 8 keywords that the same
audio as a file gives were detected, and nothing in the output said why.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from workbench.assets import sample_audio_path
from workbench.core.audio.audio_file import load_audio, save_wav

REPO_ROOT = Path(__file__).resolve().parents[2]
KWS = REPO_ROOT / ".venv" / "bin" / "kws"
sys.path.insert(0, str(REPO_ROOT / "tests"))
from virtmic import running_or_skip  # noqa: E402

FULL_SCALE = 32767
LOUD_PEAK = 0.9  # of full scale: beyond what volume_gain 2 keeps within int16
QUIET_PEAK = 0.4  # within it
SPARE_S = 2.0  # listened to beyond the clip: the time from the start to the first sample played
FINISH_S = 60.0
OVERLOAD_WARNING = "kws: warning: the microphone was too loud for its gain: "


def scaled_sample(tmp_path: Path, peak: float) -> tuple[Path, float]:
    clip = load_audio(sample_audio_path())
    samples = clip.samples.astype(np.float64)
    path = tmp_path / f"peak_{peak:g}.wav"
    save_wav(path, np.rint(samples * (peak * FULL_SCALE / np.abs(samples).max())).astype(np.int16), clip.sample_rate)
    return path, clip.duration_s


def detect_while_playing(mic, wav: Path, seconds: float) -> str:  # type: ignore[no-untyped-def]
    """``kws detect --mic`` while ``wav`` plays into the microphone; its stderr."""
    proc = subprocess.Popen([str(KWS), "detect", "--mic", "--seconds", f"{seconds:g}"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    try:
        listening = proc.stderr.readline()  # type: ignore[union-attr]
        assert listening.startswith("listening on "), listening
        mic.play(wav)
        _, err = proc.communicate(timeout=FINISH_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    return err


def test_loud_speech_wrapped_by_volume_gain_is_said_and_quiet_speech_is_not(tmp_path: Path) -> None:
    loud, duration_s = scaled_sample(tmp_path, LOUD_PEAK)
    quiet, _ = scaled_sample(tmp_path, QUIET_PEAK)
    with running_or_skip(sink_name="kws_overload_sink") as mic:
        loud_err = detect_while_playing(mic, loud, duration_s + SPARE_S)
        quiet_err = detect_while_playing(mic, quiet, duration_s + SPARE_S)
    warnings = [line for line in loud_err.splitlines() if line.startswith(OVERLOAD_WARNING)]
    assert len(warnings) == 1, loud_err
    assert "wrapped around by volume_gain 2" in warnings[0] and "--gain 1" in warnings[0]
    assert OVERLOAD_WARNING not in quiet_err, quiet_err
