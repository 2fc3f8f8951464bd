"""Small models with ops the board has no kernel for, as other tools write them (TensorFlow, tests only).

Each is three layers on a [1, 4] float input, MUL -> the op -> SOFTMAX, and converts in well under a second:
a Flex op (``tf.math.cumprod`` kept as ``FlexCumprod`` by ``SELECT_TF_OPS``, whose axis is a scalar input) and
a custom op (``tf.math.bessel_i0e`` kept as the custom op ``BesselI0e`` by ``allow_custom_ops``).
"""

from __future__ import annotations

from typing import Callable

import pytest

tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")

FLEX_CODE, CUSTOM_CODE = "FlexCumprod", "BesselI0e"
FOREIGN_LAYER = 1  # the index of the foreign op in both models
WIDTH = 4


def _converter(body: Callable[["tf.Tensor"], "tf.Tensor"]) -> "tf.lite.TFLiteConverter":
    @tf.function(input_signature=[tf.TensorSpec([1, WIDTH], tf.float32)])
    def model(x: "tf.Tensor") -> "tf.Tensor":
        return tf.nn.softmax(body(x * 2.0))

    return tf.lite.TFLiteConverter.from_concrete_functions([model.get_concrete_function()])


def flex_model() -> bytes:
    """MUL -> FlexCumprod (input 1x4 and the scalar axis) -> SOFTMAX."""
    converter = _converter(lambda x: tf.math.cumprod(x, axis=1))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    return converter.convert()


def custom_model() -> bytes:
    """MUL -> the custom op BesselI0e -> SOFTMAX."""
    converter = _converter(tf.math.bessel_i0e)
    converter.allow_custom_ops = True
    return converter.convert()
