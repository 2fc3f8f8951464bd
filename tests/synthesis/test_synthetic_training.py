"""Tiny synthetic yes/no sets train end to end with `kws train`, mixed with a weight each
(``--dataset A --dataset B:2``, as a user mixes real, synthetic and own takes): the run finishes, counts
the weighted set's training clips twice, writes an int8 model with the datasets' classes, and that model
runs in the live engine."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from workbench.child_command import kws_command
from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine
from workbench.core.model.model_file import load_model
from workbench.datasets.layout import merge_datasets, scan_dataset
from workbench.synthesis.build_plan import SynthSettings
from workbench.synthesis.dataset_builder import build_dataset
from workbench.synthesis.negatives import NegativeWord
from workbench.synthesis.voice_registry import discover_voices
from workbench.training.data.sample_plan import make_plan
from workbench.training.spec.model_spec import load_spec

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

TINY_SPEC = """
extends = "tflite_micro_speech"
name = "synthetic_kws"

[training]
max_epochs = 6
batch_size = 16
learning_rate = 0.002
seed = 3

[data]
validation_resplit_percent = 25.0

[conversion]
representative_samples = 32
"""


WEIGHT = 2


def synthetic_set(out: Path, voices: list[str], engines: list[str], seed: int) -> Path:
    registry = discover_voices(engines, voices)
    negatives = tuple(NegativeWord(w, "given") for w in ("go", "up", "seven", "left", "cat"))
    report = build_dataset(SynthSettings(words=("yes", "no"), negatives=negatives, takes=4, seed=seed,
                                         noise_seconds=5.0), registry, out, workers=2)
    assert not report.failures and report.counts["yes"] == report.counts["no"] == 4 * len(registry.voices)
    return out


def expected_training_counts(spec_path: Path, weighted: Path, datasets: list[Path]) -> dict[str, int]:
    """The training samples per class when ``weighted``'s clips count ``WEIGHT`` times (the plan of the
    unweighted merge, its clips from ``weighted`` counted again)."""
    spec = load_spec(spec_path)
    data = spec.data
    index = merge_datasets([scan_dataset(d, validation_percent=data.validation_percent,
                                         testing_percent=data.testing_percent, split_method=data.split_method)
                            for d in datasets])
    plan = make_plan(index, data, spec.training.seed)
    counts: dict[str, int] = {}
    for sample in plan.training:
        extra = WEIGHT if sample.path is not None and sample.path.resolve().is_relative_to(weighted.resolve()) else 1
        counts[plan.classes[sample.label]] = counts.get(plan.classes[sample.label], 0) + extra
    return counts


def test_two_weighted_synthetic_datasets_train_a_model(need_programs, tmp_path: Path) -> None:
    need_programs("espeak-ng", "flite")
    voices = synthetic_set(tmp_path / "voices", ["espeak:m1", "espeak:m3", "espeak:f2", "espeak:f4",
                                                 "espeak:klatt", "espeak:croak"], ["espeak"], seed=2)
    takes = synthetic_set(tmp_path / "takes", ["flite:*"], ["flite"], seed=3)
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY_SPEC)
    out = tmp_path / "run"
    done = subprocess.run(kws_command("train", "--dataset", str(voices), "--dataset", f"{takes}:{WEIGHT}",
                                      "--out", str(out), "--spec", str(spec), "--keywords", "yes,no",
                                      "--progress", "none", "--workers", "1"),
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    plan = json.loads((out / "plan.json").read_text())
    expected = expected_training_counts(spec, takes, [voices, takes])
    assert plan["samples"]["training"] == expected
    unweighted = expected_training_counts(spec, tmp_path / "nowhere", [voices, takes])
    assert expected["yes"] > unweighted["yes"] and expected["no"] > unweighted["no"]  # flite's clips count twice
    model = load_model(out / "synthetic_kws.tflite")
    assert model.classes == ("yes", "no", "_unknown_", "_silence_")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["epochs"] >= 1 and summary["macs"] == 336000
    engine = Engine(model, DetectionSettings(latency_ms=100))
    clips = [c.path for c in scan_dataset(voices).clips if c.word in ("yes", "no")][:6]
    for path in clips:
        results = engine.run_clip(load_audio(path).samples)
        assert results and results[-1].scores.shape == (4,)
        assert np.isclose(float(np.sum(results[-1].scores)), 255, atol=8)  # uint8 probabilities
