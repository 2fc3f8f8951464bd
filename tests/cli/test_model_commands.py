"""`kws info` and `kws params` on the real reference model."""

from __future__ import annotations

import json

from workbench.cli.main import main
from workbench.core.inference import ModelRunner
from workbench.core.model_file import load_model


def test_info_json_lists_layers_classes_and_all_parameters(capsys, reference_model_path) -> None:
    assert main(["info", str(reference_model_path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [layer["op"] for layer in info["layers"]] == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]
    assert info["classes"] == ["yes", "no", "_unknown_", "_silence_"] and len(info["parameters"]) == 34
    assert info["inputs"][0]["shape"] == [1, 49, 40, 1] and info["inputs"][0]["dtype"] == "int8"


def test_params_writes_a_runnable_copy(capsys, reference_model_path, tmp_path) -> None:
    out = tmp_path / "tuned.tflite"
    code = main(["params", str(reference_model_path), "detection_threshold=201", "volume_gain=1.5",
                 "classes=a,b,c,d", "verbose_model_output_logs=true", "note=hello", "-o", str(out)])
    assert code == 0
    model = load_model(out)
    assert model.params["detection_threshold"] == 201 and model.params["volume_gain"] == 1.5
    assert model.classes == ("a", "b", "c", "d") and model.params["verbose_model_output_logs"] is True
    assert model.params["note"] == "hello"
    assert ModelRunner(model.tflite).num_classes == 4
    capsys.readouterr()
    assert main(["params", str(out)]) == 0
    assert "detection_threshold=201" in capsys.readouterr().out


def test_params_errors_are_one_line(capsys, reference_model_path, tmp_path) -> None:
    for argv in (["params", str(reference_model_path), "detection_threshold=200"],
                 ["params", str(reference_model_path), "detection_threshold=abc", "-o", str(tmp_path / "x")],
                 ["params", str(reference_model_path), "detection_threshold=999", "-o", str(tmp_path / "x")],
                 ["info", str(tmp_path / "missing.tflite")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("kws: error: ") and err.count("\n") == 1
    assert not (tmp_path / "x").exists()
