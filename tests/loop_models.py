"""A Keras LSTM as TensorFlow converts it today: a WHILE layer whose condition and body are subgraphs of their own
(TensorFlow is allowed in tests only).

Why: the converter fuses a Keras 3 LSTM into no UNIDIRECTIONAL_SEQUENCE_LSTM; it keeps the loop, so the layers that
do the work (FULLY_CONNECTED, LOGISTIC, TANH, MUL, ...) are in subgraph 2, the body, and the main graph holds only
RESHAPE, WHILE, STRIDED_SLICE and the classifier. Each model is built once per test session.
"""

from __future__ import annotations

from functools import cache

import pytest

FRAMES, CHANNELS, UNITS, CLASSES = 8, 40, 16, 4  # the LSTM's kernel has 40 x 64 weights: above the converter's
# 1024-element floor for quantising weights alone


@cache
def lstm_model(dynamic_range: bool = False) -> bytes:
    """[1, 8, 40] float input -> LSTM(16) -> dense(4) -> softmax; ``dynamic_range``: int8 weights, float32
    activations (``Optimize.DEFAULT`` without a representative dataset), which TFLite Micro refuses."""
    tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")
    tf.keras.utils.set_random_seed(6)
    inputs = tf.keras.Input((FRAMES, CHANNELS), batch_size=1)
    outputs = tf.keras.layers.Dense(CLASSES, activation="softmax")(tf.keras.layers.LSTM(UNITS)(inputs))
    converter = tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(inputs, outputs))
    if dynamic_range:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return bytes(converter.convert())
