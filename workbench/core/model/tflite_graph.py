"""A .tflite model as a plain list of tensors and layers.

Why this exists: the profiler (``kws profile``), ``kws info`` and the GUI all need to read a model's
structure -- layer types, shapes, quantisation, decoded options -- without running it and without
TensorFlow. The FlatBuffer object API in ``ai_edge_litert/schema_py_generated.py`` gives that data in
schema-shaped form (camelCase fields, enum integers, numpy arrays); this module turns it into small
frozen dataclasses with plain Python values once, so every consumer speaks the same vocabulary
(op names such as ``"CONV_2D"``, padding ``"SAME"``, activation ``"RELU"``).

Anything that is not a parseable TFLite FlatBuffer raises :class:`~workbench.core.errors.ModelError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from math import prod
from typing import Any

from ai_edge_litert import schema_py_generated as schema

from workbench.core.errors import ModelError, unreadable_model
from workbench.core.model.graph_checks import graph_problem, layer_problem

TFLITE_FILE_IDENTIFIER = b"TFL3"
_IDENTIFIER_OFFSET = slice(4, 8)  # a FlatBuffer's file identifier follows the 4-byte root offset
_MIN_TFLITE_BYTES = 8

# TensorType enum value -> (name, bytes per element); names follow numpy where one exists
_TENSOR_TYPES: dict[int, tuple[str, int]] = {
    schema.TensorType.FLOAT32: ("float32", 4), schema.TensorType.FLOAT16: ("float16", 2),
    schema.TensorType.INT32: ("int32", 4), schema.TensorType.UINT8: ("uint8", 1),
    schema.TensorType.INT64: ("int64", 8), schema.TensorType.STRING: ("string", 1),
    schema.TensorType.BOOL: ("bool", 1), schema.TensorType.INT16: ("int16", 2),
    schema.TensorType.COMPLEX64: ("complex64", 8), schema.TensorType.INT8: ("int8", 1),
    schema.TensorType.FLOAT64: ("float64", 8), schema.TensorType.COMPLEX128: ("complex128", 16),
    schema.TensorType.UINT64: ("uint64", 8), schema.TensorType.UINT32: ("uint32", 4),
    schema.TensorType.UINT16: ("uint16", 2),
}
_INT4 = getattr(schema.TensorType, "INT4", None)

_OP_NAMES: dict[int, str] = {v: k for k, v in vars(schema.BuiltinOperator).items()
                             if not k.startswith("_") and isinstance(v, int)}
_PADDING_NAMES = {v: k for k, v in vars(schema.Padding).items() if not k.startswith("_")}
_ACTIVATION_NAMES = {v: k for k, v in vars(schema.ActivationFunctionType).items()
                     if not k.startswith("_")}
# option fields renamed so that every op uses the same key for the same idea
_OPTION_RENAMES = {"fused_activation_function": "activation", "stride_w": "stride_width",
                   "stride_h": "stride_height", "dilation_w_factor": "dilation_width",
                   "dilation_h_factor": "dilation_height"}


@dataclass(frozen=True)
class TensorInfo:
    """One tensor of the main subgraph. ``size_bytes`` is what it occupies at run time."""

    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str
    scale: tuple[float, ...]
    zero_point: tuple[int, ...]
    size_bytes: int
    is_constant: bool
    is_variable: bool = False
    data: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def elements(self) -> int:
        return prod(self.shape) if self.shape else 1

    @property
    def shape_str(self) -> str:
        return "x".join(str(d) for d in self.shape) if self.shape else "scalar"


@dataclass(frozen=True)
class OperatorInfo:
    """One layer: its op name (``"CUSTOM:<code>"`` for custom ops), tensors and decoded options."""

    index: int
    op: str
    inputs: tuple[int, ...]  # -1 marks an omitted optional input, as in the FlatBuffer
    outputs: tuple[int, ...]
    options: dict[str, Any]
    builtin_code: int
    custom_code: str | None = None


@dataclass(frozen=True)
class ModelGraph:
    """The main subgraph of a model: tensors, layers in execution order, graph inputs/outputs.

    ``subgraphs`` holds the model's other subgraphs (the condition and body of a WHILE, the branches of an IF, a
    CALL_ONCE's initialiser), each read the same way, ``subgraphs[0]`` being the model's subgraph 1. Their layers
    run on the board too, so what the firmware must register and what TFLite Micro refuses is read from them as
    well; everything else here (the profile's layers, ``kws info``) is the main subgraph's.
    """

    tensors: tuple[TensorInfo, ...]
    operators: tuple[OperatorInfo, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    size_bytes: int
    version: int = 3
    description: str = ""
    subgraph_count: int = 1
    metadata_names: tuple[str, ...] = ()
    subgraphs: tuple["ModelGraph", ...] = ()

    def tensor(self, index: int) -> TensorInfo | None:
        """The tensor at ``index``, or None for an omitted optional input (-1)."""
        return self.tensors[index] if 0 <= index < len(self.tensors) else None

    def op_inputs(self, op: OperatorInfo) -> list[TensorInfo | None]:
        return [self.tensor(i) for i in op.inputs]

    def op_outputs(self, op: OperatorInfo) -> list[TensorInfo | None]:
        return [self.tensor(i) for i in op.outputs]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", name).lower()


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of an option value (numpy scalars/arrays -> Python)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, bytes):
        return _text(value)
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return None  # nested tables (e.g. quant specs) carry no layer-level meaning here


def decode_options(options: Any) -> dict[str, Any]:
    """Builtin options object -> dict with snake_case keys and enum names (padding, activation)."""
    if options is None:
        return {}
    decoded: dict[str, Any] = {}
    for key, value in vars(options).items():
        name = _OPTION_RENAMES.get(_snake(key), _snake(key))
        if name == "padding" and isinstance(value, int):
            decoded[name] = _PADDING_NAMES.get(value, str(value))
        elif name == "activation" and isinstance(value, int):
            decoded[name] = _ACTIVATION_NAMES.get(value, str(value))
        else:
            plain = _plain(value)
            if plain is not None or value is None:
                decoded[name] = plain
    return {k: v for k, v in decoded.items() if v is not None}


def _op_name(code: Any) -> tuple[str, int, str | None]:
    builtin = max(int(code.builtinCode or 0), int(code.deprecatedBuiltinCode or 0))
    if builtin == schema.BuiltinOperator.CUSTOM:
        custom = _text(code.customCode) or "?"
        return f"CUSTOM:{custom}", builtin, custom
    return _OP_NAMES.get(builtin, f"UNKNOWN_{builtin}"), builtin, None


def _dtype(type_code: int) -> tuple[str, float]:
    if _INT4 is not None and type_code == _INT4:
        return "int4", 0.5
    name, size = _TENSOR_TYPES.get(type_code, (f"type{type_code}", 1))
    return name, float(size)


def _tensor(index: int, t: Any, buffers: list[Any], tflite: bytes) -> TensorInfo:
    shape = tuple(int(d) for d in (t.shape if t.shape is not None else ()))
    dtype, item = _dtype(int(t.type))
    q = t.quantization
    scale = tuple(float(s) for s in (q.scale if q is not None and q.scale is not None else ()))
    zero = tuple(int(z) for z in (q.zeroPoint if q is not None and q.zeroPoint is not None else ()))
    data: bytes | None = None
    if int(t.buffer) >= max(len(buffers), 1):  # (buffer 0, the empty sentinel, may be left out)
        raise ModelError(f"Tensor {index} refers to buffer {t.buffer}, which the model does not have.")
    buf = buffers[t.buffer] if 0 < int(t.buffer) < len(buffers) else None
    if buf is not None:
        if buf.data is not None and len(buf.data):
            data = bytes(buf.data)
        elif int(buf.offset or 0) > 1 and int(buf.size or 0) > 0:  # buffer stored after the FlatBuffer
            data = tflite[int(buf.offset):int(buf.offset) + int(buf.size)]
    elements = prod(max(d, 1) for d in shape) if shape else 1
    size = len(data) if data is not None else int(elements * item + 0.5)
    return TensorInfo(index=index, name=_text(t.name), shape=shape, dtype=dtype, scale=scale,
                      zero_point=zero, size_bytes=size, is_constant=data is not None,
                      is_variable=bool(t.isVariable), data=data)


def _indices(values: Any) -> tuple[int, ...]:
    """A FlatBuffer vector of tensor indices (None when absent) as plain ints."""
    return tuple(int(x) for x in (values if values is not None else ()))


def _subgraph(sub: Any, codes: list[tuple[str, int, str | None]], buffers: list[Any], tflite: bytes) -> ModelGraph:
    """One subgraph's tensors and layers (``size_bytes`` the whole model's); a layer that cannot run raises
    :class:`ModelError`."""
    tensors = tuple(_tensor(i, t, buffers, tflite) for i, t in enumerate(sub.tensors or []))
    operators = []
    for i, op in enumerate(sub.operators or []):
        if not 0 <= int(op.opcodeIndex) < len(codes):
            raise ModelError(f"Layer {i} refers to operator code {op.opcodeIndex}, "
                             "which the model does not define.")
        name, builtin, custom = codes[int(op.opcodeIndex)]
        options = decode_options(op.builtinOptions)
        options.update(decode_options(getattr(op, "builtinOptions2", None)))
        ins, outs = _indices(op.inputs), _indices(op.outputs)
        if problem := layer_problem(i, name, ins, outs, len(tensors)):
            raise ModelError(problem)
        operators.append(OperatorInfo(index=i, op=name, inputs=ins, outputs=outs,
                                      options=options, builtin_code=builtin, custom_code=custom))
    return ModelGraph(tensors=tensors, operators=tuple(operators), inputs=_indices(sub.inputs),
                      outputs=_indices(sub.outputs), size_bytes=len(tflite))


def parse_model(tflite: bytes) -> ModelGraph:
    """Parse a .tflite FlatBuffer into a :class:`ModelGraph` (its first subgraph, the others in ``subgraphs``).

    Raises :class:`ModelError` when the bytes are not a TFLite model, are truncated/corrupt, hold nothing to
    run (no subgraph, or a subgraph without operators), or a graph that would crash LiteRT or the code indexing
    its tensors (:mod:`~workbench.core.model.graph_checks`).
    """
    if not isinstance(tflite, (bytes, bytearray, memoryview)):
        raise ModelError("A model must be given as bytes.")
    tflite = bytes(tflite)
    if len(tflite) < _MIN_TFLITE_BYTES or tflite[_IDENTIFIER_OFFSET] != TFLITE_FILE_IDENTIFIER:
        raise ModelError("This is not a TensorFlow Lite model (no 'TFL3' FlatBuffer identifier).")
    try:
        model = schema.ModelT.InitFromPackedBuf(tflite, 0)
        if not model.subgraphs:
            raise ModelError("The model has no subgraph (no layers to run).")
        if not model.subgraphs[0].operators:  # LiteRT loads it, then has no output to read: refused here, as above
            raise ModelError("The model has no operators (nothing to run).")
        codes = [_op_name(c) for c in (model.operatorCodes or [])]
        buffers = list(model.buffers or [])  # one list for every subgraph: a copy each cost O(subgraphs x buffers)
        main, *nested = [_subgraph(sub, codes, buffers, tflite) for sub in model.subgraphs]
        if problem := graph_problem(main.inputs, main.outputs, len(main.tensors),
                                    [(op.op, op.outputs) for op in main.operators]):
            raise ModelError(problem)
        return ModelGraph(
            tensors=main.tensors, operators=main.operators, inputs=main.inputs, outputs=main.outputs,
            size_bytes=len(tflite), version=int(model.version or 0),
            description=_text(model.description), subgraph_count=len(model.subgraphs),
            metadata_names=tuple(_text(m.name) for m in (model.metadata or [])), subgraphs=tuple(nested))
    except ModelError:
        raise
    except Exception as exc:  # the generated parser raises anything from IndexError to struct.error
        raise unreadable_model(exc, len(tflite)) from exc
