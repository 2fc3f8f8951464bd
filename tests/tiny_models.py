"""Tiny int8 models built with TensorFlow, as a user brings them from another tool: a Dense layer's logits, the
same with a Softmax, and a one-unit sigmoid (TensorFlow is allowed in tests only).

Why near-constant outputs: the weights are tiny and the biases chosen, so what each model says of any spectrogram
is known -- the logits model always prefers its first class, the sigmoid always says its class (score ~0.98) -- and
a test can state exactly what an evaluation must report. Each model is built once per test session.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

from workbench.core.model.model_params import write_params

FRAMES, CHANNELS = 49, 40
CLASSES = ("yes", "no", "_unknown_", "_silence_")
LOGIT_BIASES = (3.0, -2.0, 0.0, 1.0)  # the logits any spectrogram gets, near enough: "yes" wins
SIGMOID_BIAS = 4.0  # sigmoid(4) = 0.98: the one class, whatever is heard
TINY_WEIGHT = 1e-4
REPRESENTATIVE_SAMPLES = 8
INT8_RANGE = (-128, 127)


def _int8(model: Any, tf: Any, float_output: bool, uint8_io: bool = False) -> bytes:
    """Full-integer conversion (int8 input; int8 output unless ``float_output``), as MLTK and most exporters
    quantise; ``uint8_io``: uint8 input and output, as older exporters write them."""
    rng = np.random.default_rng(0)

    def representative():  # type: ignore[no-untyped-def]
        for _ in range(REPRESENTATIVE_SAMPLES):
            yield [rng.uniform(*INT8_RANGE, size=(1, FRAMES, CHANNELS, 1)).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.uint8 if uint8_io else tf.int8
    converter.inference_output_type = tf.uint8 if uint8_io else tf.float32 if float_output else tf.int8
    return bytes(converter.convert())


def _dense_model(biases: tuple[float, ...], activation: str | None, float_output: bool = False,
                 uint8_io: bool = False) -> bytes:
    tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")
    tf.keras.utils.set_random_seed(5)
    inputs = tf.keras.Input((FRAMES, CHANNELS, 1), batch_size=1)
    dense = tf.keras.layers.Dense(len(biases), activation=activation)
    outputs = dense(tf.keras.layers.Flatten()(inputs))
    kernel = np.random.default_rng(1).uniform(-TINY_WEIGHT, TINY_WEIGHT, (FRAMES * CHANNELS, len(biases)))
    dense.set_weights([kernel.astype(np.float32), np.asarray(biases, np.float32)])
    return _int8(tf.keras.Model(inputs, outputs), tf, float_output, uint8_io)


@cache
def logits_model(classes: tuple[str, ...] = CLASSES) -> bytes:
    """Flatten -> Dense, no Softmax: int8 logits, "yes" first; the class names stored."""
    return write_params(_dense_model(LOGIT_BIASES, None), {"classes": list(classes)})


@cache
def softmax_model(classes: tuple[str, ...] = CLASSES, float_output: bool = False) -> bytes:
    """The same layers ending in a Softmax: int8 probabilities (scale 1/256, zero point -128), or with
    ``float_output`` float32 ones (a DEQUANTIZE after the SOFTMAX)."""
    return write_params(_dense_model(LOGIT_BIASES, "softmax", float_output), {"classes": list(classes)})


@cache
def sigmoid_model(name: str = "yes") -> bytes:
    """A one-unit sigmoid, a wake-word model that always says ``name``."""
    return write_params(_dense_model((SIGMOID_BIAS,), "sigmoid"), {"classes": [name]})


@cache
def uint8_signed_input_model(classes: tuple[str, ...] = CLASSES) -> bytes:
    """The Softmax model with uint8 input and output, its input quantised for int8-like values (-128..127), not
    for the raw spectrogram (0..666) the workbench feeds a uint8 input: most of a word's values clip."""
    return write_params(_dense_model(LOGIT_BIASES, "softmax", uint8_io=True), {"classes": list(classes)})
