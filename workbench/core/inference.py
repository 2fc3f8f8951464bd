"""Running a model on spectrograms with LiteRT (``ai-edge-litert``), the maintained TFLite runtime.

Falls back to ``tflite_runtime`` when LiteRT is absent (TensorFlow is never imported here: the core must
stay free of it). Scores are reported as the firmware sees them: uint8 0–255 (int8 output + 128; float
outputs ``(uint8)(p * 255)`` as ``recognize_commands.cc`` converts them).
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.core.errors import ModelError

SCORE_OFFSET_INT8 = 128
SCORE_SCALE_FLOAT = 255
_INTERPRETER_MODULES = ("ai_edge_litert.interpreter", "tflite_runtime.interpreter")


def _interpreter_class() -> Any:
    for name in _INTERPRETER_MODULES:
        try:
            return importlib.import_module(name).Interpreter
        except ImportError:
            continue
    raise ModelError("no TensorFlow Lite runtime found: pip install ai-edge-litert")


class ModelRunner:
    """One interpreter for one model; ``run`` takes a (frames, channels) spectrogram."""

    def __init__(self, tflite: bytes, num_threads: int = 1) -> None:
        try:
            self._interp = _interpreter_class()(model_content=bytes(tflite), num_threads=num_threads)
            self._interp.allocate_tensors()
        except ModelError:
            raise
        except Exception as exc:  # LiteRT raises ValueError/RuntimeError with its own text
            raise ModelError(f"LiteRT cannot load the model: {str(exc).strip().splitlines()[0]}") from None
        inputs, outputs = self._interp.get_input_details(), self._interp.get_output_details()
        if len(inputs) != 1 or len(outputs) != 1:
            raise ModelError(f"expected a model with one input and one output, got {len(inputs)} and {len(outputs)}")
        self._in, self._out = inputs[0], outputs[0]
        shape = [int(d) for d in self._in["shape"]]
        spatial = [d for d in shape[1:] if d != 1] if len(shape) > 2 else shape[1:]
        if len(spatial) != 2:
            raise ModelError(f"the model input {shape} is not a spectrogram (frames x channels)")
        self._feature_shape = (spatial[0], spatial[1])

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
    def feature_shape(self) -> tuple[int, int]:
        return self._feature_shape

    @property
    def features_dtype(self) -> np.dtype:
        """What to ask the frontend for: int8 for int8 models, the raw uint16 otherwise."""
        return np.dtype(np.int8) if self.input_dtype == np.int8 else np.dtype(np.uint16)

    @property
    def num_classes(self) -> int:
        return int(np.prod(self._out["shape"]))

    @property
    def input_quantization(self) -> tuple[float, int]:
        return tuple(self._in.get("quantization", (0.0, 0)))  # type: ignore[return-value]

    @property
    def output_quantization(self) -> tuple[float, int]:
        return tuple(self._out.get("quantization", (0.0, 0)))  # type: ignore[return-value]

    def run(self, features: npt.ArrayLike) -> np.ndarray:
        """The raw output row for one spectrogram."""
        x = np.asarray(features)
        if x.shape != self._feature_shape and x.size != int(np.prod(self.input_shape)):
            raise ModelError(f"the model expects a {self._feature_shape[0]}x{self._feature_shape[1]} "
                             f"spectrogram, got shape {x.shape}")
        self._interp.set_tensor(self._in["index"], x.reshape(self.input_shape).astype(self.input_dtype, copy=False))
        self._interp.invoke()
        return self._interp.get_tensor(self._out["index"]).reshape(-1).copy()

    def scores_u8(self, features: npt.ArrayLike) -> npt.NDArray[np.uint8]:
        """Scores 0–255 as the firmware converts the output tensor."""
        raw = self.run(features)
        if raw.dtype == np.int8:
            return (raw.astype(np.int16) + SCORE_OFFSET_INT8).astype(np.uint8)
        if raw.dtype == np.uint8:
            return raw
        return np.clip(raw.astype(np.float64) * SCORE_SCALE_FLOAT, 0, SCORE_SCALE_FLOAT).astype(np.uint8)

    def probabilities(self, features: npt.ArrayLike) -> np.ndarray:
        """The output dequantised with the tensor's own scale and zero point."""
        raw = self.run(features)
        scale, zero = self.output_quantization
        if raw.dtype.kind in "iu" and scale:
            return (raw.astype(np.float64) - zero) * scale
        return raw.astype(np.float64)
