"""`kws detect` and `kws features` end to end: real files, real model, real frontend."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.bundled_model_paths import YES_NO_MODEL
from workbench.assets import default_model_path, sample_audio_path
from workbench.cli.main import main
from workbench.core.model.model_file import load_model

KWS = Path(sys.executable).with_name("kws")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_detects_yes_then_no_as_jsonl(capsys) -> None:
    code, out, _ = run_cli(capsys, "detect", str(sample_audio_path()), "--format", "jsonl")
    assert code == 0
    events = jsonl(out)
    assert [e["label"] for e in events] == ["yes", "no"]
    threshold = load_model(default_model_path()).params["detection_threshold"]
    assert all(e["type"] == "detection" and threshold < e["score"] <= 255 for e in events)
    assert 0.5 < events[0]["time_s"] < events[1]["time_s"] < 4.5


def test_scores_option_prints_every_inference(capsys) -> None:
    code, out, _ = run_cli(capsys, "detect", str(sample_audio_path()), "--model", YES_NO_MODEL, "--format", "jsonl",
                           "--scores", "--latency-ms", "50")
    assert code == 0
    scores = [e for e in jsonl(out) if e["type"] == "scores"]
    assert len(scores) == int(4.5 * 1000 / 50)
    assert set(scores[0]["scores"]) == {"yes", "no", "_unknown_", "_silence_"}


def test_overrides_change_the_decision(capsys) -> None:
    code, out, err = run_cli(capsys, "detect", str(sample_audio_path()), "--threshold", "255")
    assert code == 0 and "detected" not in out and "0 detections" in err


def test_text_output_and_odd_wav_formats(capsys, tmp_path) -> None:
    samples = sf.read(str(sample_audio_path()), dtype="int16")[0]
    import soxr

    wide = soxr.resample(samples.astype(np.float32) / 32768, 16000, 44100)
    stereo = np.stack([wide, wide], axis=1)
    path = tmp_path / "stereo44k.wav"
    sf.write(str(path), stereo, 44100, subtype="PCM_24")
    code, out, _ = run_cli(capsys, "detect", str(path))
    assert code == 0
    assert [line.split()[2] for line in out.splitlines()] == ["yes", "no"]



@pytest.mark.skipif("MP3" not in sf.available_formats(), reason="this libsndfile cannot write MP3 (soundfile >= 0.12)")
def test_an_mp3_of_the_sample_is_heard_like_the_wav(capsys, tmp_path) -> None:
    samples, rate = sf.read(str(sample_audio_path()), dtype="int16")
    path = tmp_path / "yes_no.mp3"
    sf.write(str(path), samples, rate, format="MP3")
    code, out, _ = run_cli(capsys, "detect", str(path), "--format", "jsonl")
    assert code == 0 and [e["label"] for e in jsonl(out)] == ["yes", "no"]

def test_not_audio_is_one_clear_line(capsys, tmp_path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio\n")
    code, out, err = run_cli(capsys, "detect", str(bad))
    assert code == 2 and out == ""
    assert err.startswith("kws: error: ") and err.count("\n") == 1 and "notes.wav" in err


def test_missing_device_is_a_clear_error(capsys) -> None:
    code, _, err = run_cli(capsys, "detect", "--mic", "--device", "no-such-microphone-xyz", "--seconds", "1")
    assert code == 2 and err.startswith("kws: error: ") and err.count("\n") == 1


def test_features_clip_equals_the_golden_spectrogram(capsys, tmp_path, golden_dir) -> None:
    golden = np.load(golden_dir / "tts_yes.npz")
    wav = tmp_path / "tts_yes.wav"
    sf.write(str(wav), golden["audio"].astype(np.int16), 16000, subtype="PCM_16")
    out = tmp_path / "f.npy"
    code, _, _ = run_cli(capsys, "features", str(wav), "-o", str(out), "--clip")
    assert code == 0
    np.testing.assert_array_equal(np.load(out), golden["features_int8"])
    code, _, _ = run_cli(capsys, "features", str(wav), "-o", str(out), "--dtype", "uint16", "--clip")
    np.testing.assert_array_equal(np.load(out), golden["features_uint16"])


def test_features_of_a_whole_file_stream(capsys, tmp_path) -> None:
    out = tmp_path / "all.npy"
    code, _, err = run_cli(capsys, "features", str(sample_audio_path()), "-o", str(out))
    assert code == 0 and "(4.50 s of audio)" in err
    feats = np.load(out)
    assert feats.shape == ((72000 - 480) // 320 + 1, 40) and feats.dtype == np.int8
    code, _, err = run_cli(capsys, "features", str(sample_audio_path()), "-o", str(out), "--clip")
    assert code == 0 and "49x40 int8 (1.00 s of audio)" in err  # a clip is the first second only


def test_installed_entry_point_runs() -> None:
    if not KWS.exists():
        pytest.skip(f"{KWS} not installed")
    proc = subprocess.run([str(KWS), "detect", str(sample_audio_path()), "--format", "jsonl"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert [e["label"] for e in jsonl(proc.stdout)] == ["yes", "no"]
    proc = subprocess.run([str(KWS), "detect", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "--threshold" in proc.stdout


def test_threshold_replaces_a_models_per_class_list_and_the_list_can_be_given(capsys) -> None:
    from workbench.assets import asset_path

    stream_model = asset_path("models/kws_yes_no_stream.tflite")
    params = load_model(stream_model).params
    assert params.get("detection_threshold_list"), "the stream model ships per-class thresholds"
    sample = str(sample_audio_path())
    code, out, _ = run_cli(capsys, "detect", sample, "--model", str(stream_model), "--threshold", "255")
    assert code == 0 and "detected" not in out  # 255 for every class: the model's list no longer applies
    n_classes = len(load_model(stream_model).classes)
    mute_yes = ",".join(["255"] + ["1"] * (n_classes - 1))  # yes never, every other class at once
    code, out, _ = run_cli(capsys, "detect", sample, "--model", str(stream_model), "--threshold-list", mute_yes,
                           "--format", "jsonl")
    labels = [e["label"] for e in jsonl(out)]
    assert code == 0 and "yes" not in labels and "no" in labels
    code, _, err = run_cli(capsys, "detect", sample, "--model", str(stream_model), "--threshold-list", "200,200")
    assert code == 2 and f"has 2 entries but the model has {n_classes} classes" in err


def test_an_empty_threshold_list_runs_the_models_one_threshold_for_every_class(capsys, tmp_path) -> None:
    """``--threshold-list ""`` removes the model's list for the run, as ``kws params M detection_threshold_list=``
    removes it from the file: here the list would fire every class at once, the one threshold never."""
    from workbench.core.model.model_file import model_with_params, save_model

    model = load_model(default_model_path())
    every_class_at_once = [1] * len(model.classes)
    path = save_model(model_with_params(model, {"detection_threshold": 255,
                                                "detection_threshold_list": every_class_at_once}),
                      tmp_path / "listed.tflite")
    sample = str(sample_audio_path())
    code, out, _ = run_cli(capsys, "detect", sample, "--model", str(path), "--format", "jsonl")
    assert code == 0 and jsonl(out), "the stored list fires"
    code, out, err = run_cli(capsys, "detect", sample, "--model", str(path), "--threshold-list", "",
                             "--format", "jsonl")
    assert code == 0 and jsonl(out) == [], err


def test_a_threshold_list_of_the_wrong_length_gets_one_sentence_everywhere(capsys, tmp_path) -> None:
    """`kws detect --threshold-list`, `kws params` and the tuning sliders (the Model view) say the same."""
    from workbench.core.detection.settings import DetectionSettings, board_problems
    from workbench.core.detection.tuning import DetectionTuning
    from workbench.core.errors import SettingsError

    model = load_model(default_model_path())
    sentence = (f"detection_threshold_list has 2 entries but the model has {len(model.classes)} classes: "
                "the board firmware needs one threshold per class")
    code, _, err = run_cli(capsys, "detect", str(sample_audio_path()), "--threshold-list", "200,200")
    assert code == 2 and sentence in err
    assert sentence in board_problems({**model.params, "detection_threshold_list": [200, 200]})
    tuning = DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes)
    with pytest.raises(SettingsError) as refused:
        tuning.set(detection_threshold_list=(200, 200))
    assert str(refused.value) == sentence


def test_seconds_is_refused_for_a_file(capsys) -> None:
    code, _, err = run_cli(capsys, "detect", str(sample_audio_path()), "--seconds", "2")
    assert code == 2 and "--seconds is for --mic" in err


@pytest.mark.parametrize(("code", "said"), [
    ("ENOSPC", "cannot write /data/run/checkpoint.keras: the disk is full; free some space and run it again"),
    ("EROFS", "cannot write /data/run/checkpoint.keras: the file system is read-only; choose a folder on a "
              "writable disk"),
    ("EEXIST", "cannot use /data/run/checkpoint.keras: a file is in the way where a folder is needed (that name, "
               "or one above it); remove or rename it, or choose another folder"),
    ("EIO", "Input/output error: /data/run/checkpoint.keras")])
def test_an_os_error_from_any_command_is_one_line(capsys, monkeypatch, code: str, said: str) -> None:
    """A full disk inside a library (Keras saving a checkpoint, say) reaches the user as one line, exit 2, that
    says what to do where it can -- not only the C library's "No space left on device"."""
    import errno
    import os

    from workbench.cli import detect_command

    def refused(_args) -> int:
        number = getattr(errno, code)
        raise OSError(number, os.strerror(number), "/data/run/checkpoint.keras")

    monkeypatch.setattr(detect_command, "run", refused)
    status, _, err = run_cli(capsys, "detect", str(sample_audio_path()))
    assert status == 2 and err == f"kws: error: {said}\n"
