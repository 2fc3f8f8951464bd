"""The parts of ``kws export-c``'s header after the declarations: TFLite Micro's method names, C literals, and names
that two models' headers never share."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from ai_edge_litert import schema_py_generated as schema

from tests.tflm_resolver_stub import TFLM_ADD_METHODS, stub_header
from workbench.bundled_models import bundled_model_file
from workbench.core.model.c_integration import ArenaEstimate, c_float, c_int, c_string, firmware_section
from workbench.core.model.c_op_resolver import (TFLM_BUILTIN_ADD_METHODS, TFLM_CUSTOM_ADD_METHODS, add_method,
                                                resolver_lines)
from workbench.core.model.model_file import load_model

MACRO = re.compile(r"^#define (\w+) ", re.MULTILINE)


def test_every_method_named_is_one_micro_mutable_op_resolver_has() -> None:
    """Each Add* the header writes is in the real header's list, and each of those is reachable from some op."""
    named = [*TFLM_BUILTIN_ADD_METHODS.values(), *TFLM_CUSTOM_ADD_METHODS.values()]
    assert len(named) == len(set(named))
    assert set(named) == set(TFLM_ADD_METHODS)


def test_every_builtin_op_named_is_a_tflite_builtin_operator() -> None:
    """A key the schema does not have (CONV2D for CONV_2D) would never match a model's op."""
    builtin = {name for name in vars(schema.BuiltinOperator) if not name.startswith("_")}
    assert set(TFLM_BUILTIN_ADD_METHODS) <= builtin


@pytest.mark.parametrize("op, method", [
    ("CONV_2D", "AddConv2D"), ("FULLY_CONNECTED", "AddFullyConnected"), ("DEPTHWISE_CONV_2D", "AddDepthwiseConv2D"),
    ("SOFTMAX", "AddSoftmax"), ("RESHAPE", "AddReshape"), ("MEAN", "AddMean"), ("CONCATENATION", "AddConcatenation"),
    ("PAD", "AddPad"), ("PADV2", "AddPadV2"), ("AVERAGE_POOL_2D", "AddAveragePool2D"), ("MAX_POOL_2D", "AddMaxPool2D"),
    ("UNIDIRECTIONAL_SEQUENCE_LSTM", "AddUnidirectionalSequenceLSTM"), ("BATCH_MATMUL", "AddBatchMatMul"),
    ("CUSTOM:TFLite_Detection_PostProcess", "AddDetectionPostprocess"), ("LSTM", None), ("CUSTOM:FlexCumprod", None),
])
def test_ops_map_to_tflm_method_names(op: str, method: str | None) -> None:
    assert add_method(op) == method


def test_ops_without_a_kernel_take_a_slot_and_are_named_and_the_code_still_builds(tmp_path: Path) -> None:
    """A custom op needs the firmware's own kernel (AddCustom) and a slot; with nothing TFLM registers itself, the
    template must not trip -Wextra's unused parameter."""
    lines = resolver_lines("g_model", "G_MODEL", ["CUSTOM:BesselI0e", "LSTM"])
    text = "\n".join(lines)
    assert "#define G_MODEL_OP_COUNT 2" in lines
    assert 'resolver.AddCustom("BesselI0e", &registration);' in text and "LSTM: TFLite Micro has no kernel" in text
    assert "failed +=" not in text
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.skip("g++ is not installed")
    (tmp_path / "tflm_stub.h").write_text(stub_header())
    main_body = ("int main() {\n  tflite::MicroMutableOpResolver<G_MODEL_OP_COUNT> resolver;\n"
                 "  return g_model_add_ops(resolver) + (int)resolver.GetRegistrationLength();\n}\n")
    (tmp_path / "main.cpp").write_text(f'#include "tflm_stub.h"\n{text}\n{main_body}')
    subprocess.run([gxx, "-std=c++11", "-Wall", "-Wextra", "-Werror", "main.cpp", "-o", "m"], check=True, cwd=tmp_path)
    assert subprocess.run([str(tmp_path / "m")]).returncode == 0


@pytest.mark.parametrize("value, literal", [
    (0.949999988079071, "0.95f"), (80.0, "80.0f"), (0.00390625, "0.00390625f"), (-0.5, "(-0.5f)"),
    (1e-05, "1e-05f"), (1e300, "1e+300"),  # beyond float32: a double rather than an overflowing float
])
def test_floats_are_written_at_float32_precision(value: float, literal: str) -> None:
    assert c_float(value) == literal


def test_negative_integers_are_parenthesised() -> None:
    assert (c_int(-128), c_int(0), c_int(7)) == ("(-128)", "0", "7")


def test_strings_escape_what_c_would_read_otherwise() -> None:
    assert c_string('a"b\\c??=') == '"a\\"b\\\\c\\?\\?="'
    assert c_string("été\n") == '"\\303\\251t\\303\\251\\012"'  # octal: 3 digits, never swallowing the next char


@pytest.fixture(scope="module")
def stream_lines() -> list[str]:
    path = bundled_model_file("kws_yes_no_stream")
    assert path is not None
    return firmware_section("g_model", load_model(path), ArenaEstimate("mvp", mvp_bytes=2048, cpu_bytes=1024)).lines


def test_no_macro_ends_as_another_does(stream_lines: list[str]) -> None:
    """G_MODEL_X_Y and model g_model_x's G_MODEL_X_Y would clash only if Y were one of the suffixes too."""
    suffixes = [name.removeprefix("G_MODEL_") for name in MACRO.findall("\n".join(stream_lines))]
    assert len(suffixes) == len(set(suffixes)) > 50
    clashes = [(a, b) for a in suffixes for b in suffixes if a != b and a.endswith("_" + b)]
    assert clashes == []


def test_the_arena_is_the_one_for_the_accelerator_asked(stream_lines: list[str]) -> None:
    path = bundled_model_file("kws_yes_no_stream")
    assert path is not None
    cpu = firmware_section("g_model", load_model(path), ArenaEstimate("none", mvp_bytes=2048, cpu_bytes=1024)).lines
    assert "#define G_MODEL_TENSOR_ARENA_SIZE 2048" in stream_lines
    assert "#define G_MODEL_TENSOR_ARENA_SIZE 1024" in cpu
    assert "on the CPU only" in "\n".join(cpu).split("#define")[0]



def test_the_ops_of_a_loops_body_are_registered_too(tmp_path: Path) -> None:
    """A Keras LSTM's work is in the body of its WHILE: TFLite Micro prepares every subgraph, so a resolver without
    the body's LOGISTIC or TANH fails at AllocateTensors ("Didn't find op for builtin opcode")."""
    from tests.loop_models import lstm_model
    from workbench.cli.main import main

    tflite = lstm_model()
    model = schema.ModelT.InitFromPackedBuf(tflite, 0)
    names = {value: key for key, value in vars(schema.BuiltinOperator).items() if not key.startswith("_")}
    used = {names[model.operatorCodes[op.opcodeIndex].builtinCode] for sub in model.subgraphs for op in sub.operators}
    assert len(model.subgraphs) > 1 and {"WHILE", "LOGISTIC", "TANH"} <= used
    (tmp_path / "lstm.tflite").write_bytes(tflite)
    assert main(["export-c", str(tmp_path / "lstm.tflite"), "-o", str(tmp_path / "lstm.h")]) == 0
    header = (tmp_path / "lstm.h").read_text()
    assert f"#define LSTM_OP_COUNT {len(used)}\n" in header
    assert all(f"failed += resolver.{add_method(op)}() != 0;" in header for op in used)
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.skip("g++ is not installed")
    (tmp_path / "tflm_stub.h").write_text(stub_header())
    (tmp_path / "main.cpp").write_text('#include "tflm_stub.h"\n#include "lstm.h"\nint main() {\n'
                                       "  tflite::MicroMutableOpResolver<LSTM_OP_COUNT> resolver;\n"
                                       "  return lstm_add_ops(resolver) + (int)resolver.GetRegistrationLength()"
                                       f" - {len(used)};\n}}\n")
    subprocess.run([gxx, "-std=c++11", "-Wall", "-Wextra", "-Werror", "main.cpp", "-o", "m"], check=True, cwd=tmp_path)
    assert subprocess.run([str(tmp_path / "m")]).returncode == 0
