"""Keras model -> ``.tflite``: full-integer int8 (int8 in, int8 out) and the float32 twin.

MLTK's settings for tflite_micro_speech: ``optimizations=[DEFAULT]``, ``TFLITE_BUILTINS_INT8`` only,
int8 input and output, a representative dataset generated from validation data. Two details matter
on the board:

* the model is converted with a fixed batch of one, so Flatten becomes a single RESHAPE (as in
  MLTK's model) instead of a dynamic SHAPE/STRIDED_SLICE/PACK/RESHAPE chain;
* the firmware copies the frontend's int8 spectrogram into the input tensor as is, so the input
  quantisation must be scale 1, zero point 0. The representative data therefore always includes one
  spectrogram holding both -128 and 127 (the full int8 range the frontend can produce), and the
  result is checked.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Iterator

import numpy as np

from workbench.core.errors import ModelError
from workbench.training.model.keras_builder import keras
from workbench.training.tensorflow_noise import tensorflow_noise_filtered

INT8_MIN, INT8_MAX = -128, 127
EXPECTED_INPUT_QUANTIZATION = (1.0, 0)


def _batch_one(model: keras.Model) -> keras.Model:
    """The same layers (shared weights) behind a fixed-batch-1 input, in inference mode."""
    shape = tuple(int(d) for d in model.input_shape[1:])
    inputs = keras.Input(shape=shape, batch_size=1, name="features")
    x = inputs
    for layer in model.layers:
        x = layer(x, training=False)
    return keras.Model(inputs, x, name=model.name)


def _range_sample(shape: tuple[int, ...]) -> np.ndarray:
    sample = np.zeros((1, *shape), dtype=np.float32)
    flat = sample.reshape(-1)
    flat[0], flat[1] = INT8_MIN, INT8_MAX
    return sample


def to_tflite(model: keras.Model, representative: np.ndarray | None = None) -> bytes:
    """Convert; with ``representative`` int8 spectrograms (n, frames, channels) the result is int8."""
    import tensorflow as tf

    fixed = _batch_one(model)
    converter = tf.lite.TFLiteConverter.from_keras_model(fixed)
    if representative is not None:
        shape = tuple(int(d) for d in model.input_shape[1:])
        samples = representative.astype(np.float32).reshape((-1, *shape))

        def dataset() -> Iterator[list[np.ndarray]]:
            yield [_range_sample(shape)]
            for sample in samples:
                yield [sample[None]]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
        converter.representative_dataset = dataset
    try:
        # it prints "Saved artifact at ..." to stdout, its quantiser "fully_quantize: ..." to fd 2
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(), tensorflow_noise_filtered():
            warnings.simplefilter("ignore")  # "statistics for quantized inputs": we set them ourselves
            tflite = bytes(converter.convert())
    except Exception as exc:  # the converter raises ConverterError, RuntimeError, ValueError…
        raise ModelError(f"TensorFlow could not convert the model: {str(exc).splitlines()[0]}") from None
    if representative is not None:
        check_int8_input(tflite)
    return tflite


def check_int8_input(tflite: bytes) -> None:
    """Raise unless the model takes the frontend's int8 spectrogram as is (scale 1, zero point 0)."""
    from workbench.core.model.inference import ModelRunner

    runner = ModelRunner(tflite)
    scale, zero = runner.input_quantization
    if runner.input_dtype != np.int8 or (round(scale, 6), zero) != EXPECTED_INPUT_QUANTIZATION:
        raise ModelError(f"the converted model's input is {runner.input_dtype} scale {scale} zero point "
                         f"{zero}; the board feeds int8 spectrograms as is (scale 1, zero point 0)")
