"""`kws params` refuses keys nothing reads, repeated class names and writing over its input; it warns about
settings that can never detect (real models, real files)."""

from __future__ import annotations

import shutil

import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.bundled_models import bundled_models
from workbench.cli.main import main
from workbench.cli.model.model_commands import FRONTEND_PREFIX, format_value
from workbench.core.model.model_file import load_model

ERROR = "kws: error: "
WARNING = "kws: warning: "


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(["params", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("key", ["detection_treshold", "Detection_Threshold"])
def test_a_misspelled_key_is_refused_with_the_key_meant(capsys, tmp_path, reference_model_path, key) -> None:
    out = tmp_path / "typo.tflite"
    code, stdout, err = run(capsys, str(reference_model_path), f"{key}=250", "-o", str(out))
    assert code == 2 and not stdout and not out.exists()
    assert err == (f"{ERROR}neither the board firmware nor MLTK reads a parameter {key} (did you mean "
                   "detection_threshold?); nothing written: correct the key, or pass --allow-new-keys to store a "
                   "key of your own\n")


def test_a_key_of_ones_own_is_written_with_allow_new_keys(capsys, tmp_path, reference_model_path) -> None:
    out = tmp_path / "own.tflite"
    code, stdout, _ = run(capsys, str(reference_model_path), "board_revision=3", "--allow-new-keys", "-o", str(out))
    assert code == 0 and stdout == f"wrote {out}: board_revision=3\n"
    assert load_model(out).params["board_revision"] == 3
    again = tmp_path / "again.tflite"  # the model holds it now: no option needed to change it
    assert run(capsys, str(out), "board_revision=4", "-o", str(again))[0] == 0
    assert load_model(again).params["board_revision"] == 4


def test_an_unknown_frontend_key_stays_refused_with_allow_new_keys(capsys, tmp_path, reference_model_path) -> None:
    code, _, err = run(capsys, str(reference_model_path), "fe.window_sz_ms=30", "--allow-new-keys",
                       "-o", str(tmp_path / "fe.tflite"))
    assert code == 2 and "(did you mean fe.window_size_ms?); nothing written: correct the key\n" in err


def test_every_key_a_bundled_model_carries_stays_writable(capsys, tmp_path) -> None:
    for bundled in bundled_models():
        params = load_model(bundled.path).params
        changes = [f"{key}={format_value(value)}" for key, value in params.items()
                   if not key.startswith(FRONTEND_PREFIX) and not isinstance(value, bytes)]
        out = tmp_path / f"{bundled.name}.tflite"
        code, _, err = run(capsys, str(bundled.path), *changes, "-o", str(out))
        assert code == 0, err
        unhashed = {k: v for k, v in params.items() if k != "hash"}  # recomputed: test_model_params_hash.py
        assert {k: v for k, v in load_model(out).params.items() if k != "hash"} == unhashed


def test_repeated_class_names_are_refused(capsys, tmp_path, reference_model_path) -> None:
    out = tmp_path / "twice.tflite"
    code, _, err = run(capsys, str(reference_model_path), "classes=yes,yes,_unknown_,_silence_", "-o", str(out))
    assert code == 2 and not out.exists()
    assert err == f"{ERROR}classes names yes more than once: give every output of the model its own class name\n"


def test_the_output_is_never_the_input_or_a_bundled_model(capsys, tmp_path, reference_model_path) -> None:
    model = tmp_path / "m.tflite"
    shutil.copy(reference_model_path, model)
    before = model.read_bytes()
    code, _, err = run(capsys, str(model), "detection_threshold=200", "-o", str(tmp_path / "." / "m.tflite"))
    assert code == 2 and "is the input" in err and err.count("\n") == 1 and model.read_bytes() == before
    bundled = bundled_models()[0].path
    code, _, err = run(capsys, str(model), "detection_threshold=200", "-o", str(bundled))
    assert code == 2 and "would overwrite the bundled model" in err
    assert load_model(bundled).params["detection_threshold"] != 200


@pytest.mark.parametrize(("change", "warning"), [
    ("average_window_duration_ms=100", "minimum_count 3 can never be reached: an averaging window of 100 ms holds "
     "at most 2 results at one inference every 100 ms"),
    ("minimum_count=100", "minimum_count 100 can never be reached: the firmware keeps at most 50 results"),
    ("detection_threshold=255", "detection_threshold 255 can never be exceeded"),
])
def test_settings_that_can_never_detect_are_written_with_a_warning(capsys, tmp_path, change, warning) -> None:
    yes_no = yes_no_model_path()
    out = tmp_path / "never.tflite"
    code, stdout, err = run(capsys, str(yes_no), change, "-o", str(out))
    assert code == 0 and stdout.startswith(f"wrote {out}") and out.exists()
    assert err.startswith(f"{WARNING}{warning}") and err.count("\n") == 1
    assert run(capsys, str(yes_no), "average_window_duration_ms=300", "-o", str(out))[2] == ""  # 4 results
