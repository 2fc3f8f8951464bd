"""Small int8 models built with TensorFlow for the profiler tests (TensorFlow is allowed in tests only)."""

from __future__ import annotations

from typing import Callable

import pytest

from tests.int8_conversion import convert_int8

tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")


@pytest.fixture(scope="session")
def build_int8() -> Callable[["tf.keras.Model"], bytes]:
    return convert_int8


@pytest.fixture(scope="session")
def tiny_all_ops_model() -> bytes:
    """8x8x2 input -> conv(3x3, 4, relu) + depthwise(3x3 same) -> add -> maxpool 2 -> avgpool 3 ->
    flatten -> dense(3) -> softmax."""
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(1)
    inp = layers.Input(shape=(8, 8, 2), batch_size=1)
    conv = layers.Conv2D(4, (3, 3), padding="valid", activation="relu")(inp)
    dw = layers.DepthwiseConv2D((3, 3), padding="same")(conv)
    added = layers.Add()([conv, dw])
    pooled = layers.MaxPooling2D(pool_size=2)(added)
    avg = layers.AveragePooling2D(pool_size=3, strides=1, padding="valid")(pooled)
    flat = layers.Flatten()(avg)
    dense = layers.Dense(3)(flat)
    out = layers.Softmax()(dense)
    return convert_int8(tf.keras.Model(inp, out))


@pytest.fixture(scope="session")
def leaky_relu_model() -> bytes:
    """dense(16->8) -> LEAKY_RELU (an op neither MLTK nor the profiler has a cost formula for) -> reshape to 4x2."""
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(2)
    inp = layers.Input(shape=(16,), batch_size=1)
    x = layers.Dense(8)(inp)
    x = layers.LeakyReLU(negative_slope=0.1)(x)
    out = layers.Reshape((4, 2))(x)
    return convert_int8(tf.keras.Model(inp, out))


@pytest.fixture(scope="session")
def ds_cnn() -> bytes:
    """DS-CNN in small: conv 10x4 stride 2 -> 2 x (depthwise 3x3 + pointwise 1x1) -> average pool -> dense(4)."""
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(3)
    inp = layers.Input(shape=(49, 10, 1), batch_size=1)
    x = layers.Conv2D(32, (10, 4), strides=(2, 2), padding="same", activation="relu")(inp)
    for _ in range(2):
        x = layers.DepthwiseConv2D((3, 3), padding="same", activation="relu")(x)
        x = layers.Conv2D(32, (1, 1), padding="same", activation="relu")(x)
    x = layers.AveragePooling2D(pool_size=(25, 5))(x)
    out = layers.Softmax()(layers.Dense(4)(layers.Flatten()(x)))
    return convert_int8(tf.keras.Model(inp, out))
