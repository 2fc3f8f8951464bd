"""`kws params` writes ``features_dtype``, the key the workbench reads to feed a float model the int8 spectrogram,
with its values checked, and still refuses a key nothing reads (a real float model built with TensorFlow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.cli.main import main
from workbench.core.model.inference import FEATURES_DTYPE_KEY, ModelRunner
from workbench.core.model.model_file import load_model

tf = pytest.importorskip("tensorflow", reason="tensorflow builds the float model")

SPECTROGRAM = (49, 40, 1)  # the default frontend's frames x channels: the model runs without fe.* settings
CLASSES = 4


@pytest.fixture(scope="module")
def float_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tf.keras.utils.set_random_seed(5)
    inp = tf.keras.layers.Input(shape=SPECTROGRAM, batch_size=1)
    out = tf.keras.layers.Dense(CLASSES, activation="softmax")(tf.keras.layers.Flatten()(inp))
    path = tmp_path_factory.mktemp("float") / "float.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(inp, out)).convert())
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    capsys.readouterr()  # the converter's own prints
    code = main(["params", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_features_dtype_is_written_without_allow_new_keys_and_read_by_the_runner(capsys, tmp_path,
                                                                                float_model) -> None:
    out = tmp_path / "fed.tflite"
    code, stdout, _ = run(capsys, str(float_model), f"{FEATURES_DTYPE_KEY}=int8", "-o", str(out))
    assert code == 0 and stdout == f"wrote {out}: {FEATURES_DTYPE_KEY}=int8\n"
    assert load_model(out).params[FEATURES_DTYPE_KEY] == "int8"
    assert ModelRunner(float_model.read_bytes()).features_dtype == np.uint16
    assert ModelRunner(out.read_bytes()).features_dtype == np.int8
    back = tmp_path / "raw.tflite"
    assert run(capsys, str(out), f"{FEATURES_DTYPE_KEY}=UINT16", "-o", str(back))[0] == 0
    assert load_model(back).params[FEATURES_DTYPE_KEY] == "uint16"
    assert ModelRunner(back.read_bytes()).features_dtype == np.uint16


def test_a_value_the_workbench_does_not_read_is_refused(capsys, tmp_path, float_model) -> None:
    out = tmp_path / "bad.tflite"
    code, stdout, err = run(capsys, str(float_model), f"{FEATURES_DTYPE_KEY}=float32", "-o", str(out))
    assert code == 2 and not stdout and not out.exists()
    assert err == (f"kws: error: {FEATURES_DTYPE_KEY} takes int8 (a float32 model fed the int8 spectrogram) or "
                   "uint16 (the raw spectrogram, as without the key), got 'float32'\n")


def test_a_misspelled_features_dtype_is_still_refused(capsys, tmp_path, float_model) -> None:
    out = tmp_path / "typo.tflite"
    code, _, err = run(capsys, str(float_model), "features_dtyp=int8", "-o", str(out))
    assert code == 2 and not out.exists()
    assert "reads a parameter features_dtyp (did you mean features_dtype?); nothing written" in err
