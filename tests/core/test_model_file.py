"""Loading models safely: real files, real archives, hostile archives."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from workbench.core.errors import ModelError
from workbench.core.inference import ModelRunner
from workbench.core.model_file import MAX_MODEL_BYTES, load_model, model_with_params, save_model


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
    (lambda p, ref: p.joinpath("t.tflite").write_bytes(ref[:5000]) and p / "t.tflite", "corrupt|truncated"),
    (lambda p, ref: p.joinpath("r.tflite").write_bytes(np.random.default_rng(1).bytes(4000)) and p / "r.tflite",
     "not a TensorFlow Lite"),
    (lambda p, ref: p.joinpath("e.tflite").write_bytes(b"") is not None and p / "e.tflite", "empty"),
    (lambda p, ref: zip_with(p, {"../evil.tflite": ref}), "unsafe path"),
    (lambda p, ref: zip_with(p, {"/abs/evil.tflite": ref}), "unsafe path"),
    (lambda p, ref: zip_with(p, {"readme.txt": b"hi"}), "no .tflite"),
    (lambda p, ref: p / "missing.tflite", "not found"),
])
def test_bad_models_give_clear_errors(tmp_path, reference_model_path, make, match) -> None:
    path = make(tmp_path, reference_model_path.read_bytes())
    with pytest.raises(ModelError, match=match):
        load_model(path)


def test_oversize_archive_member_is_refused(tmp_path) -> None:
    path = tmp_path / "big.mltk.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.tflite", b"\0" * (MAX_MODEL_BYTES + 1))
    with pytest.raises(ModelError, match="larger than"):
        load_model(path)


@pytest.mark.parametrize("clip,label", [("mltk_yes", "yes"), ("tts_yes", "yes"), ("mltk_no", "no"),
                                        ("tts_no", "no"), ("synth_silence", "_silence_")])
def test_reference_model_classifies_golden_clips(reference_model_path, golden_dir, clip, label) -> None:
    model = load_model(reference_model_path)
    runner = ModelRunner(model.tflite)
    features = np.load(golden_dir / f"{clip}.npz")["features_int8"]
    scores = runner.scores_u8(features)
    assert model.classes[int(np.argmax(scores))] == label
    probs = runner.probabilities(features)
    assert abs(probs.sum() - 1) < 0.05 and np.argmax(probs) == np.argmax(scores)
    with pytest.raises(ModelError, match="spectrogram"):
        runner.run(features[:10])
