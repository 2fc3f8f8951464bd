"""MLTK's model parameters: the ``SL_PARAMSv1`` metadata entry of a ``.tflite`` file.

The EFR32 firmware reads classes, detection parameters and ``fe.*`` frontend settings from this entry,
so the workbench reads it to configure itself and writes it to hand tuned values to the board. The
buffer is a FlatBuffer ``Dictionary {schema_version: uint8; entries: [Entry {key: string; value: Value}]}``
where ``Value`` is a union (codes below), each member a table with one field (``value`` or ``data``).
Encoding follows MLTK's type choices so MLTK and the firmware read our files: bool; ints as the smallest
unsigned type if >= 0 else the smallest signed; floats as f32 when within f32 range else f64; str; lists
by element type; bytes as a binary blob.
"""

from __future__ import annotations

import struct
from typing import Any, Mapping, Union

import flatbuffers
import numpy as np
from flatbuffers import number_types as N
from flatbuffers.table import Table

from workbench.core.errors import ModelError

METADATA_NAME = "SL_PARAMSv1"
SCHEMA_VERSION = 1
TFLITE_IDENTIFIER = b"TFL3"

ParamValue = Union[bool, int, float, str, list, bytes]

# union type codes → (name, scalar flatbuffers type or None for vectors/strings)
BOOL, I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, STR, STR_LIST, INT32_LIST, FLOAT_LIST, BIN = range(1, 17)
_SCALARS = {
    BOOL: N.BoolFlags, I8: N.Int8Flags, U8: N.Uint8Flags, I16: N.Int16Flags, U16: N.Uint16Flags,
    I32: N.Int32Flags, U32: N.Uint32Flags, I64: N.Int64Flags, U64: N.Uint64Flags,
    F32: N.Float32Flags, F64: N.Float64Flags,
}
_INT_RANGES = [  # smallest type that holds the value, MLTK's order
    (U8, 0, 2**8 - 1), (U16, 0, 2**16 - 1), (U32, 0, 2**32 - 1), (U64, 0, 2**64 - 1),
    (I8, -(2**7), 2**7 - 1), (I16, -(2**15), 2**15 - 1), (I32, -(2**31), 2**31 - 1), (I64, -(2**63), 2**63 - 1),
]
_F32_MAX = float(np.finfo(np.float32).max)
_FIRST_FIELD = 4  # vtable offset of a table's first field
_SECOND_FIELD = 6
_THIRD_FIELD = 8


# -- decoding ----------------------------------------------------------------------------------
def _table_at(buf: bytes, pos: int) -> Table:
    return Table(buf, pos)


def _field_table(table: Table, slot: int) -> Table | None:
    o = table.Offset(slot)
    return Table(table.Bytes, table.Indirect(o + table.Pos)) if o else None


def _vector(table: Table, slot: int) -> tuple[int, int]:
    o = table.Offset(slot)
    if not o:
        return 0, 0
    return table.Vector(o), table.VectorLen(o)


def _decode_value(code: int, value: Table | None) -> ParamValue:
    if code in _SCALARS:
        flags = _SCALARS[code]
        o = value.Offset(_FIRST_FIELD) if value else 0
        result = value.Get(flags, o + value.Pos) if o else flags.py_type(0)
        return bool(result) if code == BOOL else result
    if value is None:
        return {STR: "", STR_LIST: [], INT32_LIST: [], FLOAT_LIST: [], BIN: b""}.get(code, None)
    if code == STR:
        o = value.Offset(_FIRST_FIELD)
        return value.String(o + value.Pos).decode("utf-8") if o else ""
    start, count = _vector(value, _FIRST_FIELD)
    buf = value.Bytes
    if code == STR_LIST:
        out = []
        for i in range(count):
            pos = start + 4 * i
            out.append(value.String(pos).decode("utf-8"))
        return out
    if code == INT32_LIST:
        return np.frombuffer(bytes(buf[start : start + 4 * count]), "<i4").tolist()
    if code == FLOAT_LIST:
        return np.frombuffer(bytes(buf[start : start + 4 * count]), "<f4").tolist()
    if code == BIN:
        return bytes(buf[start : start + count])
    raise ModelError(f"unknown parameter value type {code} in {METADATA_NAME}")


def decode_dictionary(buf: bytes) -> dict[str, ParamValue]:
    """Parse an ``SL_PARAMSv1`` buffer."""
    try:
        root = Table(buf, struct.unpack_from("<I", buf, 0)[0])
        start, count = _vector(root, _SECOND_FIELD)
        params: dict[str, ParamValue] = {}
        for i in range(count):
            pos = start + 4 * i
            entry = Table(buf, pos + struct.unpack_from("<I", buf, pos)[0])
            ko = entry.Offset(_FIRST_FIELD)
            key = entry.String(ko + entry.Pos).decode("utf-8") if ko else ""
            to = entry.Offset(_SECOND_FIELD)
            code = entry.Get(N.Uint8Flags, to + entry.Pos) if to else 0
            params[key] = _decode_value(code, _field_table(entry, _THIRD_FIELD))
        return params
    except (struct.error, IndexError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"the model's {METADATA_NAME} parameters are corrupt ({exc})") from None


# -- encoding ----------------------------------------------------------------------------------
def value_type(value: ParamValue) -> int:
    """The union code MLTK would choose for ``value``."""
    if isinstance(value, (bool, np.bool_)):
        return BOOL
    if isinstance(value, (int, np.integer)):
        for code, lo, hi in _INT_RANGES:
            if lo <= int(value) <= hi:
                return code
        raise ModelError(f"integer parameter {value} does not fit in 64 bits")
    if isinstance(value, (float, np.floating)):
        return F32 if abs(float(value)) <= _F32_MAX or not np.isfinite(value) else F64
    if isinstance(value, str):
        return STR
    if isinstance(value, (bytes, bytearray)):
        return BIN
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
        if all(isinstance(v, str) for v in items):
            return STR_LIST
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
            return INT32_LIST
        if all(isinstance(v, (int, float, np.integer, np.floating)) for v in items):
            return FLOAT_LIST
    raise ModelError(f"cannot store a parameter of type {type(value).__name__}: {value!r}")


def _encode_value(b: flatbuffers.Builder, code: int, value: ParamValue) -> int:
    if code in _SCALARS:
        flags = _SCALARS[code]
        b.StartObject(1)
        v = bool(value) if code == BOOL else (float(value) if code in (F32, F64) else int(value))
        b.PrependSlot(flags, 0, v, flags.py_type(0))
        return b.EndObject()
    if code == STR:
        data = b.CreateString(str(value))
    elif code == BIN:
        data = b.CreateByteVector(bytes(value))
    elif code == STR_LIST:
        strings = [b.CreateString(s) for s in value]
        b.StartVector(4, len(strings), 4)
        for off in reversed(strings):
            b.PrependUOffsetTRelative(off)
        data = b.EndVector()
    else:
        dtype = "<i4" if code == INT32_LIST else "<f4"
        data = b.CreateNumpyVector(np.asarray(list(value), dtype=dtype))
    b.StartObject(1)
    b.PrependUOffsetTRelativeSlot(0, data, 0)
    return b.EndObject()


def encode_dictionary(params: Mapping[str, ParamValue]) -> bytes:
    b = flatbuffers.Builder(1024)
    entries = []
    for key, value in params.items():
        code = value_type(value)
        value_off = _encode_value(b, code, value)
        key_off = b.CreateString(str(key))
        b.StartObject(3)
        b.PrependUOffsetTRelativeSlot(2, value_off, 0)
        b.PrependUOffsetTRelativeSlot(0, key_off, 0)
        b.PrependUint8Slot(1, code, 0)
        entries.append(b.EndObject())
    b.StartVector(4, len(entries), 4)
    for off in reversed(entries):
        b.PrependUOffsetTRelative(off)
    vec = b.EndVector()
    b.StartObject(2)
    b.PrependUOffsetTRelativeSlot(1, vec, 0)
    b.PrependUint8Slot(0, SCHEMA_VERSION, 0)
    b.Finish(b.EndObject())
    return bytes(b.Output())


# -- the model file ----------------------------------------------------------------------------
def _model_object(tflite: bytes) -> Any:
    from ai_edge_litert import schema_py_generated as schema

    if len(tflite) < 8 or tflite[4:8] != TFLITE_IDENTIFIER:
        raise ModelError("not a TensorFlow Lite model (the file identifier 'TFL3' is missing)")
    try:
        return schema, schema.ModelT.InitFromPackedBuf(bytearray(tflite), 0)
    except Exception as exc:  # the generated parser raises whatever the corrupt bytes trigger
        raise ModelError(f"the TensorFlow Lite model is corrupt or truncated ({type(exc).__name__})") from None


def read_params(tflite: bytes) -> dict[str, ParamValue]:
    """All parameters embedded in a model, in stored order ({} when it has none)."""
    schema, model = _model_object(tflite)
    for meta in model.metadata or []:
        name = meta.name.decode() if isinstance(meta.name, bytes) else meta.name
        if name == METADATA_NAME:
            data = model.buffers[meta.buffer].data
            return decode_dictionary(bytes(np.asarray(data, dtype=np.uint8))) if data is not None else {}
    return {}


def write_params(tflite: bytes, params: Mapping[str, ParamValue]) -> bytes:
    """A copy of the model whose ``SL_PARAMSv1`` entry holds exactly ``params``."""
    schema, model = _model_object(tflite)
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(encode_dictionary(params), dtype=np.uint8)
    for meta in model.metadata or []:
        name = meta.name.decode() if isinstance(meta.name, bytes) else meta.name
        if name == METADATA_NAME:
            model.buffers[meta.buffer] = buffer
            break
    else:
        meta = schema.MetadataT()
        meta.name = METADATA_NAME
        model.buffers.append(buffer)
        meta.buffer = len(model.buffers) - 1
        model.metadata = (model.metadata or []) + [meta]
    builder = flatbuffers.Builder(len(tflite) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=TFLITE_IDENTIFIER)
    return bytes(builder.Output())
