"""What MLTK's audio-classifier firmware takes from the model it finds at the end of flash (FORMATS.md section 3).

Why a module of its own: the simulated board must label, threshold and describe detections with the flashed
model's own ``SL_PARAMSv1`` parameters, exactly as ``audio_classifier_config.cc`` loads them, or custom
keywords on the board go untested. The firmware is strict about list types (``tflite_model_parameters.cc``:
``classes`` must be a string list, ``detection_threshold_list`` an int32 list, else it sees no value) and
casts any scalar, so the stored type codes are read too. The parameters are read with the workbench's own
``SL_PARAMSv1`` reader and graph parser (the sim runs with the workbench's interpreter and imports it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[3]  # the checkout, whose workbench package the sim imports

# the audio classifier's built-in model, used when no valid model is at the end of flash
BUILTIN_CLASSES = ("yes", "no", "_unknown_", "_silence_")
BUILTIN_PARAMS = {"name": "default", "version": 1}
BUILTIN_INPUT = "1x49x40x1 (int8)"
BUILTIN_OUTPUT = "1x4 (int8)"
SEARCHED_RUNTIME_BYTES = 11344  # what the simulated arena-size search "finds" when the model gives no size
MIN_RUNTIME_PARAM_BYTES = 256  # tflite_micro_model.cc uses runtime_memory_size only when it is larger
UNITS_PRECISION = 3  # print_summary formats the tensor arena with format_units(n, 3)
UNIT_STEPS = ((10**9, "G"), (10**6, "M"), (10**3, "k"))
# cli_opts.hpp: what the firmware uses for a setting the model does not carry
APP_DEFAULTS = {"average_window_duration_ms": 1000, "detection_threshold": 185, "suppression_ms": 1500,
                "minimum_count": 3, "verbose_model_output_logs": 0, "latency_ms": 100, "volume_gain": 1}
DEFAULT_SENSITIVITY = 0.5
# printed by audio_classifier_config.cc / audio_classifier.cc when the app parameters cannot be loaded
NO_CLASSES = '.tflite does not define a "classes" parameter'
THRESHOLD_COUNT_MISMATCH = ("The number of entries in the model parameter: 'detection_threshold_list' must "
                            "match the number of classes")
APP_PARAMS_ERROR = "ERROR: Failed to load app parameters from .tflite model"


@dataclass
class FlashedModel:
    """The model the classifier runs: its parameters as the firmware reads them, and its tensors."""

    params: dict[str, Any] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)  # empty: no string-list "classes" (the firmware refuses)
    threshold_list: list[int] | None = None  # None: no int32-list "detection_threshold_list"
    input_text: str = BUILTIN_INPUT
    output_text: str = BUILTIN_OUTPUT
    category_count: int = len(BUILTIN_CLASSES)

    def runtime_memory(self) -> tuple[bool, int]:
        """(taken from the model, arena bytes): the model's runtime_memory_size if usable, else the search."""
        size = self.params.get("runtime_memory_size")
        if isinstance(size, (int, float)) and not isinstance(size, bool) and size > MIN_RUNTIME_PARAM_BYTES:
            return True, int(size)
        return False, SEARCHED_RUNTIME_BYTES

    def app_settings(self) -> dict[str, int]:
        """The integer application settings, the model's values over the firmware's defaults (scalars are cast)."""
        return {key: int(self.params.get(key, default)) for key, default in APP_DEFAULTS.items()}

    def sensitivity(self) -> float:
        return float(self.params.get("sensitivity", DEFAULT_SENSITIVITY))

    def app_params_problem(self) -> str | None:
        """The line mltk_app_settings_load_parameters prints before refusing the model, or None if it loads."""
        if not self.classes:
            return NO_CLASSES
        if self.threshold_list is not None and len(self.threshold_list) != len(self.classes):
            return THRESHOLD_COUNT_MISMATCH
        return None

    def threshold(self, index: int) -> int:
        """recognize_commands.cc: the per-class threshold when the model has a list, else the global one."""
        if self.threshold_list and index < len(self.threshold_list):
            return self.threshold_list[index]
        return self.app_settings()["detection_threshold"]

    def label(self, index: int) -> str:
        """get_category_label: the class name, ``?`` past the end of the list."""
        return self.classes[index] if 0 <= index < len(self.classes) else "?"


def builtin_model() -> FlashedModel:
    """The model built into the firmware image (no valid model at the end of flash)."""
    return FlashedModel(params=dict(BUILTIN_PARAMS), classes=list(BUILTIN_CLASSES))


def flashed_model(flatbuffer: bytes) -> FlashedModel:
    """The flashed model as the firmware sees it: list parameters only when stored with the type it asks for.

    The workbench is imported here, not at module level, so a simulated board starts fast (most tests start
    boards that never run a model)."""
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    from workbench.core.model.model_params import params_buffer
    from workbench.core.model.params_dictionary import INT32_LIST, STR_LIST, decode_entries
    from workbench.core.model.tflite_graph import parse_model

    buf = params_buffer(flatbuffer)
    entries = decode_entries(buf) if buf else []
    params = {key: value for key, _, value in entries}
    codes = {key: code for key, code, _ in entries}
    graph = parse_model(flatbuffer)
    inputs = [graph.tensors[i] for i in graph.inputs]
    outputs = [graph.tensors[i] for i in graph.outputs]
    output_shape = outputs[0].shape if outputs else ()
    return FlashedModel(
        params=params,
        classes=[str(c) for c in params["classes"]] if codes.get("classes") == STR_LIST else [],
        threshold_list=([int(t) for t in params["detection_threshold_list"]]
                        if codes.get("detection_threshold_list") == INT32_LIST else None),
        input_text=f"{inputs[0].shape_str} ({inputs[0].dtype})" if inputs else BUILTIN_INPUT,
        output_text=f"{outputs[0].shape_str} ({outputs[0].dtype})" if outputs else BUILTIN_OUTPUT,
        category_count=int(output_shape[-1]) if output_shape else len(BUILTIN_CLASSES))


def format_units(n: int, precision: int = UNITS_PRECISION) -> str:
    """cpputils format_units: k/M/G above 1000/1e6/1e9 (strictly), truncated to ``precision`` decimals."""
    for step, suffix in UNIT_STEPS:
        if n > step:
            whole, rest = divmod(n, step)
            return f"{whole}.{rest * 10**precision // step:0{precision}d}{suffix}"
    return str(n)
