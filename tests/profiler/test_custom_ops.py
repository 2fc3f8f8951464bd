"""Flex and other custom ops: TFLite Micro refuses them, the profile says so first, and its totals say what they
leave out (models from other tools, built here with TensorFlow, profiled through the real CLI)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.foreign_op_models import CUSTOM_CODE, FLEX_CODE, FOREIGN_LAYER, custom_model, flex_model
from workbench.cli.main import main
from workbench.core.model.tflite_graph import OperatorInfo, parse_model
from workbench.profiler.device_limits import TFLM_CUSTOM_REASON, TFLM_FLEX_REASON, tflm_refusal
from workbench.profiler.export import to_csv, to_markdown, to_text_table
from workbench.profiler.report import profile_model

RUNS_ON_TFLM = "Runs on TFLite Micro: "
CUSTOM_BUILTIN_CODE = 32  # BuiltinOperator.CUSTOM in the TFLite schema


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("foreign")
    paths = {"flex": folder / "flex.tflite", "custom": folder / "custom.tflite"}
    paths["flex"].write_bytes(flex_model())
    paths["custom"].write_bytes(custom_model())
    return paths


def _table_row(out: str, op: str) -> list[str]:
    line = next(text for text in out.splitlines() if f"| {op.lower()} " in text.lower())
    return [cell.strip() for cell in line.strip("|").split("|")]


@pytest.mark.parametrize(("kind", "code", "reason", "summary"), [
    ("flex", FLEX_CODE, TFLM_FLEX_REASON,
     f"no: {TFLM_FLEX_REASON}: layer {FOREIGN_LAYER} ({FLEX_CODE}) is a TensorFlow op the converter kept "
     "(SELECT_TF_OPS); convert the model with TFLite builtin ops only"),
    ("custom", CUSTOM_CODE, TFLM_CUSTOM_REASON,
     f"no: the board firmware registers no kernel for custom ops: layer {FOREIGN_LAYER} ({CUSTOM_CODE}) is a "
     "custom op; replace it with builtin ops, or build firmware that registers a kernel for it"),
])
def test_a_custom_op_is_refused_by_tflite_micro_and_said_first(models, capsys, kind, code, reason,
                                                               summary) -> None:
    report = profile_model(models[kind].read_bytes())
    layer = report.layers[FOREIGN_LAYER]
    assert layer.op == f"CUSTOM:{code}"
    assert layer.runs_on_device is False and layer.supported is False and not layer.runs_on_accelerator
    assert layer.reason.startswith(reason) and code in layer.reason
    assert report.summary.tflm_problem == summary and report.summary.tflm_unsupported_layer_count == 1
    capsys.readouterr()  # the converter's own prints
    assert main(["profile", str(models[kind])]) == 0
    out = capsys.readouterr().out
    assert f"{RUNS_ON_TFLM}{summary}" in out.splitlines()
    headers = _table_row(out, "OpCode")
    row = dict(zip(headers, _table_row(out, layer.op)))
    assert row["Supported?"] == "no" and row["Error Msg"] == layer.reason and row["Time (s)"] == "unknown"


def test_totals_that_leave_out_a_layer_say_so(models, tiny_all_ops_model) -> None:
    text = to_text_table(profile_model(models["flex"].read_bytes())).splitlines()
    assert "Unknown Layer Count: 1 (no cost estimate: left out of every total)" in text
    for label in ("Operation Count", "Multiply-Accumulate Count", "CPU Cycle Count, estimated",
                  "Time (s), estimated"):
        assert next(line for line in text if line.startswith(f"{label}: ")).startswith(f"{label}: at least ")
    assert next(line for line in text if line.startswith("Inference/s")).startswith("Inference/s, estimated: at most ")
    complete = to_text_table(profile_model(tiny_all_ops_model))
    assert "Unknown Layer Count: 0\n" in complete and "at least" not in complete and "at most" not in complete


def test_a_scalar_shape_reads_scalar_in_every_rendering(models) -> None:
    """CUMPROD's axis is a scalar: 'scalar' as `kws info` writes it, not a blank or a stray comma."""
    report = profile_model(models["flex"].read_bytes())
    layer = report.layers[FOREIGN_LAYER]
    assert layer.input_shapes == [[1, 4], []] and layer.input_shape_text == "1x4,scalar"
    table = to_text_table(report)
    assert dict(zip(_table_row(table, "OpCode"), _table_row(table, layer.op)))["Input Shape"] == "1x4,scalar"
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert rows[FOREIGN_LAYER]["input_shapes"] == "1x4,scalar"
    assert "| 1x4,scalar | 1x4 |" in to_markdown(report)


def test_the_custom_op_tflite_micro_registers_is_not_refused(models) -> None:
    """AllOpsResolver registers one custom kernel (TFLite_Detection_PostProcess); any other code is refused."""
    graph = parse_model(models["custom"].read_bytes())
    custom = graph.operators[FOREIGN_LAYER]
    postprocess = OperatorInfo(index=custom.index, op="CUSTOM:TFLite_Detection_PostProcess", inputs=custom.inputs,
                               outputs=custom.outputs, options={}, builtin_code=CUSTOM_BUILTIN_CODE,
                               custom_code="TFLite_Detection_PostProcess")
    assert custom.builtin_code == CUSTOM_BUILTIN_CODE
    assert tflm_refusal(graph, postprocess) is None
    assert tflm_refusal(graph, custom) == f"{TFLM_CUSTOM_REASON} ({CUSTOM_CODE})"
