"""What a firmware needs besides the model's array, as the C lines of ``kws export-c``'s header.

Why: integrating a model takes more than its bytes -- the tensor arena to reserve, the class labels in output
order, the detection parameters and the audio frontend the model was trained with, the TFLite Micro operators to
register, the input and output tensors' shapes, types and quantisation. STM32Cube.AI's network.h and Edge Impulse's
model_metadata.h put these in macros, MLTK's firmware reads them from the .tflite's metadata at run time; a
firmware without that reader had to copy them by hand from ``kws info``. Here each becomes a macro (or a static
array) with a comment saying where its value comes from.

Every name starts with the array's name, macros with its :func:`~workbench.core.model.c_array.macro_spelling`
(``g_model``: ``G_MODEL_TENSOR_ARENA_SIZE``, ``g_model_labels``), so two models' headers live in one firmware.
The values come from the model as loaded once (:class:`~workbench.core.model.model_file.LoadedModel`: its
parameters, through :class:`DetectionSettings` and :class:`FrontendSettings`, and its parsed graph), never from
the flatbuffer again; the arena comes from the profiler's plan, which the core cannot import (:class:`ArenaEstimate`).
The same model gives the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from workbench.core.detection.settings import (CLASSES_KEY, THRESHOLD_LIST_KEY, DetectionSettings,
                                               threshold_list_length_error)
from workbench.core.errors import SettingsError
from workbench.core.frontend_settings import PARAM_PREFIX, FrontendSettings, FrontendSettingsError
from workbench.core.model.c_array import ALIGNMENT_BYTES, comment_block, comment_safe, macro_spelling, plain_value
from workbench.core.model.c_op_resolver import model_ops, resolver_lines
from workbench.core.model.model_file import LoadedModel
from workbench.core.model.tflite_graph import TensorInfo

MVP = "mvp"  # the profiler's name for the EFR32xG24's MVP accelerator (kws profile --accelerator)
ARENA_DOC = "docs/profiler.md, Memory"
# the detection parameters the firmware reads, always written (the firmware's default where the model has none)
DETECTION_KEYS = ("detection_threshold", "average_window_duration_ms", "suppression_ms", "minimum_count",
                  "latency_ms")
OPTIONAL_DETECTION_KEYS = ("volume_gain",)  # written when the model stores it
# the frontend settings always written (any other fe.* setting when the model stores it)
FRONTEND_CORE = ("sample_rate_hz", "sample_length_ms", "window_size_ms", "window_step_ms", "fft_length",
                 "filterbank_n_channels")
FROM_METADATA = "model metadata"
FIRMWARE_DEFAULT = "firmware default"
FRONTEND_DEFAULT = "workbench default"
DERIVED_FFT = "derived from the window"
DETECTION_HEADING = ("Detection parameters, as MLTK's audio_classifier firmware reads them from the model's metadata; "
                     f"{FIRMWARE_DEFAULT}: the model stores none, the firmware uses its own (MLTK's cli_opts.hpp).")
FRONTEND_HEADING = ("Audio frontend the model was trained with (MLTK's AudioFeatureGenerator, fe.* settings); "
                    f"{FRONTEND_DEFAULT}: the model stores none, the workbench computes its spectrogram with this "
                    f"(MLTK's tflite_micro_speech); {DERIVED_FFT}: the smallest power of two holding the window.")
# TensorInfo.dtype -> TfLiteType (tensorflow/lite/c/common.h)
TFLITE_TYPES = {
    "float32": "kTfLiteFloat32", "int32": "kTfLiteInt32", "uint8": "kTfLiteUInt8", "int64": "kTfLiteInt64",
    "string": "kTfLiteString", "bool": "kTfLiteBool", "int16": "kTfLiteInt16", "complex64": "kTfLiteComplex64",
    "int8": "kTfLiteInt8", "float16": "kTfLiteFloat16", "float64": "kTfLiteFloat64",
    "complex128": "kTfLiteComplex128", "uint64": "kTfLiteUInt64", "uint32": "kTfLiteUInt32",
    "uint16": "kTfLiteUInt16", "int4": "kTfLiteInt4",
}
ITEMS_PER_LINE = 8  # labels or thresholds per line of an array's initialiser
PRINTABLE_ASCII = range(0x20, 0x7F)


@dataclass(frozen=True)
class ArenaEstimate:
    """The profiler's tensor arena estimate (``kws profile``'s RAM figures) for the accelerator firmware uses."""

    accelerator: str  # "mvp" or "none", as kws profile --accelerator names them
    mvp_bytes: int
    cpu_bytes: int

    @property
    def arena_bytes(self) -> int:
        return self.mvp_bytes if self.accelerator == MVP else self.cpu_bytes


@dataclass(frozen=True)
class FirmwareSection:
    """The header's lines, and what in the model's parameters could not be written (a sentence each)."""

    lines: list[str]
    problems: list[str] = field(default_factory=list)


def c_int(value: int) -> str:
    """An integer literal a macro can hold (a negative one in parentheses)."""
    return f"({value})" if value < 0 else str(value)


def c_float(value: float) -> str:
    """A float literal at the float32 precision firmware keeps (``0.95f``), in parentheses when negative; a value
    beyond float32's range stays a double literal rather than overflow."""
    with np.errstate(over="ignore"):
        single = np.float32(value)
    text = f"{plain_value(float(single))}f" if np.isfinite(single) else repr(float(value))
    return f"({text})" if text.startswith("-") else text


def c_string(text: str) -> str:
    """A C string literal of ``text``'s UTF-8 bytes: printable ASCII as is, every other byte as a three-digit octal
    escape (which, unlike a hex one, never swallows the next character), and ``?`` escaped (no trigraph)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append("\\" + char if char in '"\\?' else char if byte in PRINTABLE_ASCII else f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def _define(macro: str, value: str, note: str = "") -> str:
    return f"#define {macro} {value}" + (f"  /* {comment_safe(note)} */" if note else "")


def _array(declaration: str, items: list[str]) -> list[str]:
    rows = [", ".join(items[i:i + ITEMS_PER_LINE]) for i in range(0, len(items), ITEMS_PER_LINE)]
    return [f"{declaration} = {{", *(f"  {row}," for row in rows), "};"]


def _arena_lines(prefix: str, model: LoadedModel, arena: ArenaEstimate) -> list[str]:
    where = ("with the MVP accelerator, kws profile's default" if arena.accelerator == MVP
             else "on the CPU only, kws profile --accelerator none")
    other = (f"{arena.cpu_bytes} bytes on the CPU only" if arena.accelerator == MVP
             else f"{arena.mvp_bytes} bytes with the MVP")
    recorded = model.params.get("runtime_memory_size")
    metadata = (f" The model's metadata records runtime_memory_size = {recorded} (the figure of the tool that wrote "
                "it)." if isinstance(recorded, int) and not isinstance(recorded, bool) else "")
    text = (f"Tensor arena: {arena.arena_bytes} bytes {where} ({other}). An estimate by the KWS Workbench's planner "
            "(a greedy plan of the activation buffers like TFLM's GreedyMemoryPlanner, plus TFLM's bookkeeping and "
            f"the fixed interpreter and MVP runtime parts that {ARENA_DOC} describes), not TFLM's own figure: read "
            f"interpreter.arena_used_bytes() on the board and keep a margin.{metadata} Reserve it "
            f"{ALIGNMENT_BYTES}-byte aligned.")
    return [*comment_block(text), _define(f"{prefix}_TENSOR_ARENA_SIZE", str(arena.arena_bytes))]


def _label_lines(name: str, prefix: str, model: LoadedModel) -> list[str]:
    classes = list(model.classes)
    source = ("the model's classes parameter" if CLASSES_KEY in model.params
              else "the model stores no class names: class_N, one per output")
    return [f"/* Class labels in the model's output order ({comment_safe(source)}) */",
            _define(f"{prefix}_LABEL_COUNT", str(len(classes))),
            *_array(f"static const char *const {name}_labels[{prefix}_LABEL_COUNT]", [c_string(c) for c in classes])]


def _detection_lines(name: str, prefix: str, model: LoadedModel) -> FirmwareSection:
    params = model.params
    try:
        settings = DetectionSettings.from_params(params)
    except SettingsError as exc:
        problem = f"the model's detection parameters were not written: {exc}"
        return FirmwareSection(comment_block(f"Detection parameters: none written: {exc}"), [problem])
    lines = comment_block(DETECTION_HEADING)
    for key in DETECTION_KEYS:
        note = FROM_METADATA if key in params else FIRMWARE_DEFAULT
        lines.append(_define(f"{prefix}_{key.upper()}", c_int(getattr(settings, key)), note))
    lines += [_define(f"{prefix}_{key.upper()}", c_float(getattr(settings, key)), FROM_METADATA)
              for key in OPTIONAL_DETECTION_KEYS if key in params]
    problems = []
    thresholds = settings.detection_threshold_list
    if thresholds is not None:
        count = f"{prefix}_{THRESHOLD_LIST_KEY.upper()}_COUNT"
        lines += [f"/* Per-class thresholds in output order ({FROM_METADATA}: {THRESHOLD_LIST_KEY}) */",
                  _define(count, str(len(thresholds))),
                  *_array(f"static const int {name}_{THRESHOLD_LIST_KEY}[{count}]", [c_int(t) for t in thresholds])]
        length_error = threshold_list_length_error(thresholds, len(model.classes))
        if length_error:
            lines += comment_block(length_error)
            problems.append(length_error)
    elif THRESHOLD_LIST_KEY in params and params[THRESHOLD_LIST_KEY]:
        lines.append(f"/* {THRESHOLD_LIST_KEY} is stored, but not as whole numbers: the firmware ignores it */")
    return FirmwareSection(lines, problems)


def _frontend_value(value: bool | int | float) -> tuple[str, str]:
    """The macro's value and what it means where the C value does not say it (true/false)."""
    if isinstance(value, bool):
        return ("1" if value else "0"), plain_value(value)
    if isinstance(value, int):
        return c_int(value), ""
    return c_float(value), ""


def _frontend_lines(prefix: str, model: LoadedModel) -> FirmwareSection:
    params = model.params
    try:
        settings = FrontendSettings.from_params(params)
    except FrontendSettingsError as exc:
        problem = f"the model's frontend settings were not written: {exc}"
        return FirmwareSection(comment_block(f"Audio frontend (fe.*): none written: {exc}"), [problem])
    lines = comment_block(FRONTEND_HEADING)
    for setting in fields(FrontendSettings):
        key = PARAM_PREFIX + setting.name
        if key not in params and setting.name not in FRONTEND_CORE:
            continue
        value, meaning = _frontend_value(getattr(settings, setting.name))
        source = FROM_METADATA if key in params else DERIVED_FFT if setting.name == "fft_length" else FRONTEND_DEFAULT
        note = f"{meaning}, {source}" if meaning else source
        lines.append(_define(f"{prefix}_FE_{setting.name.upper()}", value, note))
    return FirmwareSection(lines)


def _tensor_lines(prefix: str, role: str, index: int, tensor: TensorInfo) -> list[str]:
    macro = f"{prefix}_{role.upper()}_{index}"
    kind = TFLITE_TYPES.get(tensor.dtype)
    lines = [f"/* {role} {index}: {comment_safe(tensor.name)}, {tensor.shape_str} {tensor.dtype} */"]
    if kind is not None:
        lines.append(_define(f"{macro}_TYPE", kind, "TfLiteType, tensorflow/lite/c/common.h"))
    lines += [_define(f"{macro}_TYPE_NAME", c_string(tensor.dtype)), _define(f"{macro}_RANK", str(len(tensor.shape)))]
    lines += [_define(f"{macro}_DIM_{axis}", c_int(size)) for axis, size in enumerate(tensor.shape)]
    lines += [_define(f"{macro}_ELEMENTS", str(tensor.elements)), _define(f"{macro}_BYTES", str(tensor.size_bytes))]
    if len(tensor.scale) == 1 and len(tensor.zero_point) <= 1:
        zero_point = tensor.zero_point[0] if tensor.zero_point else 0
        lines += [_define(f"{macro}_SCALE", c_float(tensor.scale[0]), "real value = SCALE * (q - ZERO_POINT)"),
                  _define(f"{macro}_ZERO_POINT", c_int(zero_point))]
    elif tensor.scale:
        lines.append(f"/* quantised per channel ({len(tensor.scale)} scales): read them from the tensor */")
    else:
        lines.append("/* not quantised */")
    return lines


def _tensors_lines(prefix: str, model: LoadedModel) -> list[str]:
    graph = model.graph
    lines = ["/* Input and output tensors (from the model's graph) */",
             _define(f"{prefix}_INPUT_COUNT", str(len(graph.inputs))),
             _define(f"{prefix}_OUTPUT_COUNT", str(len(graph.outputs)))]
    for role, indices in (("input", graph.inputs), ("output", graph.outputs)):
        for index, tensor_index in enumerate(indices):
            lines += _tensor_lines(prefix, role, index, graph.tensors[tensor_index])
    return lines


def firmware_section(name: str, model: LoadedModel, arena: ArenaEstimate) -> FirmwareSection:
    """The header's lines after the array's declarations (module docstring) for the array ``name``, and the
    parameters that could not be written (the header says why too)."""
    prefix = macro_spelling(name)
    detection, frontend = _detection_lines(name, prefix, model), _frontend_lines(prefix, model)
    parts = [_arena_lines(prefix, model, arena), _label_lines(name, prefix, model), detection.lines,
             frontend.lines, _tensors_lines(prefix, model), resolver_lines(name, prefix, model_ops(model.graph))]
    lines = [line for part in parts for line in [*part, ""]]
    return FirmwareSection(lines, [*detection.problems, *frontend.problems])
