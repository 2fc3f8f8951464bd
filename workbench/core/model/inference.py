"""Running a model on spectrograms with LiteRT (``ai-edge-litert``), the maintained TFLite runtime.

Why a wrapper: the engine, the profiler and the CLI all need the same three things -- feed a spectrogram
the way the EFR32 firmware fills the input tensor, read the output the way the firmware converts it to
uint8 scores, and fail with one clear sentence on a bad model or a bad spectrogram.

Input, as ``sl_ml_audio_feature_generation_fill_tensor`` does it on the device: the frames x channels of the
model's ``fe.*`` settings, row-major, into any input tensor holding as many values (``[1, 49, 40, 1]`` and the
flattened ``[1, 1960]`` alike; :mod:`workbench.core.model.model_input` is that rule), and

* int8 input: the frontend's int8 spectrogram as is (MLTK quantises in the frontend, not with the
  tensor's scale); uint16 input: the raw frontend output;
* float32 input: the raw uint16 frontend output as float, times ``samplewise_norm.rescale`` when that
  parameter is non-zero, else standardised per sample when ``samplewise_norm.mean_and_std`` is true;
* uint8 input (the firmware has no path for it): the raw output quantised with the tensor's own scale
  and zero point; an input quantised for another range runs with the values it cannot hold clipped, and
  :attr:`ModelRunner.input_range_problem` says which (:func:`~workbench.core.model.model_input.input_range_problem`).

Any other input type is refused, in the words ``kws info`` uses (:mod:`workbench.core.model.model_input`).

Scores: int8 output + 128 and float ``(uint8_t)(p * 255)``, as ``recognize_commands.cc`` converts them;
uint8 output as is. The runtime falls back to ``tflite_runtime`` when LiteRT is absent. TensorFlow is never
imported here: ``workbench.core`` must stay free of it (an import-linter contract enforces that).

LiteRT's native code prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." straight to file
descriptor 2 when the tensors are allocated, and has no switch for it (``TF_CPP_MIN_LOG_LEVEL`` does not
reach its minimal logger). Stderr must carry only the workbench's own messages (a CLI error is one line),
so fd 2 is filtered while the interpreter is made (:mod:`workbench.core.native_noise`): only those lines are dropped.

A model converted with ``SELECT_TF_OPS`` (Flex ops) or ``allow_custom_ops`` fails to load with LiteRT's text for
Android builds; when that text names the graph's custom ops, the error names them and says how to convert instead.
"""

from __future__ import annotations

import importlib
import re
from math import prod
from typing import Any, Mapping

import numpy as np
import numpy.typing as npt

from workbench.core import native_noise
from workbench.core.errors import ModelError
from workbench.core.model.model_input import (SpectrogramInput, input_range_problem, input_type_problem,
                                              spectrogram_input, tensor_count_problem)
from workbench.core.model.model_params import read_params
from workbench.core.model.tflite_graph import ModelGraph, parse_model

SCORE_OFFSET_INT8 = 128
SCORE_SCALE_FLOAT = 255
RESCALE_KEY = "samplewise_norm.rescale"
MEAN_AND_STD_KEY = "samplewise_norm.mean_and_std"
# "int8": a float32 model that takes the int8 spectrogram's values (the training's float twin, which
# learned on them); without it a float32 model takes the raw uint16 spectrogram, as MLTK's do
FEATURES_DTYPE_KEY = "features_dtype"
_UINT8_MAX = 255
# The TensorFlow Lite runtimes in the order they are tried: (package, distribution, the name users know)
RUNTIMES = (("ai_edge_litert", "ai-edge-litert", "LiteRT"), ("tflite_runtime", "tflite-runtime", "TFLite runtime"))
_INTERPRETER_MODULES = tuple(f"{package}.interpreter" for package, _distribution, _name in RUNTIMES)
FLEX_PREFIX = "Flex"  # the converter names a Select TensorFlow op (SELECT_TF_OPS) "Flex" + the TensorFlow op
# LiteRT's error reporter appends each message to the last with no separator: "... in XNNPACK delegateunsupported
# datatype ...", "... for tensor 0Node number 4 ...". Where one message ends and the next begins: after the
# XNNPACK delegate's closing words, or where a capitalised word follows a number or a full stop directly.
_MESSAGE_BOUNDARY = re.compile(r"(?<=XNNPACK delegate)(?=[a-z]{2})|(?<=[0-9.])(?=[A-Z][a-z])")
MESSAGE_SEPARATOR = "; "


def _interpreter_class() -> Any:
    for name in _INTERPRETER_MODULES:
        try:
            return importlib.import_module(name).Interpreter
        except ImportError:
            continue
    raise ModelError(f"no TensorFlow Lite runtime found: install it with 'pip install {RUNTIMES[0][1]}'")


def runtime_message(exc: BaseException) -> str:
    """LiteRT's error text as one readable line: its messages (run together or on lines of their own) apart,
    each once, joined by ``; `` (the exception's class name when it says nothing)."""
    messages: list[str] = []
    for line in str(exc).splitlines():
        for part in _MESSAGE_BOUNDARY.split(line):
            message = part.strip().rstrip(".").strip()
            if message and message not in messages:
                messages.append(message)
    return MESSAGE_SEPARATOR.join(messages) if messages else type(exc).__name__


def _ops_text(kind: str, names: list[str]) -> str:
    return f"the {kind} op{'s' if len(names) > 1 else ''} {', '.join(names)}"


def custom_ops_problem(graph: ModelGraph, runtime_text: str) -> str:
    """Why LiteRT could not load ``graph``, when its error (``runtime_text``) names the graph's custom ops ("" when
    it names none): Flex ops need TensorFlow's kernels and other custom ops kernels of their own, which neither
    LiteRT's standard interpreter nor TFLite Micro on the board has."""
    named = [code for code in dict.fromkeys(op.custom_code for op in graph.operators if op.custom_code)
             if code in runtime_text]
    if not named:
        return ""
    flex = [code.removeprefix(FLEX_PREFIX) for code in named if code.startswith(FLEX_PREFIX)]
    custom = [code for code in named if not code.startswith(FLEX_PREFIX)]
    uses = ([_ops_text("TensorFlow (Flex)", flex)] if flex else []) + ([_ops_text("custom", custom)] if custom else [])
    without = (["SELECT_TF_OPS"] if flex else []) + (["allow_custom_ops"] if custom else [])
    return (f"the model uses {' and '.join(uses)}, which neither LiteRT here nor TFLite Micro on the board can run: "
            f"convert it without {' or '.join(without)}, with built-in TensorFlow Lite ops only")


class ModelRunner:
    """One interpreter for one model; ``run`` takes one (frames, channels) spectrogram."""

    def __init__(self, tflite: bytes, num_threads: int = 1, *, params: Mapping[str, Any] | None = None,
                 graph: ModelGraph | None = None) -> None:
        """``params`` and ``graph``: the model's, when the caller holds them parsed (a
        :class:`~workbench.core.model.model_file.LoadedModel`); read from ``tflite`` otherwise."""
        params = read_params(bytes(tflite)) if params is None else params  # rejects bytes that are no TFLite model
        graph = parse_model(bytes(tflite)) if graph is None else graph  # ... or have nothing to run
        self._rescale = float(params.get(RESCALE_KEY) or 0.0)
        self._mean_and_std = bool(params.get(MEAN_AND_STD_KEY, False))
        self._int8_values = params.get(FEATURES_DTYPE_KEY) == "int8"
        try:
            with native_noise.noise_filtered():  # LiteRT's "INFO: Created … delegate" line
                self._interp = _interpreter_class()(model_content=bytes(tflite), num_threads=num_threads)
                self._interp.allocate_tensors()
        except ModelError:
            raise
        except Exception as exc:  # LiteRT raises ValueError/RuntimeError with its own text
            said = runtime_message(exc)
            raise ModelError(f"LiteRT cannot load the model: {custom_ops_problem(graph, said) or said}") from None
        inputs, outputs = self._interp.get_input_details(), self._interp.get_output_details()
        if problem := tensor_count_problem(len(inputs), len(outputs)):
            raise ModelError(problem)
        self._in, self._out = inputs[0], outputs[0]
        if problem := input_type_problem(self.input_dtype.name):
            raise ModelError(problem)
        self._spectrogram = spectrogram_input(self.input_shape, params)

    # -- what the model expects --------------------------------------------------------------------
    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self._in["shape"])

    @property
    def input_dtype(self) -> np.dtype:
        return np.dtype(self._in["dtype"])

    @property
    def output_dtype(self) -> np.dtype:
        return np.dtype(self._out["dtype"])

    @property
    def spectrogram(self) -> SpectrogramInput:
        """How the frontend's spectrogram (the model's ``fe.*`` settings) fills the input tensor."""
        return self._spectrogram

    @property
    def feature_shape(self) -> tuple[int, int]:
        """(frames, channels) of one spectrogram, from the model's ``fe.*`` settings (defaults when absent).

        ModelError, saying which ``fe.*`` values would match, when the board could not fill the input with it
        (see :mod:`workbench.core.model.model_input`)."""
        return self._spectrogram.feature_shape

    @property
    def features_dtype(self) -> np.dtype:
        """What to ask the frontend for: int8 for int8 models, the raw uint16 otherwise."""
        int8 = self.input_dtype == np.int8 or (self.input_dtype == np.float32 and self._int8_values)
        return np.dtype(np.int8) if int8 else np.dtype(np.uint16)

    @property
    def num_classes(self) -> int:
        return int(prod(int(d) for d in self._out["shape"]))

    @property
    def input_quantization(self) -> tuple[float, int]:
        scale, zero = self._in.get("quantization", (0.0, 0))
        return float(scale), int(zero)

    @property
    def output_quantization(self) -> tuple[float, int]:
        scale, zero = self._out.get("quantization", (0.0, 0))
        return float(scale), int(zero)

    @property
    def input_range_problem(self) -> str:
        """A warning for the user ("" when there is none): which spectrogram values the input clips, and the input
        convention the workbench assumes. The model runs all the same, as it would wherever it is fed this way."""
        return input_range_problem(self.input_dtype.name, *self.input_quantization)

    # -- running ---------------------------------------------------------------------------------
    def _check_shape(self, x: np.ndarray) -> None:
        """Accept the frontend's (frames, channels) when it fills the input (fed row-major, as the board does),
        the tensor's own shape with or without the batch axis, and its own frames x channels (a bare training
        conversion has no ``fe.*`` settings yet)."""
        layout = self._spectrogram
        accepted: set[tuple[int, ...] | None] = {self.input_shape, self.input_shape[1:], layout.tensor_shape}
        if layout.fits:
            accepted.add(layout.frontend_shape)
        if x.shape in accepted:
            return
        shape = layout.frontend_shape if layout.fits else layout.tensor_shape
        if shape is None:
            raise ModelError(layout.problem)
        raise ModelError(f"the model expects a {shape[0]}x{shape[1]} spectrogram (frames x channels), "
                         f"got an array of shape {x.shape}")

    def _float_input(self, x: np.ndarray) -> np.ndarray:
        values = x.astype(np.float32)
        if self._rescale:
            return values * np.float32(self._rescale)
        if self._mean_and_std:
            std = values.std(dtype=np.float32)
            if std == 0:  # a constant spectrogram; the device would divide by zero
                return np.zeros_like(values)
            return (values - values.mean(dtype=np.float32)) / std
        return values

    def _model_input(self, features: npt.ArrayLike) -> np.ndarray:
        x = np.asarray(features)
        self._check_shape(x)
        if x.dtype.kind not in "iuf":
            raise ModelError(f"a spectrogram must be numeric, got {x.dtype}")
        dtype = self.input_dtype
        if self.features_dtype == np.int8 and x.dtype != np.int8:
            raise ModelError(f"this model needs the frontend's int8 spectrogram, got {x.dtype} "
                             "(compute features with dtype=np.int8)")
        if dtype == np.float32 and not self._int8_values:  # (int8 values: only the cast below)
            x = self._float_input(x)
        elif dtype == np.uint8 and x.dtype != np.uint8:
            scale, zero = self.input_quantization
            q = np.rint(x.astype(np.float64) / (scale or 1.0)) + zero
            x = np.clip(q, 0, _UINT8_MAX)
        elif dtype == np.uint16 and (x.dtype.kind == "f" or x.min(initial=0) < 0):
            raise ModelError(f"this model needs the frontend's raw uint16 spectrogram, got {x.dtype}")
        return x.reshape(self.input_shape).astype(dtype, copy=False)

    def run(self, features: npt.ArrayLike) -> np.ndarray:
        """The raw output row for one spectrogram."""
        x = self._model_input(features)  # (its ModelErrors say what is wrong with the spectrogram)
        try:
            self._interp.set_tensor(self._in["index"], x)
            self._interp.invoke()
            return self._interp.get_tensor(self._out["index"]).reshape(-1).copy()
        except Exception as exc:  # a kernel error inside LiteRT, or an output it never wrote
            raise ModelError(f"LiteRT failed to run the model: {runtime_message(exc)}") from None

    def scores_u8(self, features: npt.ArrayLike) -> npt.NDArray[np.uint8]:
        """Scores 0-255 exactly as the firmware converts the output tensor."""
        raw = self.run(features)
        if raw.dtype == np.int8:
            return (raw.astype(np.int16) + SCORE_OFFSET_INT8).astype(np.uint8)
        if raw.dtype == np.uint8:
            return raw
        # (uint8_t)(p * 255) in float32: truncation, clipped where C would be undefined
        scaled = raw.astype(np.float32) * np.float32(SCORE_SCALE_FLOAT)
        return np.clip(np.nan_to_num(scaled), 0, SCORE_SCALE_FLOAT).astype(np.uint8)

    def probabilities(self, features: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The output dequantised with the tensor's own scale and zero point."""
        raw = self.run(features)
        scale, zero = self.output_quantization
        if raw.dtype.kind in "iu" and scale:
            return (raw.astype(np.float64) - zero) * scale
        return raw.astype(np.float64)
