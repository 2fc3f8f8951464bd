"""Full-integer TFLite conversion of a Keras model for tests (TensorFlow is allowed in tests only).

Why one module: the profiler's small models and the unrolled LSTM are quantised the same way, the way MLTK
quantises models (int8 input and output, a representative set of uniform values in [-1, 1]).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

REPRESENTATIVE_SAMPLES = 8


def convert_int8(model: Any) -> bytes:
    """``model`` converted to a fully int8 .tflite (int8 input/output)."""
    tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")
    shape = [1, *model.input_shape[1:]]
    rng = np.random.default_rng(0)

    def representative():  # type: ignore[no-untyped-def]
        for _ in range(REPRESENTATIVE_SAMPLES):
            yield [rng.uniform(-1, 1, size=shape).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return bytes(converter.convert())
