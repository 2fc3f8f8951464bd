"""Any spec name builds a Keras model: Keras gets a cleaned name, distinct for distinct spec names."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.training.spec import load_spec

pytest.importorskip("tensorflow")

from workbench.training.model.conversion import to_tflite  # noqa: E402
from workbench.training.model.keras_builder import build_model, compile_model, keras_model_name  # noqa: E402
from workbench.training.run.keras_files import keras_archive, legacy_h5  # noqa: E402

# names users give (file names with spaces and accents, punctuation, scripts without ASCII) and their
# near neighbours, which a plain "replace what Keras refuses by _" would merge
NAMES = ("my spec", "my_spec", "my-spec", "my spec é", "my spec e", "modèle", "modele", "été", "ete", "模型",
         "模形", "a/b", "a.b", "a_b", "-x", "_x", "x", "v1.2", "v1_2", " ", "", "tflite_micro_speech")
SAMPLES = 4


def test_names_keras_accepts_are_kept() -> None:
    for name in ("tflite_micro_speech", "quick_kws", "kws-yes-no", "9lives"):
        assert keras_model_name(name) == name


def test_distinct_names_stay_distinct() -> None:
    cleaned = [keras_model_name(name) for name in NAMES]
    assert len(set(cleaned)) == len(NAMES)
    assert keras_model_name("my spec é").startswith("my_spec_e.")  # still readable


@pytest.mark.parametrize("name", ["my spec", "modèle été", "a/b: ü", "模型", "", "-x.y"])
def test_a_spec_of_any_name_builds_trains_saves_and_converts(name: str) -> None:
    spec = load_spec("tflite_micro_speech").replace(name=name)
    model = build_model(spec)
    compile_model(model, spec)
    x = np.random.default_rng(0).integers(-128, 128, (SAMPLES, *spec.input_shape)).astype(np.float32)
    y = np.eye(len(spec.classes), dtype=np.float32)[np.arange(SAMPLES) % len(spec.classes)]
    model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y))
    assert keras_archive(model) and legacy_h5(model)
    assert to_tflite(model, x[..., 0])
