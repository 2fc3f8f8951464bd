"""Equal activation ranges across the channels before the dense layer, for a better int8 model.

Why: TFLite quantises each activation tensor with ONE scale. When some channels of a tensor reach
much larger values than others (a widened layer's new filters, say), the others are left with a
handful of int8 steps and the int8 model drifts from the float one. Because ReLU is positively
homogeneous, ``dense(relu(s * x)) / s == dense(relu(x))`` per channel: scaling channel ``c`` of the
batch norm's output by ``s_c`` and the dense rows that read it by ``1 / s_c`` leaves the float model's
function unchanged while giving every channel the same range (the idea of cross-layer equalisation,
Nagel et al., "Data-Free Quantization", 2019, applied to the activation ranges that matter here).

Pattern handled: BatchNormalization -> ReLU -> [Dropout] -> Flatten | GlobalAveragePooling2D -> Dense,
the tail of tflite_micro_speech and of the DS-CNN specs. Other models are left as they are.
"""

from __future__ import annotations

import numpy as np

from workbench.training.model.keras_builder import keras

PASS_THROUGH = (keras.layers.Dropout,)
MIN_RANGE = 1e-6


def _tail(model: keras.Model) -> tuple[int, int, bool] | None:
    """(batch-norm index, dense index, flattened?) of the last BN -> ReLU -> … -> Dense chain."""
    layers = model.layers
    for bn in range(len(layers) - 3, -1, -1):
        if not isinstance(layers[bn], keras.layers.BatchNormalization):
            continue
        relu = layers[bn + 1]
        if not (isinstance(relu, keras.layers.Activation) and relu.get_config().get("activation") == "relu"):
            return None
        index = bn + 2
        while index < len(layers) and isinstance(layers[index], PASS_THROUGH):
            index += 1
        if index + 1 >= len(layers) or not isinstance(layers[index + 1], keras.layers.Dense):
            return None
        if isinstance(layers[index], keras.layers.Flatten):
            return bn, index + 1, True
        if isinstance(layers[index], keras.layers.GlobalAveragePooling2D):
            return bn, index + 1, False
        return None
    return None


def equalize_activation_ranges(model: keras.Model, features: np.ndarray) -> np.ndarray | None:
    """Rescale the channels feeding the dense layer to one range (in place); the factors, or None.

    ``features``: representative int8 spectrograms (n, frames, channels) whose ranges count.
    """
    tail = _tail(model)
    if tail is None or not len(features):
        return None
    bn_index, dense_index, flattened = tail
    x = features[..., None].astype(np.float32)
    for layer in model.layers[:bn_index + 2]:  # up to and including the ReLU
        x = np.asarray(layer(x, training=False))
    ranges = x.reshape(-1, x.shape[-1]).max(axis=0)
    target = float(np.median(ranges[ranges > MIN_RANGE])) if np.any(ranges > MIN_RANGE) else 0.0
    if target <= 0.0:
        return None
    factors = np.where(ranges > MIN_RANGE, target / np.maximum(ranges, MIN_RANGE), 1.0).astype(np.float32)
    bn = model.layers[bn_index]
    gamma, beta, mean, var = bn.get_weights()
    bn.set_weights([gamma * factors, beta * factors, mean, var])
    dense = model.layers[dense_index]
    kernel, *rest = dense.get_weights()
    channels = factors.size
    rows = np.tile(1.0 / factors, kernel.shape[0] // channels) if flattened else 1.0 / factors
    dense.set_weights([kernel * rows[:, None].astype(np.float32), *rest])
    return factors
