"""`kws models`: the bundled models with classes, MACs and the default."""

from __future__ import annotations

import json

from workbench.assets import default_model_path
from workbench.bundled_models import bundled_models
from workbench.cli.main import main
from workbench.core.model.model_file import load_model
from workbench.profiler import profile_model


def test_models_json_lists_every_bundled_model(capsys) -> None:
    assert main(["models", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and all(set(item) == {"name", "path", "classes", "macs", "default"} for item in listed)
    defaults = [item for item in listed if item["default"]]
    assert len(defaults) == 1 and defaults[0]["path"] == str(default_model_path()) and listed[0] is defaults[0]
    for item in listed:
        model = load_model(item["path"])
        assert item["classes"] == list(model.classes)
        assert item["macs"] == profile_model(model.tflite).summary.total_macs
    reference = next(item for item in listed if item["name"] == "tflite_micro_speech")
    assert reference["macs"] == 336_000  # MLTK's own count for the seed model


def test_models_text(capsys) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for model in bundled_models():
        assert model.name in out and str(model.path) in out
    assert out.count("(default)") == 1
