"""``kws export-c``'s header beyond the array: arena size, labels, detection and frontend parameters, tensors and the
TFLite Micro operators, read back from the header's text and from programs gcc and g++ build with it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.tflm_resolver_stub import stub_header
from workbench.bundled_models import bundled_model_file
from workbench.cli.main import main
from workbench.core.detection.settings import DEFAULTS
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_file import LoadedModel, load_model
from workbench.core.model.model_params import write_params
from workbench.profiler.report import profile_model

WARNINGS = ["-Wall", "-Wextra", "-Werror", "-pedantic"]
DEFINE = re.compile(r"^#define (\w+) (.+?)(?:  /\* (.*) \*/)?$", re.MULTILINE)
STRING_ITEM = re.compile(r'"((?:[^"\\]|\\.)*)"')
STREAM_OPS = {"CONCATENATION": "AddConcatenation", "CONV_2D": "AddConv2D", "FULLY_CONNECTED": "AddFullyConnected",
              "MEAN": "AddMean", "PAD": "AddPad", "RESHAPE": "AddReshape", "SOFTMAX": "AddSoftmax"}


def _compiler(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def _export(model: str | Path, header: Path, name: str = "g_model") -> str:
    assert main(["export-c", str(model), "-o", str(header), "--name", name]) == 0
    return header.read_text()


def _value(text: str) -> int | float | str:
    """A macro's value as C reads it: (-128) -> -128, 0.95f -> the float32 nearest 0.95, "int8" -> int8,
    kTfLiteInt8 as is."""
    text = text.removeprefix("(").removesuffix(")")
    if text.startswith('"'):
        return text[1:-1]
    if re.fullmatch(r"-?[0-9.e+-]+f", text):
        return float(np.float32(text[:-1]))
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _defines(header: str) -> dict[str, tuple[int | float | str, str]]:
    """Every macro of the header: its value and its comment ("" without one)."""
    return {match[1]: (_value(match[2]), match[3] or "") for match in DEFINE.finditer(header)}


def _array(header: str, name: str) -> list[str]:
    body = header.split(f" {name}[", 1)[1].split("= {", 1)[1].split("};", 1)[0]
    return [item.strip() for item in body.replace("\n", " ").split(",") if item.strip()]


def _single(value: float) -> float:
    return float(np.float32(value))


def _run(folder: Path, compiler: str, source: str, file_name: str, *flags: str) -> str:
    """Build ``source`` (warnings as errors) and run it; its standard output."""
    (folder / file_name).write_text(source)
    built = subprocess.run([compiler, *WARNINGS, *flags, file_name, "-o", "prog"], capture_output=True, text=True,
                           cwd=folder)
    assert built.returncode == 0, built.stderr
    return subprocess.run([str(folder / "prog")], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def stream() -> LoadedModel:
    path = bundled_model_file("kws_yes_no_stream")
    assert path is not None
    return load_model(path)


def test_the_header_holds_the_models_values(stream: LoadedModel, tmp_path: Path) -> None:
    header = _export(stream.path, tmp_path / "stream.h")
    defines, params = _defines(header), stream.params
    summary = profile_model(stream.tflite).summary  # kws profile's default accelerator: the MVP
    assert summary is not None and summary.accelerator == "mvp"
    assert defines["G_MODEL_TENSOR_ARENA_SIZE"][0] == summary.arena_bytes_mvp
    arena_note = header.split("/* Tensor arena:", 1)[1].split("*/", 1)[0]
    assert "estimate" in arena_note and "planner" in arena_note and "not TFLM's own figure" in arena_note
    assert "fixed interpreter and MVP runtime parts" in arena_note and "docs/profiler.md" in arena_note

    assert defines["G_MODEL_LABEL_COUNT"][0] == len(params["classes"]) == 7
    assert _array(header, "g_model_labels") == [f'"{label}"' for label in params["classes"]]

    for key in ("detection_threshold", "average_window_duration_ms", "suppression_ms", "minimum_count", "latency_ms"):
        assert defines[f"G_MODEL_{key.upper()}"] == (params[key], "model metadata")
    assert defines["G_MODEL_VOLUME_GAIN"] == (_single(params["volume_gain"]), "model metadata")
    assert defines["G_MODEL_DETECTION_THRESHOLD_LIST_COUNT"][0] == 7
    assert [int(t) for t in _array(header, "g_model_detection_threshold_list")] == params["detection_threshold_list"]

    frontend = {key: value for key, value in params.items() if key.startswith("fe.")}
    assert len(frontend) == 28
    for key, stored in frontend.items():
        value, note = defines[f"G_MODEL_FE_{key.removeprefix('fe.').upper()}"]
        expected = int(stored) if isinstance(stored, (bool, int)) else _single(stored)
        assert value == expected and note.endswith("model metadata"), key

    graph = stream.graph
    assert defines["G_MODEL_INPUT_COUNT"][0] == defines["G_MODEL_OUTPUT_COUNT"][0] == 1
    for role, index in (("INPUT", graph.inputs[0]), ("OUTPUT", graph.outputs[0])):
        tensor = graph.tensors[index]
        assert defines[f"G_MODEL_{role}_0_TYPE"][0] == "kTfLiteInt8"
        assert defines[f"G_MODEL_{role}_0_TYPE_NAME"][0] == tensor.dtype == "int8"
        assert defines[f"G_MODEL_{role}_0_RANK"][0] == len(tensor.shape)
        assert [defines[f"G_MODEL_{role}_0_DIM_{axis}"][0] for axis in range(len(tensor.shape))] == list(tensor.shape)
        assert defines[f"G_MODEL_{role}_0_ELEMENTS"][0] == tensor.elements
        assert defines[f"G_MODEL_{role}_0_BYTES"][0] == tensor.size_bytes
        assert defines[f"G_MODEL_{role}_0_SCALE"][0] == _single(tensor.scale[0])
        assert defines[f"G_MODEL_{role}_0_ZERO_POINT"][0] == tensor.zero_point[0]
    assert defines["G_MODEL_OUTPUT_0_ZERO_POINT"][0] == -128 and defines["G_MODEL_OUTPUT_0_DIM_1"][0] == 7

    assert defines["G_MODEL_OP_COUNT"][0] == len(STREAM_OPS)
    for op, method in STREAM_OPS.items():
        assert op in header.split("operators the model uses", 1)[1].split("Register", 1)[0]
        assert f" *     resolver.{method}();\n" in header and f"failed += resolver.{method}() != 0;" in header


def test_the_compiled_header_gives_the_models_values(stream: LoadedModel, tmp_path: Path) -> None:
    """What a C99 firmware reads through the macros and arrays is the model's (gcc -Wall -Wextra -Werror)."""
    _export(stream.path, tmp_path / "stream.h")
    source = """#include <stdio.h>
#include "stream.h"
#include "stream.h"
int main(void) {
  int i;
  for (i = 0; i < G_MODEL_LABEL_COUNT; ++i) printf("%s=%d\\n", g_model_labels[i], g_model_detection_threshold_list[i]);
  printf("%d %d %d %.9g %.9g\\n", G_MODEL_TENSOR_ARENA_SIZE, G_MODEL_FE_SAMPLE_RATE_HZ, G_MODEL_FE_PCAN_ENABLE,
         (double)G_MODEL_FE_PCAN_STRENGTH, (double)G_MODEL_OUTPUT_0_SCALE);
  printf("%d %d %s\\n", G_MODEL_OUTPUT_0_ZERO_POINT, G_MODEL_INPUT_0_DIM_1 * G_MODEL_INPUT_0_DIM_2,
         G_MODEL_INPUT_0_TYPE_NAME);
  return 0;
}
"""
    out = _run(tmp_path, _compiler("gcc"), source, "main.c", "-std=c99").splitlines()
    params = stream.params
    assert out[:7] == [f"{c}={t}" for c, t in zip(params["classes"], params["detection_threshold_list"])]
    arena = profile_model(stream.tflite).summary.arena_bytes_mvp  # type: ignore[union-attr]
    assert out[7].split() == [str(arena), "16000", "1", f"{_single(params['fe.pcan_strength']):.9g}", "0.00390625"]
    assert out[8] == "-128 1960 int8"


def _pasted_snippet(header: str) -> str:
    """The lines the header's comment offers to paste, as they would be pasted."""
    lines = header.split("; paste:\n", 1)[1].splitlines()
    pasted = []
    for line in lines:
        if not line.startswith(" *     "):
            break
        pasted.append(line.removeprefix(" *     "))
    return "\n".join(pasted)


RESOLVER_MAIN = """#include "tflm_stub.h"
#include "{header}"
static unsigned int pasted(void) {{
{snippet}
  return resolver.GetRegistrationLength();
}}
int main() {{
  tflite::MicroMutableOpResolver<G_MODEL_OP_COUNT> resolver;
  if ({name}_add_ops(resolver) != 0) return 1;
  if (resolver.GetRegistrationLength() != G_MODEL_OP_COUNT) return 2;
  if (pasted() != G_MODEL_OP_COUNT) return 3;
  tflite::MicroMutableOpResolver<G_MODEL_OP_COUNT - 1> small;
  return {name}_add_ops(small) == 1 ? 0 : 4;  /* one op too many for it */
}}
"""


@pytest.mark.parametrize("model, ops", [("kws_yes_no_stream", len(STREAM_OPS)), ("kws_yes_no", 4)])
def test_the_resolver_code_compiles_against_tflm_method_names(tmp_path: Path, model: str, ops: int) -> None:
    """g++ builds both the pasted lines and <name>_add_ops against a stub with MicroMutableOpResolver's Add*
    methods (a name it lacks would not compile), and they register every op in OP_COUNT slots."""
    gxx = _compiler("g++")
    header = _export(model, tmp_path / "model.h")
    assert _defines(header)["G_MODEL_OP_COUNT"][0] == ops
    (tmp_path / "tflm_stub.h").write_text(stub_header())
    source = RESOLVER_MAIN.format(header="model.h", snippet=_pasted_snippet(header), name="g_model")
    _run(tmp_path, gxx, source, "main.cpp", "-std=c++11")


def test_the_stub_refuses_a_method_name_tflm_lacks(tmp_path: Path) -> None:
    """The stub is as strict as the real class: AddConv2d (for AddConv2D) does not compile."""
    gxx = _compiler("g++")
    (tmp_path / "tflm_stub.h").write_text(stub_header())
    (tmp_path / "wrong.cpp").write_text('#include "tflm_stub.h"\nint main() {\n'
                                        "  tflite::MicroMutableOpResolver<1> resolver;\n"
                                        "  return resolver.AddConv2d();\n}\n")
    built = subprocess.run([gxx, "-c", "wrong.cpp"], capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode != 0 and "AddConv2d" in built.stderr


def test_two_models_live_in_one_firmware(tmp_path: Path) -> None:
    """Every name is the array's: two models' headers in one C and one C++ file redefine nothing (-Werror)."""
    _export("kws_yes_no", tmp_path / "yes_no.h", "yes_no")
    _export("kws_yes_no_stream", tmp_path / "stream.h", "stream")
    (tmp_path / "tflm_stub.h").write_text(stub_header())
    body = """#define KWS_YES_NO_IMPLEMENTATION
#define KWS_STREAM_IMPLEMENTATION
#include "yes_no.h"
#include "stream.h"
#include <stdio.h>
int main(void) {
  printf("%d %d %s %s %d %d\\n", YES_NO_LABEL_COUNT, STREAM_LABEL_COUNT, yes_no_labels[0], stream_labels[6],
         YES_NO_DETECTION_THRESHOLD, STREAM_DETECTION_THRESHOLD);
  return (yes_no[4] == 'T' && stream[4] == 'T') ? 0 : 1;
}
"""
    expected = "4 7 yes _left_ 155 170\n"
    assert _run(tmp_path, _compiler("gcc"), body, "both.c", "-std=c99") == expected
    cpp = '#include "tflm_stub.h"\n' + body.replace("int main(void) {", "int main() {\n"
                                                   "  tflite::MicroMutableOpResolver<YES_NO_OP_COUNT> a;\n"
                                                   "  tflite::MicroMutableOpResolver<STREAM_OP_COUNT> b;\n"
                                                   "  if (yes_no_add_ops(a) + stream_add_ops(b) != 0) return 2;")
    assert _run(tmp_path, _compiler("g++"), cpp, "both.cpp", "-std=c++17") == expected


def test_the_same_model_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    assert _export("kws_yes_no_stream", first / "model.h") == _export("kws_yes_no_stream", second / "model.h")


def test_labels_reach_the_firmware_as_written(tmp_path: Path, reference_model_path: Path) -> None:
    """Quotes, backslashes, trigraphs, accents and a comment's end are escaped: C prints the labels' own bytes."""
    classes = ['say "hi"', "back\\slash", "what??=", "été", "*/ end"]
    model = tmp_path / "odd.tflite"
    model.write_bytes(write_params(reference_model_path.read_bytes(), {"classes": classes}))
    _export(model, tmp_path / "odd.h")
    source = ('#include <stdio.h>\n#include "odd.h"\nint main(void) {\n  int i;\n'
              '  for (i = 0; i < G_MODEL_LABEL_COUNT; ++i) printf("%s\\n", g_model_labels[i]);\n  return 0;\n}\n')
    out = _run(tmp_path, _compiler("gcc"), source, "main.c", "-std=c99", "-Wtrigraphs")
    assert out.splitlines() == classes


def test_a_model_without_parameters_gets_the_defaults_it_runs_with_and_says_so(tmp_path: Path,
                                                                            reference_model_path: Path) -> None:
    model = tmp_path / "bare.tflite"
    model.write_bytes(write_params(reference_model_path.read_bytes(), {}))
    header = _export(model, tmp_path / "bare.h")
    defines = _defines(header)
    assert defines["G_MODEL_DETECTION_THRESHOLD"] == (DEFAULTS["detection_threshold"], "firmware default")
    assert defines["G_MODEL_SUPPRESSION_MS"] == (DEFAULTS["suppression_ms"], "firmware default")
    assert "G_MODEL_VOLUME_GAIN" not in defines and "g_model_detection_threshold_list" not in header
    assert _array(header, "g_model_labels") == ['"class_0"', '"class_1"', '"class_2"', '"class_3"']
    default = FrontendSettings()
    assert defines["G_MODEL_FE_SAMPLE_RATE_HZ"] == (default.sample_rate_hz, "workbench default")
    assert defines["G_MODEL_FE_WINDOW_STEP_MS"] == (default.window_step_ms, "workbench default")
    assert defines["G_MODEL_FE_FFT_LENGTH"] == (default.fft_length, "derived from the window")
    assert "G_MODEL_FE_PCAN_STRENGTH" not in defines  # only what the model stores, beyond the core settings
    _run(tmp_path, _compiler("gcc"), '#include "bare.h"\nint main(void) { return G_MODEL_LABEL_COUNT - 4; }\n',
         "main.c", "-std=c99")


def test_parameters_the_firmware_cannot_use_are_left_out_with_a_warning(tmp_path: Path, reference_model_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "bad.tflite"
    params = {**load_model(reference_model_path).params, "detection_threshold": 300, "fe.pcan_strenght": 0.9}
    model.write_bytes(write_params(reference_model_path.read_bytes(), params))
    header = _export(model, tmp_path / "bad.h")
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("kws: warning: ")]
    assert len(warnings) == 2 and "detection_threshold" in warnings[0] and "fe.pcan_strenght" in warnings[1]
    defines = _defines(header)
    assert "G_MODEL_DETECTION_THRESHOLD" not in defines and not any(m.startswith("G_MODEL_FE_") for m in defines)
    assert "Detection parameters: none written" in header and "Audio frontend (fe.*): none written" in header
    assert defines["G_MODEL_LABEL_COUNT"][0] == 4 and "G_MODEL_TENSOR_ARENA_SIZE" in defines
    _run(tmp_path, _compiler("gcc"), '#include "bad.h"\nint main(void) { return G_MODEL_LABEL_COUNT - 4; }\n',
         "main.c", "-std=c99")
