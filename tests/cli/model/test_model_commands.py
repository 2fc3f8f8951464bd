"""`kws info` and `kws params` on the real reference model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.installed_kws import run_kws
from workbench.cli.main import main
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import write_params


def test_info_json_lists_layers_classes_and_all_parameters(capsys, reference_model_path) -> None:
    assert main(["info", str(reference_model_path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [layer["op"] for layer in info["layers"]] == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]
    assert info["classes"] == ["yes", "no", "_unknown_", "_silence_"] and len(info["parameters"]) == 34
    assert info["inputs"][0]["shape"] == [1, 49, 40, 1] and info["inputs"][0]["dtype"] == "int8"


def test_params_writes_a_runnable_copy(capsys, reference_model_path, tmp_path) -> None:
    out = tmp_path / "tuned.tflite"
    code = main(["params", str(reference_model_path), "detection_threshold=201", "volume_gain=1.5",
                 "classes=a,b,c,d", "verbose_model_output_logs=true", "note=hello", "--allow-new-keys",
                 "-o", str(out)])
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
                 ["info", str(tmp_path / "missing.tflite")],
                 ["params", str(reference_model_path), "-o", str(tmp_path / "x"), "--in-place", "minimum_count=2"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("kws: error: ") and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_info_text_via_the_installed_entry_point(reference_model_path) -> None:
    proc = run_kws("info", str(reference_model_path))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "classes: yes, no, _unknown_, _silence_" in out and "CONV_2D" in out and "frontend (fe.*):" in out
    assert out.index("detection_threshold") < out.index("frontend (fe.*):") < out.index("fe.pcan_strength")
    assert "0.95\n" in out  # f32 values at f32 precision
    bad = run_kws("info", "/dev/null")
    assert bad.returncode == 2 and bad.stderr.startswith("kws: error: ") and bad.stderr.count("\n") == 1


def test_in_place_rewrite_and_typed_values(capsys, reference_model_path, tmp_path) -> None:
    model = tmp_path / "m.tflite"
    shutil.copy(reference_model_path, model)
    assert main(["params", str(model), "--in-place", "classes=1,2,3,4", "minimum_count=0", "gain_list=1,2",
                 "fe.pcan_strength=0.9", "--allow-new-keys"]) == 0
    params = load_model(model).params
    assert params["classes"] == ["1", "2", "3", "4"]  # an existing string list stays a string list
    assert params["minimum_count"] == 0 and params["gain_list"] == "1,2"
    assert abs(params["fe.pcan_strength"] - 0.9) < 1e-6
    assert [p.name for p in tmp_path.iterdir()] == ["m.tflite"]  # no temp file left


def test_info_on_a_model_without_parameters(capsys, reference_model_path, tmp_path) -> None:
    bare = tmp_path / "bare.tflite"
    bare.write_bytes(write_params(reference_model_path.read_bytes(), {}))
    assert main(["info", str(bare)]) == 0
    out = capsys.readouterr().out
    assert "classes: class_0, class_1, class_2, class_3" in out and "parameters: none" in out


def test_corrupt_model_is_one_line_error(capsys, reference_model_path, tmp_path) -> None:
    broken = tmp_path / "broken.tflite"
    broken.write_bytes(reference_model_path.read_bytes()[:4000])
    for argv in (["info", str(broken)], ["params", str(broken)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"kws: error: {broken}") and err.count("\n") == 1
    with pytest.raises(SystemExit) as exited:  # argparse's own usage errors exit directly
        main(["info", str(reference_model_path), "--bogus"])
    assert exited.value.code == 2 and capsys.readouterr().err.startswith("kws: error: ")


def test_params_keeps_integers_integers_and_refuses_what_would_not_run(capsys, tmp_path) -> None:
    from workbench.assets import asset_path

    default, stream = asset_path("models/kws_yes_no.tflite"), asset_path("models/kws_yes_no_stream.tflite")
    out = tmp_path / "t.tflite"
    assert main(["params", str(default), "detection_threshold=1e2", "minimum_count=3.0", "-o", str(out)]) == 0
    params = load_model(out).params
    assert params["detection_threshold"] == 100 and isinstance(params["detection_threshold"], int)
    assert isinstance(params["minimum_count"], int)
    capsys.readouterr()
    for argv, message in (
        ([str(default), "classes=yes,no"], "lists 2 classes but outputs 4 scores"),
        ([str(stream), "detection_threshold_list=100,100"], "has 2 entries but the model has 7 classes"),
        ([str(default), "detection_threshold=1.5"], "detection_threshold must be an integer"),
        ([str(default), "fe.pcan_gain_bits=100"], "fe.pcan_gain_bits must be 1..30"),
        ([str(default), "fe.window_size_ms=2000"], "the window (2000 ms)"),
        ([str(default), "volume_gain=inf"], "volume_gain"),
        ([str(default)], "no KEY=VALUE given"),
    ):
        target = tmp_path / "refused.tflite"
        assert main(["params", *argv, "-o", str(target)]) == 2, argv
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
        assert not target.exists()
    assert main(["params", str(default), "detection_threshold=190", "-o", str(tmp_path / "a.mltk.zip")]) == 2
    assert "not an archive" in capsys.readouterr().err


def test_info_json_gives_float32_values_at_float32_precision(capsys, reference_model_path) -> None:
    assert main(["info", str(reference_model_path), "--json"]) == 0
    params = json.loads(capsys.readouterr().out)["parameters"]
    assert params["fe.pcan_strength"] == 0.95 and params["fe.noise_reduction_even_smoothing"] == 0.025


@pytest.mark.parametrize("name", ["RÉF.MLTK.ZIP", "renamed.tflite"])
def test_params_never_rewrites_an_archive_in_place(capsys, shared_dir: Path, tmp_path: Path, name: str) -> None:
    """By name in any case, and by content: `--in-place` on RÉF.MLTK.ZIP wrote a bare .tflite over the archive, its
    .h5, logs and evaluation gone."""
    archive = tmp_path / name
    shutil.copy(shared_dir / "reference-models" / "tflite_micro_speech.mltk.zip", archive)
    before = archive.read_bytes()
    assert main(["params", str(archive), "--in-place", "detection_threshold=180"]) == 2
    assert "cannot rewrite an .mltk.zip archive in place" in capsys.readouterr().err
    assert archive.read_bytes() == before
