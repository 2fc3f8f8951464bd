"""UNPACK (an unrolled LSTM's split of its input into frames) counts 0 ops and 0 MACs, as MLTK reports it, and costs
the cycles of the other data-movement ops: every byte it writes copied once at RESHAPE's rate. So an unrolled LSTM's
totals are totals, not "at least" bounds left by its UNPACK.

The models are real: an unrolled Keras LSTM and a small unstack converted with TensorFlow as int8, int16 and float32.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.unrolled_lstm_models import CHANNELS, unrolled_lstm_model
from workbench.profiler.cycles import (COPY_CYCLES_PER_BYTE, CPU_LAYER_BASE_CYCLES, DEFAULT_CLOCK_HZ,
                                       LAYER_TIMING_OVERHEAD_CYCLES)
from workbench.profiler.export import to_text_table
from workbench.profiler.report import LayerReport, profile_model

tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")

LSTM_FRAMES = 3
FRAMES, FEATURES = 5, 6  # the small model's [1, 5, 6] input, unstacked into 5 frames of [1, 6]
REPRESENTATIVE_SAMPLES = 8


def only_unpack(tflite: bytes) -> LayerReport:
    [layer] = [layer for layer in profile_model(tflite, name="unpack").layers if layer.op == "UNPACK"]
    return layer


def unstack_model() -> "tf.keras.Model":
    """[1, 5, 6] -> unstack along the frames -> dense(4) of each frame: one UNPACK of five outputs."""
    tf.keras.utils.set_random_seed(5)
    inputs = tf.keras.Input((FRAMES, FEATURES), batch_size=1)
    frames = tf.keras.layers.Lambda(lambda t: tf.unstack(t, axis=1))(inputs)
    dense = tf.keras.layers.Dense(4)
    return tf.keras.Model(inputs, [dense(frame) for frame in frames])


def converted(dtype: str) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(unstack_model())
    if dtype != "float32":
        rng = np.random.default_rng(0)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([rng.uniform(-1, 1, (1, FRAMES, FEATURES)).astype(np.float32)]
                                                    for _ in range(REPRESENTATIVE_SAMPLES))
        converter.target_spec.supported_ops = [
            tf.lite.OpsSet.TFLITE_BUILTINS_INT8 if dtype == "int8"
            else tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        converter.inference_input_type = getattr(tf, dtype)
        converter.inference_output_type = getattr(tf, dtype)
    return bytes(converter.convert())


@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_an_unpack_costs_a_copy_of_its_bytes_and_no_ops(dtype: str) -> None:
    layer = only_unpack(converted(dtype))
    assert layer.input_shapes == [[1, FRAMES, FEATURES]] and layer.input_types == [dtype]
    assert layer.output_shapes == [[1, FEATURES]] * FRAMES and layer.output_types == [dtype] * FRAMES
    assert layer.known and layer.runs_on_device and not layer.runs_on_accelerator
    assert (layer.ops, layer.macs, layer.accelerator_cycles) == (0, 0, 0)  # MLTK's count: no case, its default 0
    copied = FRAMES * FEATURES * np.dtype(dtype).itemsize  # each frame's bytes written once
    cycles = CPU_LAYER_BASE_CYCLES + COPY_CYCLES_PER_BYTE * copied
    assert layer.cpu_cycles == round(cycles)
    time_cycles = round(cycles + LAYER_TIMING_OVERHEAD_CYCLES)  # a CPU layer's time: its cycles and the overhead
    assert layer.time_ms == pytest.approx(time_cycles / DEFAULT_CLOCK_HZ * 1e3, rel=1e-5)  # 6 significant digits
    assert layer.cycles_basis == f"cycles from {copied:,} bytes copied: MLTK counts 0 ops for UNPACK"


def test_an_unrolled_lstm_has_totals_not_bounds() -> None:
    report = profile_model(unrolled_lstm_model(LSTM_FRAMES), name="lstm")
    [unpack] = [layer for layer in report.layers if layer.op == "UNPACK"]
    assert unpack.input_shapes == [[LSTM_FRAMES, 1, CHANNELS]] and unpack.cpu_cycles and unpack.time_ms
    assert report.summary.unknown_layer_count == 0 and report.summary.untimed_layer_count == 0
    assert report.summary.total_cpu_cycles == sum(layer.cpu_cycles for layer in report.layers)
    assert report.summary.total_time_ms == pytest.approx(sum(layer.time_ms for layer in report.layers), rel=1e-5)
    text = to_text_table(report)
    assert "Unknown Layer Count: 0\n" in text and "at least" not in text and "at most" not in text
