"""`kws params KEY=` removes a key the board firmware does without and refuses one it needs; `-o` follows the
window's rule for a model copy's name (.tflite added, another suffix refused); a boolean's message says every
word it takes. Real `kws params` runs on the real reference model, real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.model.model_file import load_model

ERROR = "kws: error: "


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(["params", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def own_key_model(capsys, reference_model_path, tmp_path: Path) -> Path:
    path = tmp_path / "own.tflite"
    code, _, err = run(capsys, str(reference_model_path), "board_revision=3", "--allow-new-keys", "-o", str(path))
    assert code == 0, err
    return path


def test_an_empty_value_removes_a_key_of_ones_own(capsys, own_key_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.tflite"
    code, stdout, err = run(capsys, str(own_key_model), "board_revision=", "-o", str(out))
    assert code == 0, err
    assert stdout == f"wrote {out}: board_revision=(removed)\n"
    assert "board_revision" not in load_model(out).params


def test_an_empty_value_removes_a_detection_parameter(capsys, reference_model_path, tmp_path: Path) -> None:
    out = tmp_path / "out.tflite"
    code, _, err = run(capsys, str(reference_model_path), "suppression_ms=", "-o", str(out))
    assert code == 0, err
    assert "suppression_ms" not in load_model(out).params  # the firmware then uses its own default


@pytest.mark.parametrize("key", ["classes", "fe.fft_length"])
def test_a_key_the_firmware_needs_is_not_removed(capsys, reference_model_path, tmp_path: Path, key: str) -> None:
    out = tmp_path / "out.tflite"
    code, stdout, err = run(capsys, str(reference_model_path), f"{key}=", "-o", str(out))
    assert code == 2 and not stdout
    assert err == f"{ERROR}{key} cannot be removed: the board firmware needs it; give it a value instead\n"
    assert not out.exists()


def test_help_says_how_to_remove_a_key(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["params", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "KEY= (nothing after =) removes the key" in text
    assert "cannot be removed" in text


def test_a_copy_named_without_a_suffix_gets_tflite(capsys, reference_model_path, tmp_path: Path) -> None:
    code, stdout, err = run(capsys, str(reference_model_path), "suppression_ms=600", "-o", str(tmp_path / "noext"))
    assert code == 0, err
    assert stdout.startswith(f"wrote {tmp_path / 'noext.tflite'}: ")
    assert load_model(tmp_path / "noext.tflite").params["suppression_ms"] == 600
    assert not (tmp_path / "noext").exists()


def test_a_copy_named_with_another_suffix_is_refused(capsys, reference_model_path, tmp_path: Path) -> None:
    code, stdout, err = run(capsys, str(reference_model_path), "suppression_ms=600", "-o", str(tmp_path / "out.bin"))
    assert code == 2 and not stdout
    assert err == f"{ERROR}Cannot save the model copy as out.bin: name it with the .tflite suffix.\n"
    assert not (tmp_path / "out.bin").exists()


def test_a_boolean_says_every_word_it_takes(capsys, reference_model_path, tmp_path: Path) -> None:
    code, _, err = run(capsys, str(reference_model_path), "verbose_model_output_logs=maybe", "-o",
                       str(tmp_path / "out.tflite"))
    assert code == 2
    assert err == (f"{ERROR}verbose_model_output_logs takes true or false (yes/on or no/off too), got 'maybe'\n")


def test_removing_a_key_the_model_does_not_hold_writes_nothing(capsys, reference_model_path, tmp_path: Path) -> None:
    assert "sensitivity" not in load_model(reference_model_path).params  # the premise
    out = tmp_path / "out.tflite"
    code, stdout, err = run(capsys, str(reference_model_path), "sensitivity=", "-o", str(out))
    assert code == 2 and not stdout
    assert err == f"{ERROR}{load_model(reference_model_path).name} has no parameter sensitivity: nothing to remove, " \
                  "nothing written\n"
    assert not out.exists()
