"""An int8 Keras LSTM unrolled over its frames, as a user exports one for TFLite Micro (TensorFlow is allowed in tests
only).

Why: unrolled, the LSTM's loop is written out step by step in the main graph -- per frame a FULLY_CONNECTED, a
SPLIT into the gates, three LOGISTIC and two TANH, MULs and ADDs -- so a short sequence gives a model of hundreds
of layers, each gate an int8 LOGISTIC or TANH, and some on the MVP (FULLY_CONNECTED, MUL): what the profiler's
sigmoid/tanh estimates and its cycles chart must cope with. Each model is built once per test session.
"""

from __future__ import annotations

from functools import cache

import pytest

from tests.int8_conversion import convert_int8

CHANNELS, UNITS, CLASSES = 40, 16, 4


@cache
def unrolled_lstm_model(frames: int) -> bytes:
    """[1, frames, 40] int8 input -> LSTM(16, unrolled) -> dense(4) -> softmax, fully int8."""
    tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")
    tf.keras.utils.set_random_seed(7)
    inputs = tf.keras.Input((frames, CHANNELS), batch_size=1)
    hidden = tf.keras.layers.LSTM(UNITS, unroll=True)(inputs)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(CLASSES, activation="softmax")(hidden))
    return convert_int8(model)
