"""What ``kws`` says about a damaged model or spec file: one line, exit 2, saying what the file is (cut short,
damaged, a damaged archive, a folder) -- real bundled files, cut, damaged and re-packed here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import sample_audio_path
from workbench.cli.main import main
from workbench.core.model.model_params import pack_model, unpack_model, write_params

ERROR = "kws: error: "
USER_MISTAKE = 2
FLIPPED_BYTES = 50
FLIP_SEED = 1  # its damage breaks the default model's tables
BAD_ZERO_POINT = 45312  # outside int8: LiteRT's XNNPACK delegate refuses the input tensor
CUT_BYTES = 1000


def _error_line(capsys, *argv: str) -> str:
    assert main(list(argv)) == USER_MISTAKE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(ERROR)
    return err[0].removeprefix(ERROR)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _flipped(data: bytes) -> bytes:
    rng = np.random.default_rng(FLIP_SEED)
    damaged = np.frombuffer(data, dtype=np.uint8).copy()
    where = rng.choice(np.arange(8, len(data)), FLIPPED_BYTES, replace=False)  # past the 'TFL3' identifier
    damaged[where] ^= rng.integers(1, 256, FLIPPED_BYTES, dtype=np.uint8)
    return damaged.tobytes()


def test_a_cut_or_damaged_model_is_one_sentence(capsys, tmp_path: Path) -> None:
    model = yes_no_model_path().read_bytes()
    cut = _write(tmp_path / "cut.tflite", model[:CUT_BYTES])
    assert _error_line(capsys, "info", str(cut)) == (
        f"{cut}: the TensorFlow Lite model is damaged or truncated: its tables cannot be read "
        f"({CUT_BYTES:,} bytes); copy or export the whole file again")
    damaged = _write(tmp_path / "damaged.tflite", _flipped(model))
    said = _error_line(capsys, "info", str(damaged))
    assert said.startswith(f"{damaged}: the TensorFlow Lite model is damaged or truncated")


def test_a_cut_archive_is_a_damaged_zip(capsys, tmp_path: Path, reference_model_path: Path) -> None:
    archive = reference_model_path.with_name("tflite_micro_speech.mltk.zip").read_bytes()
    cut = _write(tmp_path / "cut.mltk.zip", archive[: len(archive) // 2])
    said = _error_line(capsys, "detect", "--model", str(cut), str(sample_audio_path()))
    assert said.startswith(f"{cut} is a damaged or truncated zip archive") and "TFL3" not in said


def test_litert_s_messages_are_said_apart(capsys, tmp_path: Path) -> None:
    schema, model = unpack_model(yes_no_model_path().read_bytes())
    model.subgraphs[0].tensors[model.subgraphs[0].inputs[0]].quantization.zeroPoint = np.array([BAD_ZERO_POINT])
    path = _write(tmp_path / "zero_point.tflite", pack_model(schema, model))
    said = _error_line(capsys, "detect", "--model", str(path), str(sample_audio_path()))
    assert said.startswith(f"LiteRT cannot load the model: unsupported zero-point value ({BAD_ZERO_POINT})")
    assert " in XNNPACK delegate; " in said and "delegateunsupported" not in said


def test_an_unknown_frontend_setting_names_the_one_meant(capsys, tmp_path: Path) -> None:
    path = _write(tmp_path / "typo.tflite", write_params(yes_no_model_path().read_bytes(), {"fe.pcan|enable": True}))
    said = _error_line(capsys, "detect", "--model", str(path), str(sample_audio_path()))
    assert "unknown frontend setting 'fe.pcan|enable' (did you mean 'fe.pcan_enable'?)" in said


@pytest.mark.parametrize("name", ["dir.toml", "specs"])
def test_a_folder_given_as_a_spec_is_said_to_be_one(capsys, tmp_path: Path, monkeypatch, name: str) -> None:
    (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path)
    assert _error_line(capsys, "specs", "--settings", name) == (
        f"{name} is a folder, not a spec file: give a .toml file or a shipped spec name")
