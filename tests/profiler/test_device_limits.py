"""What keeps a model off the board: hybrid layers TFLite Micro refuses, flash, and every output shown.

Models from other tools, built here with TensorFlow (tests only) and profiled through the real CLI.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Callable

import pytest

from workbench.cli.main import main
from workbench.profiler.device_limits import TFLM_HYBRID_REASON, XG24_FLASH_BYTES
from workbench.profiler.export import to_csv, to_text_table
from workbench.profiler.report import profile_model

tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test models")

HYBRID_INPUTS, HYBRID_UNITS = 64, 32  # 2048 weights: above the converter's 1024-element quantisation floor
FLOAT32_BYTES = 4
BIG_INPUTS, BIG_UNITS = 4000, 100  # 400k float32 weights: 1.6 MB, past the xG24's 1,572,864-byte flash


def _dense_model(inputs: int, units: int) -> "tf.keras.Model":
    tf.keras.utils.set_random_seed(3)
    inp = tf.keras.layers.Input(shape=(inputs,), batch_size=1)
    return tf.keras.Model(inp, tf.keras.layers.Dense(units)(inp))


def _convert(model: "tf.keras.Model", dynamic_range: bool) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if dynamic_range:  # int8 weights, float32 activations: what TFLM calls a hybrid model
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return converter.convert()


@pytest.fixture(scope="module")
def hybrid_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("models") / "hybrid.tflite"
    path.write_bytes(_convert(_dense_model(HYBRID_INPUTS, HYBRID_UNITS), dynamic_range=True))
    return path


def test_a_hybrid_layer_gets_no_device_time_and_the_summary_says_why(hybrid_model: Path, capsys) -> None:
    capsys.readouterr()  # the converter's own prints
    report = profile_model(hybrid_model.read_bytes())
    (fc,) = [layer for layer in report.layers if layer.op == "FULLY_CONNECTED"]
    assert fc.input_types[:2] == ["float32", "int8"]
    assert fc.runs_on_device is False and fc.supported is False and not fc.runs_on_accelerator
    assert fc.reason == f"{TFLM_HYBRID_REASON} (float32 input, int8 weights)"
    assert (fc.cpu_cycles, fc.accelerator_cycles, fc.time_ms) == (None, None, None)
    assert fc.macs == HYBRID_INPUTS * HYBRID_UNITS  # what it would compute is still counted
    assert report.summary.tflm_unsupported_layer_count == 1
    assert main(["profile", str(hybrid_model)]) == 0
    out = capsys.readouterr().out
    line = next(text for text in out.splitlines() if text.startswith("Runs on TFLite Micro: "))
    assert line == (f"Runs on TFLite Micro: no: {TFLM_HYBRID_REASON}: layer {fc.index} (FULLY_CONNECTED, int8 "
                    "weights) takes float32 input (dynamic-range quantisation); quantise the whole model to int8")
    # its ops are counted, its time is not: the time is a lower bound (its only layer: no rate), the op count is not
    assert "Time (s), estimated: at least 0" in out.splitlines() and "Inference/s, estimated: unknown" in out
    assert "Operation Count: at least" not in out and report.summary.untimed_layer_count == 1


def test_without_the_mvp_the_csv_still_says_why_the_device_refuses_a_layer(hybrid_model: Path, capsys) -> None:
    """The accelerator none empties the MVP's cells, not TFLite Micro's refusal (the text table keeps it too)."""
    capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(to_csv(profile_model(hybrid_model.read_bytes(), accelerator="none")))))
    (fc,) = [row for row in rows if row["op"] == "FULLY_CONNECTED"]
    assert fc["reason"].startswith(TFLM_HYBRID_REASON) and fc["supported"] == fc["runs_on_accelerator"] == ""


def test_a_plain_float_model_runs_on_tflm(tmp_path: Path) -> None:
    report = profile_model(_convert(_dense_model(HYBRID_INPUTS, HYBRID_UNITS), dynamic_range=False))
    assert all(layer.runs_on_device and layer.cpu_cycles is not None for layer in report.layers)
    assert report.summary.tflm_unsupported_layer_count == 0 and report.summary.tflm_problem == ""
    assert "Runs on TFLite Micro" not in to_text_table(report)


def test_every_output_is_shown(build_int8: Callable[["tf.keras.Model"], bytes], tmp_path: Path, capsys) -> None:
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(4)
    inp = layers.Input(shape=(16,), batch_size=1)
    hidden = layers.Dense(8, activation="relu")(inp)
    model = tf.keras.Model(inp, [layers.Dense(4, activation="softmax")(hidden),
                                 layers.Dense(1, activation="sigmoid")(hidden)])
    path = tmp_path / "two_outputs.tflite"
    path.write_bytes(build_int8(model))
    capsys.readouterr()  # the converter's own prints
    assert main(["profile", str(path), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert sorted(summary["output_shapes"]) == [[1, 1], [1, 4]] and summary["output_types"] == ["int8", "int8"]
    assert summary["output_shape"] == summary["output_shapes"][0]  # the old field keeps the first
    assert main(["profile", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    shown = ", ".join("x".join(map(str, shape)) for shape in summary["output_shapes"])
    assert f"Output Shape: {shown}" in out and "Output Data Type: int8, int8" in out


def test_a_model_larger_than_the_flash_says_it_will_not_fit(tmp_path: Path, reference_model_path: Path,
                                                            capsys) -> None:
    path = tmp_path / "big.tflite"
    path.write_bytes(_convert(_dense_model(BIG_INPUTS, BIG_UNITS), dynamic_range=False))
    size = path.stat().st_size
    capsys.readouterr()  # the converter's own prints
    assert size > XG24_FLASH_BYTES > BIG_INPUTS * BIG_UNITS * FLOAT32_BYTES * 0.9
    assert main(["profile", str(path), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["fits_in_flash"] is False and summary["flash_capacity_bytes"] == 1_572_864
    expected = (f"no: the model needs {(size + 4) / 1000:.1f} kB with its length, more than the EFR32xG24's "
                f"whole 1572.9 kB flash ({100 * (size + 4) / 1_572_864:.1f}%), before any firmware")
    assert summary["flash_problem"] == expected
    assert main(["profile", str(path)]) == 0
    assert f"Fits in Flash: {expected}" in capsys.readouterr().out.splitlines()
    assert main(["profile", str(reference_model_path), "--format", "json"]) == 0
    small = json.loads(capsys.readouterr().out)["summary"]
    assert small["fits_in_flash"] is True and small["flash_problem"] == ""
    assert main(["profile", str(reference_model_path)]) == 0
    assert "Fits in Flash" not in capsys.readouterr().out


def test_a_hybrid_layer_in_a_loops_body_is_named_too(capsys) -> None:
    """A Keras LSTM quantised for its weights only: its hybrid layers are in the body of the WHILE (subgraph 2), not
    in the main graph, and TFLite Micro refuses them there all the same; a float one runs."""
    from tests.loop_models import lstm_model

    problem = profile_model(lstm_model(dynamic_range=True)).summary.tflm_problem
    assert problem.startswith(f"no: {TFLM_HYBRID_REASON}: layers ")
    assert "of subgraph 2 (FULLY_CONNECTED, int8 weights)" in problem
    assert profile_model(lstm_model()).summary.tflm_problem == ""
