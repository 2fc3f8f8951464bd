"""Real training runs on a slice of the shared Speech Commands clips: model, folder, skipped files, live engine."""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine
from workbench.core.model.model_file import load_model
from workbench.datasets.layout import label_of
from workbench.datasets.splits import speaker_percentage
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training_data import QUICK_EPOCHS  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402


class Recorder:
    """A progress sink that keeps every event (and can act on one)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def of(self, phase: str, kind: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.events if e["phase"] == phase and (kind is None or e["event"] == kind)]


def _damaged_copy(slice_root: Path, root: Path) -> tuple[Path, Path, Path]:
    shutil.copytree(slice_root, root)
    garbage = root / "yes" / "0badf00d_nohash_0.wav"
    garbage.write_bytes(b"this is not a wav file at all" * 40)
    good = sorted((root / "no").glob("*.wav"))[0]
    speaker = next(f"0bad{i:04x}" for i in range(4096)  # a speaker the hash puts outside the test split
                   if speaker_percentage(f"0bad{i:04x}_nohash_0.wav") >= 30)
    truncated = root / "no" / f"{speaker}_nohash_0.wav"  # a header promising more samples than there are
    truncated.write_bytes(good.read_bytes()[:6000])
    return root, garbage, truncated


def _engine_accuracy(model_path: Path, clips: list[Path], classes: tuple[str, ...]) -> dict[str, float]:
    """Per-class accuracy of the model's last inference over each 1 s clip, through the live engine."""
    model = load_model(model_path)
    engine = Engine(model, DetectionSettings(latency_ms=100))
    right: dict[str, list[bool]] = {c: [] for c in classes}
    for clip in clips:
        label = label_of(clip.parent.name, classes[:-2])
        results = engine.run_clip(load_audio(clip).samples)
        right[label].append(int(np.argmax(results[-1].scores)) == classes.index(label))
    return {c: float(np.mean(v)) for c, v in right.items() if v}


def test_small_training_run_gives_a_working_int8_model_and_skips_broken_clips(
        speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    dataset, garbage, truncated = _damaged_copy(speech_slice, tmp_path / "data")
    out = tmp_path / "run"
    recorder = Recorder()
    request = TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(quick_spec), workers=2, mltk_zip=True)
    outcome = run_training(request, Progress(recorder), CancelToken())

    assert outcome.status == "done" and outcome.model_path == out / "quick_kws.tflite"
    for name in ("quick_kws.tflite", "quick_kws.float32.tflite", "quick_kws.keras", "quick_kws.h5", "spec.toml",
                 "run.json", "plan.json", "summary.json", "train/log.txt", "train/training-history.csv",
                 "train/training-history.json", "train/state.json", "eval/eval-results.json"):
        assert (out / name).is_file(), name
    history = (out / "train" / "training-history.csv").read_text().splitlines()
    assert history[0].startswith("epoch,loss,accuracy,val_loss,val_accuracy,lr") and len(history) == 1 + QUICK_EPOCHS

    # the broken clips are skipped and reported, never fatal
    plan = json.loads((out / "plan.json").read_text())
    assert str(garbage) in [p for p, _ in plan["unreadable"]]
    summary = json.loads((out / "summary.json").read_text())
    assert str(truncated) in [p for p, _ in summary["skipped"]]
    log = (out / "train" / "log.txt").read_text()
    assert garbage.name in log and truncated.name in log

    # the model carries its parameters and the threshold chosen on validation data
    model = load_model(out / "quick_kws.tflite")
    assert model.classes == ("yes", "no", "_unknown_", "_silence_")
    assert model.params["detection_threshold"] == 185  # the seed spec fixes it
    assert model.params["fe.window_step_ms"] == 20 and model.params["fe.filterbank_n_channels"] == 40
    assert 8000 < model.params["runtime_memory_size"] < 16000
    assert summary["macs"] == 336_000 and summary["int8_float_agreement"] > 0.9

    # the MLTK-style archive holds the run and is itself a model file the workbench (and --init-from) reads
    archive = out / "quick_kws.mltk.zip"
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
    assert {"quick_kws.tflite", "quick_kws.h5", "spec.toml", "train/log.txt", "eval/eval-results.json"} <= names
    assert not any(name.startswith("train/checkpoints") for name in names)
    assert load_model(archive).tflite == model.tflite
    from workbench.training.model.keras_builder import build_model
    from workbench.training.model.weights_import import initialise_from
    from workbench.training.spec import load_spec

    assert initialise_from(build_model(load_spec(out / "spec.toml")), archive).pending_batch_norm == {}

    # the live engine runs it, and it has learned something: above chance on the unseen test speakers
    test_clips = [Path(p) for p in _test_clip_paths(out)]
    accuracy = _engine_accuracy(out / "quick_kws.tflite", test_clips, model.classes)
    assert np.mean(list(accuracy.values())) > 0.4, accuracy  # chance: 0.25
    # so does the float twin, fed the same int8 spectrogram values it learned on
    twin = _engine_accuracy(out / "quick_kws.float32.tflite", test_clips, model.classes)
    assert abs(np.mean(list(twin.values())) - np.mean(list(accuracy.values()))) < 0.1, (twin, accuracy)
    assert summary["evaluation"]["balanced_accuracy"] > 0.4
    assert 0.0 <= summary["evaluation"]["roc_auc_exact_avg"] <= 1.0  # beside MLTK's roc_auc_avg
    assert summary["evaluation"]["folded_into_unknown"] == []  # no negative-word classes to count as _unknown_
    phases = [e["phase"] for e in recorder.events]
    for phase in ("scan", "plan", "features", "train", "convert", "evaluate", "done"):
        assert phase in phases
    epochs = recorder.of("train", "epoch")
    assert [e["epoch"] for e in epochs] == list(range(1, QUICK_EPOCHS + 1)) and all("val_accuracy" in e and "lr" in e for e in epochs)


def _test_clip_paths(out: Path) -> list[str]:
    import csv

    with (out / "eval" / "predictions.csv").open() as fh:
        return [row["path"] for row in csv.DictReader(fh)]
