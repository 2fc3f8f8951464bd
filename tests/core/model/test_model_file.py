"""Loading models safely: real files, real archives, hostile archives."""

from __future__ import annotations

import struct
import zipfile

import numpy as np
import pytest

from workbench.core.errors import ModelError
from workbench.core.model.model_file import (DAMAGED_ZIP, MAX_ARCHIVE_BYTES, MAX_MODEL_BYTES, load_model,
                                             model_copy_path, model_from_bytes, model_with_params, save_model)
from workbench.core.model.model_params import write_params


def test_reference_model_and_archive_load(reference_model_path) -> None:
    model = load_model(reference_model_path)
    assert model.classes == ("yes", "no", "_unknown_", "_silence_") and model.file_size == 21616
    archive = load_model(reference_model_path.with_name("tflite_micro_speech.mltk.zip"))
    assert archive.params == model.params


def test_params_change_save_and_reload(reference_model_path, tmp_path) -> None:
    model = model_with_params(load_model(reference_model_path), {"detection_threshold": 222, "minimum_count": None})
    out = save_model(model, tmp_path / "tuned.tflite")
    back = load_model(out)
    assert back.params["detection_threshold"] == 222 and "minimum_count" not in back.params


def zip_with(tmp_path, members: dict[str, bytes], name: str = "m.mltk.zip"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


@pytest.mark.parametrize("make,match", [
    (lambda p, ref: p.joinpath("t.tflite").write_bytes(ref[:5000]) and p / "t.tflite",
     r"damaged or truncated: its tables cannot be read \(5,000 bytes\)"),
    (lambda p, ref: p.joinpath("r.tflite").write_bytes(np.random.default_rng(1).bytes(4000)) and p / "r.tflite",
     "not a TensorFlow Lite"),
    (lambda p, ref: p.joinpath("e.tflite").write_bytes(b"") is not None and p / "e.tflite", "empty"),
    (lambda p, ref: zip_with(p, {"../evil.tflite": ref}), "unsafe path"),
    (lambda p, ref: zip_with(p, {"/abs/evil.tflite": ref}), "unsafe path"),
    (lambda p, ref: zip_with(p, {"readme.txt": b"hi"}), "no .tflite"),
    (lambda p, ref: p / "missing.tflite", "not found"),
    (lambda p, ref: p, "not a model file"),
    (lambda p, ref: zip_with(p, {"m.tflite": ref[:3000]}), "corrupt|truncated"),
    (lambda p, ref: zip_with(p, {"m.tflite": b""}), "empty"),
    (lambda p, ref: p.joinpath("z.mltk.zip").write_bytes(b"PK\x03\x04 broken") and p / "z.mltk.zip",
     "not a valid zip|not a TensorFlow Lite"),
])
def test_bad_models_give_clear_errors(tmp_path, reference_model_path, make, match) -> None:
    path = make(tmp_path, reference_model_path.read_bytes())
    with pytest.raises(ModelError, match=match) as err:
        load_model(path)
    message = str(err.value)
    assert str(path) in message and "\n" not in message  # one sentence naming the file


def test_oversize_archive_member_is_refused(tmp_path) -> None:
    path = tmp_path / "big.mltk.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.tflite", b"\0" * (MAX_MODEL_BYTES + 1))
    with pytest.raises(ModelError, match="larger than"):
        load_model(path)


def test_oversize_archive_total_is_refused(tmp_path, reference_model_path) -> None:
    path = tmp_path / "bomb.mltk.zip"
    chunk = b"\0" * (MAX_MODEL_BYTES // 2)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("m.tflite", reference_model_path.read_bytes())
        for i in range(MAX_ARCHIVE_BYTES // len(chunk) + 1):
            z.writestr(f"pad{i}.bin", chunk)
    with pytest.raises(ModelError, match="unpacks to more than"):
        load_model(path)


def test_archive_prefers_the_plain_tflite_and_is_never_extracted(tmp_path, reference_model_path) -> None:
    ref = reference_model_path.read_bytes()
    other = write_params(ref, {"name": "float_variant"})
    path = zip_with(tmp_path, {"model/m.float32.tflite": other, "model/m.tflite": ref, "model/m.h5": b"x"})
    before = sorted(p.name for p in tmp_path.rglob("*"))
    model = load_model(path)
    assert model.tflite == ref and model.path == path and model.name == "tflite_micro_speech"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_classes_fall_back_to_the_output_size(reference_model_path) -> None:
    bare = write_params(reference_model_path.read_bytes(), {})
    model = model_from_bytes(bare, "bare")
    assert model.params == {} and model.name == "bare"
    assert model.classes == ("class_0", "class_1", "class_2", "class_3")


def test_a_model_copy_is_never_named_after_a_folder(tmp_path) -> None:
    """``folder`` + ``.tflite`` would be a file the user never named: refused as ``kws params -o`` refuses it."""
    folder = tmp_path / "models"
    folder.mkdir()
    with pytest.raises(ModelError, match=r"^Cannot write .*models: it is a folder\.$"):
        model_copy_path(folder)
    assert model_copy_path(tmp_path / "tuned") == tmp_path / "tuned.tflite"  # a new name still gets the suffix


# -- damaged files: said as what they are, naming the file --------------------------------------------------------
ZIP_LOCAL_HEADER_BYTES = 30  # before the member's name in a local file header
DIRECTORY_SIZES_OFFSET = 20  # compressed and uncompressed size in a central directory entry


def _damaged_deflate(path, ref: bytes):
    """An archive whose member's compressed data is overwritten (zlib cannot decode it)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("m.tflite", ref)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.infolist()[0]
    start = info.header_offset + ZIP_LOCAL_HEADER_BYTES + len(info.filename)
    data[start:start + 32] = b"\xff" * 32
    path.write_bytes(bytes(data))
    return path


def _member_longer_than_the_archive(path, ref: bytes):
    """An archive whose directory says its member is longer than the bytes there (the read runs out)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("m.tflite", ref)
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02")
    struct.pack_into("<II", data, entry + DIRECTORY_SIZES_OFFSET, len(ref) + 1000, len(ref) + 1000)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("make", [
    lambda p, archive, ref: p.joinpath("cut.mltk.zip").write_bytes(archive[:5000]) and p / "cut.mltk.zip",
    lambda p, archive, ref: p.joinpath("renamed.tflite").write_bytes(archive[:5000]) and p / "renamed.tflite",
    lambda p, archive, ref: p.joinpath("x.mltk.zip").write_bytes(b"not an archive at all") and p / "x.mltk.zip",
    lambda p, archive, ref: _damaged_deflate(p / "deflate.mltk.zip", ref),
    lambda p, archive, ref: _member_longer_than_the_archive(p / "short.mltk.zip", ref),
])
def test_a_damaged_archive_is_said_to_be_one(tmp_path, reference_model_path, make) -> None:
    """Not "not a TensorFlow Lite model", which would send the user after the wrong file, nor a traceback."""
    archive = reference_model_path.with_name("tflite_micro_speech.mltk.zip").read_bytes()
    path = make(tmp_path, archive, reference_model_path.read_bytes())
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert str(err.value) == f"{path} {DAMAGED_ZIP}" and err.value.reason == DAMAGED_ZIP
    assert "is a damaged or truncated zip archive" in str(err.value)

