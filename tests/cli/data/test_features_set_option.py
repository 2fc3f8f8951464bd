"""``kws features --set fe.NAME=VALUE``: other frontend settings than the model's, computed as the frontend computes
them, checked as the settings check themselves, and without ``--set`` still MLTK's spectrograms bit for bit."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from workbench.assets import sample_audio_path
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings

PCM16_WIDTH_BYTES = 2  # int16 samples
GOLDEN_RATE_HZ = 16000
MLTK_CLIPS = ("mltk_yes", "mltk_no")
SMALL_VARIANT = "ch32_25ms_10ms"  # 32 channels, a 25 ms window every 10 ms, 100..4000 Hz


def _wav(path: Path, samples: np.ndarray, rate: int = GOLDEN_RATE_HZ) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(PCM16_WIDTH_BYTES)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


def _features(capsys, *args: str) -> tuple[np.ndarray, str]:
    """The .npy ``kws features ARGS`` wrote (its -o is the last argument) and what it said on stderr."""
    assert main(["features", *args]) == 0
    return np.load(args[-1]), capsys.readouterr().err


def test_set_changes_the_shape_as_the_settings_say(capsys, tmp_path: Path) -> None:
    out = str(tmp_path / "a.npy")
    wav = str(sample_audio_path())
    default, _ = _features(capsys, wav, "--clip", "-o", out)
    step, _ = _features(capsys, wav, "--clip", "--set", "fe.window_step_ms=10", "-o", out)
    both, _ = _features(capsys, wav, "--clip", "--set", "fe.window_step_ms=40", "--set", "fe.window_size_ms=40",
                        "--set", "fe.filterbank_n_channels=32", "-o", out)
    assert default.shape == (49, 40) and step.shape == (98, 40) and both.shape == (25, 32)


def test_the_values_are_the_native_frontends_with_those_settings(capsys, tmp_path: Path) -> None:
    out = str(tmp_path / "a.npy")
    wav = sample_audio_path()
    got, err = _features(capsys, str(wav), "--model", "kws_yes_no", "--set", "fe.filterbank_n_channels=32",
                         "--set", "fe.window_step_ms=10", "--set", "fe.pcan_enable=off", "--dtype", "uint16", "-o", out)
    settings = FrontendSettings(filterbank_n_channels=32, window_step_ms=10, pcan_enable=False)
    expected = MicroFrontend(settings).feed(load_audio(wav).samples, np.uint16)
    assert got.dtype == np.uint16 and got.shape[1] == 32
    np.testing.assert_array_equal(got, expected)
    assert "fe.filterbank_n_channels=32 (kws_yes_no: 40)" in err and "fe.pcan_enable=false (kws_yes_no: true)" in err


def test_mltks_own_spectrograms_of_other_settings_are_matched(capsys, tmp_path: Path, golden_dir: Path) -> None:
    """The golden variant was computed by MLTK's AudioFeatureGenerator with these settings."""
    entry = json.loads((golden_dir / "variants" / "index.json").read_text())[SMALL_VARIANT]
    sets = [f"--set=fe.{name}={value}" for name, value in entry["overrides"].items()]
    data = np.load(golden_dir / "variants" / f"{SMALL_VARIANT}.npz")
    for clip in MLTK_CLIPS:
        wav = _wav(tmp_path / f"{clip}.wav", data[f"{clip}__audio"])
        got, _ = _features(capsys, str(wav), "--clip", *sets, "-o", str(tmp_path / f"{clip}.npy"))
        assert got.shape == tuple(entry["spectrogram_shape"])
        np.testing.assert_array_equal(got, data[f"{clip}__int8"])


def test_without_set_the_golden_spectrograms_still_match(capsys, tmp_path: Path, golden_dir: Path) -> None:
    for clip in MLTK_CLIPS:
        reference = np.load(golden_dir / f"{clip}.npz")
        wav = str(_wav(tmp_path / f"{clip}.wav", reference["audio"]))
        int8, err = _features(capsys, wav, "--clip", "-o", str(tmp_path / "i8.npy"))
        uint16, _ = _features(capsys, wav, "--clip", "--dtype", "uint16", "-o", str(tmp_path / "u16.npy"))
        np.testing.assert_array_equal(int8, reference["features_int8"])
        np.testing.assert_array_equal(uint16, reference["features_uint16"])
        assert "changed" not in err and "could not run" not in err


def test_the_summary_says_when_the_model_could_not_run_the_settings(capsys, tmp_path: Path) -> None:
    out, wav = str(tmp_path / "a.npy"), str(sample_audio_path())
    _, err = _features(capsys, wav, "--model", "kws_yes_no", "--set", "fe.window_step_ms=10", "-o", out)
    assert "kws_yes_no could not run these settings: one input of 1000 ms is 98x40" in err
    assert "[1, 49, 40, 1]" in err
    _, same_shape = _features(capsys, wav, "--model", "kws_yes_no", "--set", "fe.pcan_strength=0.5", "-o", out)
    assert "fe.pcan_strength=0.5 (kws_yes_no: 0.95)" in same_shape and "could not run" not in same_shape


@pytest.mark.parametrize("change, words", [
    ("fe.filterbank_n_channels=300", ("fe.filterbank_n_channels must be 1..256, got 300",)),
    ("fe.window_step_ms=40", ("fe.window_step_ms must not exceed fe.window_size_ms",)),
    ("fe.filterbank_upper_band_limit=9000", ("fe.filterbank_upper_band_limit", "at most 8000 Hz")),
    ("fe.window_step_ms=ten", ("--set fe.window_step_ms=ten", "takes a number")),
    ("fe.window_step_ms=10.5", ("fe.window_step_ms must be an integer",)),
    ("fe.window_step=10", ("fe.window_step is not a frontend setting", "did you mean fe.window_step_ms?")),
    ("window_step_ms=10", ("did you mean fe.window_step_ms?",)),
    ("fe.window_step_ms", ("write fe.NAME=VALUE",)),
])
def test_a_setting_the_frontend_cannot_run_is_one_clear_line(capsys, tmp_path: Path, change: str,
                                                              words: tuple[str, ...]) -> None:
    out = tmp_path / "a.npy"
    assert main(["features", str(sample_audio_path()), "--set", change, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kws: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert all(word in err for word in words), err
    assert not out.exists()
