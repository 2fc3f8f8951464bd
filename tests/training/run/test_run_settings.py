"""``kws train --set``: a real run with spec settings changed on the command line, recorded for --resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.model.model_file import load_model
from workbench.core.model.tflite_graph import parse_model
from workbench.training.spec import load_spec

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow


def test_a_run_trains_with_the_settings_given_and_its_spec_file_keeps_them(speech_slice: Path, quick_spec: Path,
                                                                          tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    settings = ["training.max_epochs=1", "augmentation.mask_share=1.0", "layers.1.filters=5",
                "augmentation.loudness_range=off", "training.class_weight_scale={ no = 0.5 }"]
    args = ["train", "--spec", str(quick_spec), "--dataset", str(speech_slice), "--out", str(out), "--workers", "1",
            "--no-evaluate", "--progress", "none"]
    assert main([*args, *[a for s in settings for a in ("--set", s)]]) == 0, capsys.readouterr().err
    kept = load_spec(out / "spec.toml")  # what a resumed run and `kws train --spec OUT/spec.toml` read
    assert kept.training.max_epochs == 1 and kept.augmentation.mask_share == 1.0
    assert kept.layers[0].get("filters") == 5 and kept.augmentation.loudness_range is None
    assert kept.training.learning_rate == load_spec(quick_spec).training.learning_rate  # the rest as the spec
    assert json.loads((out / "summary.json").read_text())["epochs"] == 1
    record = json.loads((out / "run.json").read_text())
    assert record["settings"] == {"training.max_epochs": 1, "augmentation.mask_share": 1.0, "layers.1.filters": 5,
                                  "augmentation.loudness_range": "off", "training.class_weight_scale": {"no": 0.5}}
    plan = json.loads((out / "plan.json").read_text())  # the loss weights the run used: balanced, "no" halved
    counts = plan["samples"]["training"]
    balanced = {c: sum(counts.values()) / (len(counts) * n) for c, n in counts.items()}
    assert plan["class_weights"] == pytest.approx({**balanced, "no": balanced["no"] * 0.5})
    graph = parse_model(load_model(out / "quick_kws.tflite").tflite)
    conv = next(op for op in graph.operators if op.op == "CONV_2D")
    assert graph.tensors[conv.outputs[0]].shape[-1] == 5  # the model has the filters --set gave it
