"""ModelRunner on the real reference model and on float models built here with TensorFlow, and on models the
workbench did not make: no layers, Flex or custom ops, a uint8 input quantised for another range."""

from __future__ import annotations

import math

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

from workbench.core.errors import ModelError
from workbench.core.model.inference import ModelRunner, runtime_message
from workbench.core.model.model_params import pack_model, read_params, unpack_model, write_params

FRAMES, CHANNELS = 49, 40
CLASSES = 4
NO_OPERATORS = "The model has no operators (nothing to run)."


@pytest.fixture(scope="module")
def reference(reference_model_path) -> bytes:
    return reference_model_path.read_bytes()


@pytest.mark.parametrize("clip,label", [("mltk_yes", "yes"), ("tts_yes", "yes"), ("mltk_no", "no"),
                                        ("tts_no", "no"), ("synth_silence", "_silence_")])
def test_reference_model_classifies_golden_clips(reference, golden_dir, clip, label) -> None:
    classes = read_params(reference)["classes"]
    runner = ModelRunner(reference)
    features = np.load(golden_dir / f"{clip}.npz")["features_int8"]
    scores = runner.scores_u8(features)
    assert scores.dtype == np.uint8 and scores.shape == (len(classes),)
    assert classes[int(np.argmax(scores))] == label
    raw = runner.run(features)
    assert raw.dtype == np.int8
    np.testing.assert_array_equal(scores.astype(int), raw.astype(int) + 128)
    probs = runner.probabilities(features)
    assert abs(probs.sum() - 1) < 0.05 and np.argmax(probs) == np.argmax(scores)


def test_reference_model_shape_and_dtypes(reference) -> None:
    runner = ModelRunner(reference)
    assert runner.input_shape == (1, FRAMES, CHANNELS, 1) and runner.feature_shape == (FRAMES, CHANNELS)
    assert runner.input_dtype == np.int8 and runner.features_dtype == np.int8 and runner.num_classes == 4
    scale, zero = runner.output_quantization
    assert 0 < scale < 1 and -128 <= zero <= 127


def test_bad_spectrograms_are_refused(reference, golden_dir) -> None:
    runner = ModelRunner(reference)
    features = np.load(golden_dir / "mltk_yes.npz")["features_int8"]
    for bad, match in ((features[:10], "49x40"), (features.T.copy(), "49x40"),
                       (features.astype(np.uint16), "int8"), (features.astype(str), "numeric|49x40")):
        with pytest.raises(ModelError, match=match):
            runner.run(bad)
    # the full input shape is accepted too and gives the same answer
    np.testing.assert_array_equal(runner.run(features.reshape(1, FRAMES, CHANNELS, 1)), runner.run(features))


def test_not_a_model_is_a_model_error() -> None:
    with pytest.raises(ModelError):
        ModelRunner(b"\0" * 64)


@pytest.fixture(scope="module")
def float_model() -> bytes:
    """A small float32 model (spectrogram in, softmax over 4 classes out), converted by TensorFlow."""
    tf = pytest.importorskip("tensorflow")
    tf.keras.utils.set_random_seed(7)
    model = tf.keras.Sequential([
        tf.keras.Input((FRAMES, CHANNELS, 1)),
        tf.keras.layers.Conv2D(4, (5, 5), strides=(3, 3), activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(4, activation="softmax"),
    ])
    return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def _litert(tflite: bytes, x: np.ndarray) -> np.ndarray:
    interp = Interpreter(model_content=tflite)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x.reshape(1, FRAMES, CHANNELS, 1))
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"]).reshape(-1)


def _raw_spectrogram(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 700, (FRAMES, CHANNELS)).astype(np.uint16)


def test_float_model_runs_on_raw_features(float_model) -> None:
    runner = ModelRunner(float_model)
    assert runner.input_dtype == np.float32 and runner.features_dtype == np.uint16
    features = _raw_spectrogram(1)
    probs = runner.run(features)
    assert probs.dtype == np.float32 and abs(float(probs.sum()) - 1) < 1e-4
    np.testing.assert_allclose(probs, _litert(float_model, features.astype(np.float32)), rtol=1e-6)
    # the firmware's conversion: (uint8_t)(p * 255), truncating
    expected = np.floor(probs.astype(np.float32) * np.float32(255)).astype(np.uint8)
    np.testing.assert_array_equal(runner.scores_u8(features), expected)


def test_float_model_applies_samplewise_norm(float_model) -> None:
    features = _raw_spectrogram(2)
    rescaled = write_params(float_model, {"samplewise_norm.rescale": 1 / 512, "samplewise_norm.mean_and_std": False})
    expected = _litert(float_model, features.astype(np.float32) * np.float32(1 / 512))
    np.testing.assert_allclose(ModelRunner(rescaled).run(features), expected, rtol=1e-5)

    standardised = write_params(float_model, {"samplewise_norm.rescale": 0.0, "samplewise_norm.mean_and_std": True})
    x = features.astype(np.float64)
    expected = _litert(float_model, ((x - x.mean()) / x.std()).astype(np.float32))
    got = ModelRunner(standardised).run(features)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
    assert not np.allclose(got, ModelRunner(float_model).run(features), atol=1e-4)


# -- LiteRT's own words ---------------------------------------------------------------------------------------------
# what LiteRT 2.x raised for a model whose input zero point a damaged byte made 45312: its messages run together
RUN_TOGETHER = ("unsupported zero-point value (45312) for INT8 tensor 0 in XNNPACK delegateunsupported datatype (INT8) "
                "of tensor 0 in XNNPACK delegatefailed to create XNNPACK Value for tensor 0Node number 4 "
                "(TfLiteXNNPackDelegate) failed to prepare.")
APART = ("unsupported zero-point value (45312) for INT8 tensor 0 in XNNPACK delegate; unsupported datatype (INT8) of "
         "tensor 0 in XNNPACK delegate; failed to create XNNPACK Value for tensor 0; Node number 4 "
         "(TfLiteXNNPackDelegate) failed to prepare")
BAD_ZERO_POINT = 45312  # outside int8: XNNPACK refuses the tensor


@pytest.mark.parametrize("text,said", [
    (RUN_TOGETHER, APART),
    ("Node number 3 (CONV_2D) failed to invoke.\nNode number 3 (CONV_2D) failed to invoke.\n",
     "Node number 3 (CONV_2D) failed to invoke"),  # lines of their own, each said once
    ("tensor 'x' has 2 dimensions.Node number 1 (RESHAPE) failed to prepare.",
     "tensor 'x' has 2 dimensions; Node number 1 (RESHAPE) failed to prepare"),
    ("Didn't find op for builtin opcode 'CONV_2D' version '7'. An older version of this builtin might be supported.",
     "Didn't find op for builtin opcode 'CONV_2D' version '7'. An older version of this builtin might be supported"),
    ("", "RuntimeError"),
])
def test_litert_messages_are_said_apart(text: str, said: str) -> None:
    assert runtime_message(RuntimeError(text)) == said


def test_a_model_litert_refuses_says_why_in_one_line(reference) -> None:
    schema, model = unpack_model(reference)
    tensor = model.subgraphs[0].tensors[model.subgraphs[0].inputs[0]]
    tensor.quantization.zeroPoint = np.array([BAD_ZERO_POINT], dtype=np.int64)
    with pytest.raises(ModelError) as err:
        ModelRunner(pack_model(schema, model))
    message = str(err.value)
    assert message.startswith(f"LiteRT cannot load the model: unsupported zero-point value ({BAD_ZERO_POINT})")
    assert "\n" not in message and "delegateunsupported" not in message and "; " in message


# -- models the workbench did not make ------------------------------------------------------------------------------
def test_a_model_without_operators_is_refused_at_load(reference) -> None:
    schema, model = unpack_model(reference)
    model.subgraphs[0].operators = []  # LiteRT loads it, and has no output to give
    with pytest.raises(ModelError) as err:
        ModelRunner(pack_model(schema, model))
    assert str(err.value) == NO_OPERATORS


def test_an_output_litert_cannot_give_is_a_model_error(float_model, monkeypatch) -> None:
    runner = ModelRunner(float_model)

    def null_tensor(index: int) -> np.ndarray:
        raise ValueError("Tensor data is null. Run allocate_tensors() first")

    monkeypatch.setattr(runner._interp, "get_tensor", null_tensor)  # what LiteRT raised for a model with no layers
    with pytest.raises(ModelError, match="^LiteRT failed to run the model: Tensor data is null"):
        runner.run(_raw_spectrogram(3))


def _summary_model(tf, tail, **converter_options) -> bytes:  # type: ignore[no-untyped-def]
    """A float32 spectrogram model whose four scores pass through ``tail`` (one TensorFlow op) before the softmax."""
    @tf.function(input_signature=[tf.TensorSpec([1, FRAMES, CHANNELS, 1], tf.float32)])
    def scores(x):  # type: ignore[no-untyped-def]
        mean = tf.reduce_mean(x, axis=[1, 2])
        return tf.nn.softmax(tail(tf.concat([mean * (k + 1) for k in range(CLASSES)], axis=1)))

    converter = tf.lite.TFLiteConverter.from_concrete_functions([scores.get_concrete_function()])
    for name, value in converter_options.items():
        setattr(converter, name, value)
    return bytes(converter.convert())


def test_a_model_with_flex_ops_is_refused_naming_them() -> None:
    tf = pytest.importorskip("tensorflow")
    ops = tf.lite.OpsSet
    flex = _summary_model(tf, lambda y: tf.math.cumprod(y, axis=1),
                          target_spec=tf.lite.TargetSpec(supported_ops={ops.TFLITE_BUILTINS, ops.SELECT_TF_OPS}))
    with pytest.raises(ModelError) as err:
        ModelRunner(flex)
    assert str(err.value) == ("LiteRT cannot load the model: the model uses the TensorFlow (Flex) op Cumprod, which "
                              "neither LiteRT here nor TFLite Micro on the board can run: convert it without "
                              "SELECT_TF_OPS, with built-in TensorFlow Lite ops only")


def test_a_model_with_custom_ops_is_refused_naming_them() -> None:
    tf = pytest.importorskip("tensorflow")
    custom = _summary_model(tf, tf.math.bessel_i0e, allow_custom_ops=True)
    with pytest.raises(ModelError) as err:
        ModelRunner(custom)
    assert str(err.value) == ("LiteRT cannot load the model: the model uses the custom op BesselI0e, which neither "
                              "LiteRT here nor TFLite Micro on the board can run: convert it without allow_custom_ops, "
                              "with built-in TensorFlow Lite ops only")


SIGNED_RANGE = (-128, 127)  # what a converter is often calibrated on: int8-like values, not the raw spectrogram


def test_a_uint8_input_for_another_range_warns_which_values_it_clips(golden_dir) -> None:
    tf = pytest.importorskip("tensorflow")
    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input((FRAMES, CHANNELS, 1), batch_size=1),
                                 tf.keras.layers.Conv2D(4, (5, 5), strides=(3, 3), activation="relu"),
                                 tf.keras.layers.Flatten(), tf.keras.layers.Dense(CLASSES, activation="softmax")])
    rng = np.random.default_rng(4)

    def representative():  # type: ignore[no-untyped-def]
        for _ in range(8):
            yield [rng.uniform(*SIGNED_RANGE, (1, FRAMES, CHANNELS, 1)).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = converter.inference_output_type = tf.uint8
    runner = ModelRunner(converter.convert())
    scale, zero = runner.input_quantization
    high = (255 - zero) * scale
    assert runner.input_dtype == np.uint8 and high < 200  # the model holds about -128..127
    warning = runner.input_range_problem
    assert warning.startswith(f"the model's uint8 input (scale {scale:.4g}, zero point {zero}) holds ")
    assert f"so values above {high:.4g} become 255: convert the model with int8 input and output" in warning
    assert "the frontend's raw spectrogram (0..666)" in warning  # the convention the workbench assumes
    # what it says is so: the raw spectrogram's values above that are fed as 255, as if they were no higher
    features = np.load(golden_dir / "tts_yes.npz")["features_uint16"]
    assert (features > high).mean() > 0.2
    np.testing.assert_array_equal(runner.run(features), runner.run(np.minimum(features, math.ceil(high))))
