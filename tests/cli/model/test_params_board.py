"""`kws params` writes parameters as the board firmware reads them and says what the board would refuse."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.cli.installed_kws import run_kws
from workbench.cli.main import main
from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import params_buffer, write_params
from workbench.core.model.params_dictionary import F32, INT32_LIST, STR_LIST, decode_entries

FLOAT32_EPSILON = 1.2e-7  # SL_PARAMSv1 keeps a float setting as a float32 (0.025 reads back as 0.0250000004)
CLASSES_NOTICE = "the board firmware needs the class names: add them with kws params {} classes="


def stored(path: Path) -> dict[str, tuple[int, object]]:
    """``{key: (union type code, value)}`` as the firmware sees the written model."""
    return {key: (code, value) for key, code, value in decode_entries(params_buffer(path.read_bytes()))}


def test_a_new_threshold_list_is_written_as_the_firmwares_integer_list(capsys, tmp_path) -> None:
    out = tmp_path / "p2.tflite"
    assert main(["params", "kws_yes_no", "-o", str(out), "detection_threshold_list=180,200,255,255"]) == 0
    assert stored(out)["detection_threshold_list"] == (INT32_LIST, [180, 200, 255, 255])
    settings = DetectionSettings.from_params(load_model(out).params)
    assert [settings.threshold_for(i) for i in range(4)] == [180, 200, 255, 255]
    Engine(load_model(out))  # it runs
    captured = capsys.readouterr()
    assert captured.out.startswith(f"wrote {out}: detection_threshold_list=180,200,255,255") and not captured.err


@pytest.mark.parametrize("value, message", [
    ("180", "has 1 entries but the model has 4 classes"),
    ("180,1.5,200,200", "detection_threshold_list takes a comma-separated list of whole numbers"),
    ("a,b,c,d", "detection_threshold_list takes a comma-separated list of whole numbers"),
])
def test_a_bad_threshold_list_is_one_error_and_nothing_written(capsys, tmp_path, value, message) -> None:
    out = tmp_path / "p2.tflite"
    assert main(["params", "kws_yes_no", "-o", str(out), f"detection_threshold_list={value}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kws: error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_the_audit_command_exits_2_without_a_traceback(tmp_path) -> None:
    proc = run_kws("params", "kws_yes_no", "-o", str(tmp_path / "p2.tflite"), "detection_threshold_list=180")
    assert proc.returncode == 2 and proc.stderr.startswith("kws: error: ") and proc.stderr.count("\n") == 1


def test_known_keys_are_typed_by_what_they_are(tmp_path, reference_model_path) -> None:
    """New keys too: classes a string list, volume_gain a number, a flag a bool; a stored float stays one."""
    bare = tmp_path / "bare.tflite"
    bare.write_bytes(write_params(reference_model_path.read_bytes(), {}))
    out = tmp_path / "typed.tflite"
    assert main(["params", str(bare), "-o", str(out), "classes=yes,no,_unknown_,_silence_", "volume_gain=2",
                 "verbose_model_output_logs=on", "detection_threshold=200"]) == 0
    params = stored(out)
    assert params["classes"] == (STR_LIST, ["yes", "no", "_unknown_", "_silence_"])
    assert params["volume_gain"][1] == 2 and params["verbose_model_output_logs"][1] is True

    float_gain = tmp_path / "on_off_like.tflite"
    float_gain.write_bytes(write_params(reference_model_path.read_bytes(),
                                        {**load_model(reference_model_path).params, "volume_gain": 0.0}))
    assert main(["params", str(float_gain), "--in-place", "volume_gain=1"]) == 0
    assert stored(float_gain)["volume_gain"] == (F32, 1.0)  # a float as before (0.0 was an f64, as MLTK writes it)


def test_a_model_without_classes_is_written_with_a_warning(capsys, tmp_path, reference_model_path) -> None:
    bare = tmp_path / "plain.tflite"
    bare.write_bytes(write_params(reference_model_path.read_bytes(), {}))
    out = tmp_path / "out.tflite"
    assert main(["params", str(bare), "-o", str(out), "detection_threshold=200"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"kws: warning: {CLASSES_NOTICE.format(out)}")
    assert err[1].startswith("kws: warning: the board firmware needs 19 audio frontend settings") and len(err) == 2
    assert out.is_file()

    assert main(["params", str(reference_model_path), "-o", str(out), "detection_threshold=200"]) == 0
    assert capsys.readouterr().err == ""  # a model the board runs: no warning
    assert main(["info", str(bare)]) == 0
    assert f"board: {CLASSES_NOTICE.format(bare)}" in capsys.readouterr().out


def test_the_frontend_warning_gives_the_command_that_fixes_it(capsys, tmp_path, reference_model_path) -> None:
    """The command in the warning writes the values the workbench ran the model with, and the warning goes."""
    from workbench.core.frontend_settings import FrontendSettings

    params = load_model(reference_model_path).params
    no_frontend = tmp_path / "no_fe.tflite"
    no_frontend.write_bytes(write_params(reference_model_path.read_bytes(),
                                         {k: v for k, v in params.items() if not k.startswith("fe.")}))
    out = tmp_path / "out.tflite"
    assert main(["params", str(no_frontend), "-o", str(out), "detection_threshold=200"]) == 0
    (warning,) = capsys.readouterr().err.splitlines()
    fix = shlex.split(warning.split("write those into a copy with ", 1)[1])
    assert fix[:3] == ["kws", "params", str(out)] and fix[-2:] == ["-o", "OUT.tflite"]
    fixed = tmp_path / "fixed.tflite"
    assert main([*fix[1:-1], str(fixed)]) == 0
    assert capsys.readouterr().err == ""  # nothing left for the board to refuse
    written = load_model(fixed).params
    used = FrontendSettings.from_params(written).to_params()  # the workbench's defaults, stored as float32
    assert used == pytest.approx(FrontendSettings.from_params({}).to_params(), rel=FLOAT32_EPSILON)
    assert written["detection_threshold"] == 200 and written["classes"] == params["classes"]
    Engine(load_model(fixed))  # it runs as before


def test_a_threshold_shadowed_by_the_list_is_said(capsys, tmp_path, reference_model_path) -> None:
    """As MLTK's on_off_v3: the firmware uses detection_threshold_list for every class when it exists."""
    listed = tmp_path / "listed.tflite"
    listed.write_bytes(write_params(reference_model_path.read_bytes(), {
        **load_model(reference_model_path).params, "detection_threshold_list": [242, 242, 255, 255]}))
    out = tmp_path / "out.tflite"
    assert main(["params", str(listed), "-o", str(out), "detection_threshold=201"]) == 0
    err = capsys.readouterr().err
    assert err == ("kws: warning: the board uses detection_threshold_list (242,242,255,255) instead of "
                   "detection_threshold; change that list, or remove it with detection_threshold_list= so "
                   "detection_threshold applies\n")
    assert load_model(out).params["detection_threshold_list"] == [242, 242, 255, 255]  # written as asked

    assert main(["params", str(listed), "-o", str(out), "detection_threshold=201", "detection_threshold_list="]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "detection_threshold_list=(removed)" in captured.out
    params = load_model(out).params
    assert "detection_threshold_list" not in params
    assert DetectionSettings.from_params(params).threshold_for(0) == 201


def test_info_says_when_the_stream_cannot_feed_the_model(capsys, tmp_path, reference_model_path) -> None:
    narrow = tmp_path / "narrow.tflite"  # the reference model's input is 49 x 40; its frontend now gives 49 x 10
    params = {**load_model(reference_model_path).params, "fe.filterbank_n_channels": 10}
    narrow.write_bytes(write_params(reference_model_path.read_bytes(), params))  # kws params refuses to write it
    assert main(["info", str(narrow)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("stream: ")]
    assert lines == ["stream: the model input [1, 49, 40, 1] is a 49 x 40 spectrogram; the frontend settings give "
                     "49 x 10: set fe.filterbank_n_channels=40 to match"]
    assert main(["info", str(reference_model_path), "--json"]) == 0
    assert '"stream_problem": ""' in capsys.readouterr().out


def test_a_latency_shorter_than_an_inference_on_the_board_is_said_and_still_written(capsys, tmp_path) -> None:
    """kws_yes_no_stream takes about 52 ms per inference on the EFR32xG24 (estimated): every 10 ms cannot be."""
    out = tmp_path / "fast.tflite"
    assert main(["params", "kws_yes_no_stream", "-o", str(out), "latency_ms=10"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"wrote {out}: latency_ms=10\n"
    assert captured.err == ("kws: warning: latency_ms 10 is shorter than the 52.5 ms an inference of the model takes "
                            "on the EFR32xG24 (estimated, MVP; the audio frontend's time comes on top): the board "
                            "infers about every 53 ms at best, so averaging windows and minimum_count tuned on this "
                            "PC count fewer results there; set latency_ms to 60 or more\n")
    assert load_model(out).params["latency_ms"] == 10  # written as asked
    assert main(["params", str(out), "--in-place", "latency_ms=60"]) == 0
    assert capsys.readouterr().err == ""  # the board keeps up
