"""Keras models from spec layer lists (imports TensorFlow: only used inside ``kws train``).

Each spec layer kind maps to one Keras layer with the options named the same way, so the built model
is what the spec file says and nothing else; MLTK's tflite_micro_speech builder, for instance, is
Conv2D -> BatchNormalization -> Activation('relu') -> Dropout -> Flatten -> Dense(softmax).
"""

from __future__ import annotations

import base64
import re
import unicodedata
from typing import Any

from workbench.training.spec.model_spec import ModelSpec
from workbench.training.spec.layers import CLASSES_UNITS, LayerSpec
from workbench.training.tensorflow_noise import drop_retracing_notes, quiet_tensorflow, tensorflow_noise_filtered

# TensorFlow's native log is not for users (workbench.training.tensorflow_noise); real failures still raise
# Python exceptions. Every TensorFlow import of the workbench comes through here.
quiet_tensorflow()
with tensorflow_noise_filtered():  # absl's start-up lines, which TF_CPP_MIN_LOG_LEVEL does not reach
    import keras

# names Keras takes as they are (its root scope rule, without "." which marks an encoded name below)
KERAS_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
KERAS_UNSAFE_CHARACTER = re.compile(r"[^A-Za-z0-9_-]")
ENCODED_NAME_SEPARATOR = "."  # never in a name kept as it is, always in an encoded one
FALLBACK_NAME_HEAD = "model"  # the readable part when no ASCII letter or digit is left (e.g. "模型")


def quiet_python_logs() -> None:
    """Silence TensorFlow's Python-side absl warnings (e.g. "HDF5 is legacy" when writing the .h5) and its
    retracing note (:func:`~workbench.training.tensorflow_noise.drop_retracing_notes`)."""
    drop_retracing_notes()
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:
        pass


def _layer(layer: LayerSpec, n_classes: int, name: str, seed: int) -> Any:
    o = dict(layer.options)
    kind = layer.kind
    if kind == "conv2d":
        return keras.layers.Conv2D(o["filters"], o["kernel"], strides=o["strides"], padding=o["padding"],
                                   use_bias=o["use_bias"], name=name)
    if kind == "depthwise_conv2d":
        return keras.layers.DepthwiseConv2D(o["kernel"], strides=o["strides"], padding=o["padding"],
                                            depth_multiplier=o["depth_multiplier"], use_bias=o["use_bias"],
                                            name=name)
    if kind == "batch_norm":
        return keras.layers.BatchNormalization(momentum=o["momentum"], epsilon=o["epsilon"], name=name)
    if kind == "relu":
        return keras.layers.Activation("relu", name=name)
    if kind == "dropout":
        return keras.layers.Dropout(o["rate"], seed=seed, name=name)
    if kind == "flatten":
        return keras.layers.Flatten(name=name)
    if kind in ("average_pool", "max_pool"):
        cls = keras.layers.AveragePooling2D if kind == "average_pool" else keras.layers.MaxPooling2D
        return cls(o["pool"], strides=o["strides"], padding=o["padding"], name=name)
    if kind == "global_average_pool":
        return keras.layers.GlobalAveragePooling2D(name=name)
    if kind == "dense":
        units = n_classes if o["units"] == CLASSES_UNITS else int(o["units"])
        activation = None if o["activation"] == "none" else o["activation"]
        return keras.layers.Dense(units, activation=activation, use_bias=o["use_bias"], name=name)
    raise ValueError(f"unknown layer kind {kind!r}")  # spec parsing rejects these first


def keras_model_name(name: str) -> str:
    """The name Keras gets for a model the user named ``name`` (any text: spaces, accents, punctuation).

    Why: Keras accepts only ``[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*`` as a model name and raises otherwise, yet a spec's
    name is the user's (its file name by default). Files and the model's metadata keep the user's name; Keras
    gets this one. A name Keras takes (no "."), such as ``tflite_micro_speech``, is kept; any other becomes a
    readable ASCII form, ".", and the name's UTF-8 bytes in base32 -- so two different names never meet
    (the base32 part alone gives the name back, and kept names have no ".").
    """
    if KERAS_SAFE_NAME.fullmatch(name):
        return name
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    head = KERAS_UNSAFE_CHARACTER.sub("_", folded).strip("_-") or FALLBACK_NAME_HEAD
    code = base64.b32encode(name.encode("utf-8")).decode("ascii").rstrip("=").lower()
    return f"{head}{ENCODED_NAME_SEPARATOR}{code}"


def build_model(spec: ModelSpec, seed: int | None = None) -> keras.Model:
    """The spec's Keras model (not compiled); weights are initialised from ``seed``.

    The model is named :func:`keras_model_name` of the spec's name: any spec name must build.
    """
    seed = spec.training.seed if seed is None else seed
    keras.utils.set_random_seed(seed)
    counts: dict[str, int] = {}
    layers = [keras.Input(shape=spec.input_shape, name="features")]
    for index, layer in enumerate(spec.layers):
        counts[layer.kind] = counts.get(layer.kind, 0) + 1
        layers.append(_layer(layer, len(spec.classes), f"{layer.kind}_{counts[layer.kind]}", seed + index))
    return keras.Sequential(layers, name=keras_model_name(spec.name))


def compile_model(model: keras.Model, spec: ModelSpec, learning_rate: float | None = None) -> None:
    """Adam + categorical cross-entropy + accuracy, as MLTK compiles tflite_micro_speech."""
    rate = spec.training.learning_rate if learning_rate is None else learning_rate
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                  loss=keras.losses.CategoricalCrossentropy(label_smoothing=spec.training.label_smoothing),
                  metrics=["accuracy"])


def configure_tensorflow(seed: int, threads: int) -> None:
    """Repeatable results (seeded, deterministic ops) on ``threads`` CPU threads."""
    import tensorflow as tf

    quiet_python_logs()
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    if threads > 0:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # already initialised in this process (tests train twice)
            pass
