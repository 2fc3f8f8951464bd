"""int8 LOGISTIC and TANH (a sigmoid output, an LSTM's gates) get ops, cycles and a time from TFLite Micro's int8
kernels, which do a fixed amount of work per element, so the model's totals are no longer bounds; MLTK counts no ops
for them. The float and int16 kernels are of another shape and stay unknown.

The models are real: small dense layers converted with TensorFlow, and an unrolled LSTM.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest

from tests.unrolled_lstm_models import unrolled_lstm_model
from workbench.profiler.export import to_csv, to_text_table
from workbench.profiler.report import LayerReport, ProfileReport, profile_model

tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")

INPUTS = 16
UNIT_COUNTS = (8, 16, 32)  # each twice the one before: the estimate's growth is checked across them
OPS_OF = {"sigmoid": "LOGISTIC", "tanh": "TANH"}
LSTM_FRAMES = 4
REPRESENTATIVE_SAMPLES = 8


def dense(activation: str, units: int) -> "tf.keras.Model":
    tf.keras.utils.set_random_seed(units)
    inputs = tf.keras.Input((INPUTS,), batch_size=1)
    return tf.keras.Model(inputs, tf.keras.layers.Dense(units, activation=activation)(inputs))


def only(report: ProfileReport, op: str) -> LayerReport:
    [layer] = [layer for layer in report.layers if layer.op == op]
    return layer


@pytest.fixture(scope="module")
def int8_profiles(build_int8: Callable[["tf.keras.Model"], bytes]) -> dict[tuple[str, int], ProfileReport]:
    return {(activation, units): profile_model(build_int8(dense(activation, units)), name=f"{activation}{units}")
            for activation in OPS_OF for units in UNIT_COUNTS}


@pytest.mark.parametrize("activation", list(OPS_OF))
def test_an_int8_sigmoid_or_tanh_is_estimated_and_grows_with_its_elements(int8_profiles, activation) -> None:
    op = OPS_OF[activation]
    layers = [only(int8_profiles[(activation, units)], op) for units in UNIT_COUNTS]
    for layer, units in zip(layers, UNIT_COUNTS):
        assert layer.known and layer.input_types == ["int8"] and layer.input_shapes == [[1, units]]
        assert layer.ops > 0 and layer.macs == 0 and layer.cpu_cycles > 0 and layer.time_ms > 0
        assert not layer.runs_on_accelerator and layer.accelerator_cycles == 0
        assert f"from {units:,} elements" in layer.cycles_basis and f"MLTK counts 0 ops for {op}" in layer.cycles_basis
    assert len({layer.ops // units for layer, units in zip(layers, UNIT_COUNTS)}) == 1  # the same ops per element
    assert all(layer.ops % units == 0 for layer, units in zip(layers, UNIT_COUNTS))
    for figure in ("ops", "cpu_cycles", "time_ms"):  # twice the elements, twice the added work
        small, middle, large = (getattr(layer, figure) for layer in layers)
        assert 0 < middle - small and large - middle == pytest.approx(2 * (middle - small), rel=1e-4)


@pytest.mark.parametrize("activation", list(OPS_OF))
def test_a_model_with_a_sigmoid_or_tanh_has_totals_not_bounds(int8_profiles, activation) -> None:
    report = int8_profiles[(activation, UNIT_COUNTS[0])]
    assert report.summary.unknown_layer_count == 0 and report.summary.untimed_layer_count == 0
    layer = only(report, OPS_OF[activation])
    assert report.summary.total_ops >= layer.ops and report.summary.total_cpu_cycles >= layer.cpu_cycles
    text = to_text_table(report)
    assert "Unknown Layer Count: 0\n" in text and "at least" not in text and "at most" not in text
    assert layer.cycles_basis in to_csv(report)


def test_the_one_output_of_a_sigmoid_wake_word_model_is_one_element(build_int8) -> None:
    """The usual sigmoid layer: a wake-word model's single output, whose basis names "1 element", not "1 elements"."""
    layer = only(profile_model(build_int8(dense("sigmoid", 1)), name="wake_word"), "LOGISTIC")
    assert layer.input_shapes == [[1, 1]]
    assert layer.cycles_basis.startswith("ops and cycles from 1 element, ")


def test_every_gate_of_an_unrolled_lstm_is_estimated() -> None:
    report = profile_model(unrolled_lstm_model(LSTM_FRAMES), name="lstm")
    gates = [layer for layer in report.layers if layer.op in ("LOGISTIC", "TANH")]
    # three sigmoid gates and two tanh a step (the converter may fold the first step's forget gate: a zero state)
    assert {layer.op for layer in gates} == {"LOGISTIC", "TANH"} and len(gates) >= 4 * LSTM_FRAMES
    assert all(layer.known and layer.cpu_cycles and layer.time_ms for layer in gates)


def float_model(activation: str) -> bytes:
    return bytes(tf.lite.TFLiteConverter.from_keras_model(dense(activation, UNIT_COUNTS[0])).convert())


def int16_model(activation: str) -> bytes:
    """16-bit activations, 8-bit weights: the int16 LOGISTIC/TANH kernels interpolate a table."""
    rng = np.random.default_rng(0)
    converter = tf.lite.TFLiteConverter.from_keras_model(dense(activation, UNIT_COUNTS[0]))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([rng.uniform(-1, 1, (1, INPUTS)).astype(np.float32)]
                                                for _ in range(REPRESENTATIVE_SAMPLES))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    return bytes(converter.convert())


@pytest.mark.parametrize("activation", list(OPS_OF))
@pytest.mark.parametrize(("build", "dtype"), [(float_model, "float32"), (int16_model, "int16")])
def test_float_and_int16_kernels_stay_unknown(activation, build, dtype) -> None:
    report = profile_model(build(activation))
    layer = only(report, OPS_OF[activation])
    assert layer.input_types == [dtype] and layer.runs_on_device
    assert not layer.known and layer.ops is None and layer.cpu_cycles is None and layer.time_ms is None
    assert layer.cycles_basis == "" and report.summary.unknown_layer_count == 1
