"""Keras models from specs convert to int8 models the board takes, costing what the spec says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import ModelError
from workbench.core.model.inference import ModelRunner
from workbench.core.model.tflite_graph import parse_model
from workbench.profiler import profile_model
from workbench.training.spec import load_spec

pytest.importorskip("tensorflow")

from workbench.training.model.conversion import to_tflite  # noqa: E402
from workbench.training.model.keras_builder import build_model  # noqa: E402
from workbench.training.model.weights_import import calibrate_identity_batch_norm, initialise_from  # noqa: E402


def _spectrograms(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(-128, 128, (n, 49, 40), dtype=np.int8)


@pytest.mark.parametrize("name", ["tflite_micro_speech", "ds_cnn_small"])
def test_spec_macs_equal_the_profilers_count_of_the_int8_model(name: str) -> None:
    spec = load_spec(name)
    tflite = to_tflite(build_model(spec), _spectrograms(16))
    report = profile_model(tflite)
    assert report.summary is not None
    assert report.summary.total_macs == spec.macs
    runner = ModelRunner(tflite)
    assert runner.input_dtype == np.int8 and runner.output_dtype == np.int8
    assert runner.input_quantization == (1.0, 0)  # the board copies the int8 spectrogram as is
    assert runner.input_shape == (1, 49, 40, 1) and runner.num_classes == len(spec.classes)


def test_seed_spec_converts_to_the_reference_models_layers(reference_model_path: Path) -> None:
    ours = parse_model(to_tflite(build_model(load_spec("tflite_micro_speech")), _spectrograms(16)))
    reference = parse_model(reference_model_path.read_bytes())
    assert [op.op for op in ours.operators] == [op.op for op in reference.operators] == [
        "CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]  # one static RESHAPE, as MLTK's
    assert [ours.tensor(i).shape for i in ours.inputs] == [reference.tensor(i).shape for i in reference.inputs]


@pytest.mark.parametrize("source", ["tflite_micro_speech.tflite", "tflite_micro_speech.mltk.zip"])
def test_initialising_from_the_reference_reproduces_its_decisions(source: str, shared_dir: Path) -> None:
    from workbench.core.audio.audio_file import load_audio
    from workbench.core.frontend import MicroFrontend
    from workbench.datasets.clip_length import fit_length

    spec = load_spec("tflite_micro_speech")
    frontend = MicroFrontend(spec.frontend)
    clips = []
    for word in ("yes", "no", "left", "_silence_"):
        clips += sorted((shared_dir / "datasets" / "speech_commands" / word).glob("*.wav"))[:12]
    features = np.stack([frontend.process_clip(fit_length(load_audio(p).samples, 16000), dtype=np.int8)
                         for p in clips])
    reference = ModelRunner((shared_dir / "reference-models" / "tflite_micro_speech.tflite").read_bytes())
    model = build_model(spec)
    imported = initialise_from(model, shared_dir / "reference-models" / source)
    assert bool(imported.pending_batch_norm) == source.endswith(".tflite")  # BN is folded into a .tflite's conv
    assert all(mask.all() for mask in imported.masks.values())  # same spec: everything imported
    calibrate_identity_batch_norm(model, imported.pending_batch_norm, features[..., None].astype(np.float32))
    ours = ModelRunner(to_tflite(model, features))
    agree = np.mean([ours.scores_u8(f).argmax() == reference.scores_u8(f).argmax() for f in features])
    assert agree >= 0.95


def test_a_model_of_another_spec_is_refused(shared_dir: Path) -> None:
    model = build_model(load_spec("ds_cnn_small"))
    with pytest.raises(ModelError, match="same spec"):
        initialise_from(model, shared_dir / "reference-models" / "tflite_micro_speech.mltk.zip")
    with pytest.raises(ModelError, match="not found"):
        initialise_from(model, shared_dir / "no-such-model.h5")


def test_equalizing_channel_ranges_keeps_the_function_and_repairs_the_int8_model(
        reference_model_path: Path, shared_dir: Path) -> None:
    from workbench.core.audio.audio_file import load_audio
    from workbench.core.frontend import MicroFrontend
    from workbench.datasets.clip_length import fit_length
    from workbench.training.model.range_equalization import equalize_activation_ranges

    spec = load_spec("tflite_micro_speech")
    frontend = MicroFrontend(spec.frontend)
    clips = []
    for word in ("yes", "no", "go", "_silence_"):
        clips += sorted((shared_dir / "datasets" / "speech_commands" / word).glob("*.wav"))[:25]
    features = np.stack([frontend.process_clip(fit_length(load_audio(p).samples, 16000), dtype=np.int8) for p in clips])
    model = build_model(spec)
    imported = initialise_from(model, reference_model_path)
    calibrate_identity_batch_norm(model, imported.pending_batch_norm, features[..., None].astype(np.float32))
    # blow one channel up 60x and shrink the dense rows that read it: the same function, a bad int8 range
    bn, dense = model.layers[1], model.layers[-1]
    gamma, beta, mean, var = bn.get_weights()
    gamma[0] *= 60.0
    beta[0] *= 60.0
    bn.set_weights([gamma, beta, mean, var])
    kernel, bias = dense.get_weights()
    kernel.reshape(500, 8, 4)[:, 0, :] /= 60.0
    dense.set_weights([kernel, bias])
    x = features[..., None].astype(np.float32)
    float_before = model.predict(x, verbose=0)

    def int8_error() -> float:
        runner = ModelRunner(to_tflite(model, features))
        return float(np.abs(np.stack([runner.probabilities(f) for f in features]) - model.predict(x, verbose=0)).mean())

    skewed = int8_error()
    factors = equalize_activation_ranges(model, features)
    assert factors is not None and factors[0] < 0.1 < factors[1:].min()
    np.testing.assert_allclose(model.predict(x, verbose=0), float_before, atol=1e-5)  # function unchanged
    assert int8_error() < skewed / 2
