"""The ``SL_PARAMSv1`` dictionary: MLTK's model parameters as the bytes a model's metadata buffer holds.

The buffer is a FlatBuffer ``Dictionary {schema_version: uint8; entries: [Entry {key: string; value: Value}]}``
where ``Value`` is a union (codes below), each member a table with one field (``value`` or ``data``).
Encoding follows MLTK's type choices so MLTK and the firmware read our files: bool; ints as the smallest
unsigned type if >= 0 else the smallest signed; floats as f32 when in the positive normal f32 range
[FLT_MIN, FLT_MAX] else f64 (so 0.0 and negative floats are f64, as MLTK writes them); str; lists by element
type; bytes as a binary blob. The firmware casts any scalar type to what it asks for, but list types must match.

Why apart from :mod:`workbench.core.model.model_params`, which finds this buffer in a ``.tflite`` and puts it back:
the codec reads and writes bytes only (a sweep's budget sizes the parameters of a model not yet trained with it).
"""

from __future__ import annotations

import struct
from typing import Any, Mapping, Union

import flatbuffers
import numpy as np
from flatbuffers import number_types as N
from flatbuffers.table import Table

from workbench.core.errors import ModelError

METADATA_NAME = "SL_PARAMSv1"  # the model metadata entry that holds the dictionary
SCHEMA_VERSION = 1

ParamValue = Union[bool, int, float, str, list, bytes]

# union type codes of ``Value`` in MLTK's dictionary.fbs
BOOL, I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, STR, STR_LIST, INT32_LIST, FLOAT_LIST, BIN = range(1, 17)
_SCALARS = {
    BOOL: N.BoolFlags, I8: N.Int8Flags, U8: N.Uint8Flags, I16: N.Int16Flags, U16: N.Uint16Flags,
    I32: N.Int32Flags, U32: N.Uint32Flags, I64: N.Int64Flags, U64: N.Uint64Flags,
    F32: N.Float32Flags, F64: N.Float64Flags,
}
_EMPTY = {STR: "", STR_LIST: [], INT32_LIST: [], FLOAT_LIST: [], BIN: b""}
_INT_RANGES = [  # smallest type that holds the value: unsigned for >= 0, signed otherwise (MLTK's order)
    (U8, 0, 2**8 - 1), (U16, 0, 2**16 - 1), (U32, 0, 2**32 - 1), (U64, 0, 2**64 - 1),
    (I8, -(2**7), 2**7 - 1), (I16, -(2**15), 2**15 - 1), (I32, -(2**31), 2**31 - 1), (I64, -(2**63), 2**63 - 1),
]
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
# MLTK stores a float as f32 only inside the positive normal f32 range [FLT_MIN, FLT_MAX]; zero and
# negative floats go to f64. Following it keeps our files byte-identical to MLTK's for the same values.
_F32_MIN_NORMAL = float(np.finfo(np.float32).tiny)
_F32_MAX = float(np.finfo(np.float32).max)
_UOFFSET = 4  # bytes of a FlatBuffer offset / vector length
_FIRST_FIELD = 4  # vtable offsets of a table's fields
_SECOND_FIELD = 6
_THIRD_FIELD = 8


# -- decoding ----------------------------------------------------------------------------------
def _check_span(buf: bytes, start: int, nbytes: int) -> None:
    if start < 0 or nbytes < 0 or start + nbytes > len(buf):
        raise IndexError(f"data at {start}+{nbytes} lies outside the {len(buf)}-byte buffer")


def _field_table(table: Table, slot: int) -> Table | None:
    o = table.Offset(slot)
    return Table(table.Bytes, table.Indirect(o + table.Pos)) if o else None


def _vector(table: Table, slot: int, item_size: int) -> tuple[int, int]:
    """(start, count) of a vector field, checked to lie inside the buffer."""
    o = table.Offset(slot)
    if not o:
        return 0, 0
    start, count = table.Vector(o), table.VectorLen(o)
    _check_span(table.Bytes, start, count * item_size)
    return start, count


def _string(table: Table, pos: int) -> str:
    start = table.Indirect(pos)
    _check_span(table.Bytes, start, _UOFFSET)
    length = struct.unpack_from("<I", table.Bytes, start)[0]
    _check_span(table.Bytes, start + _UOFFSET, length)
    return bytes(table.Bytes[start + _UOFFSET : start + _UOFFSET + length]).decode("utf-8")


def _decode_value(code: int, value: Table | None) -> ParamValue:
    if code in _SCALARS:
        flags = _SCALARS[code]
        o = value.Offset(_FIRST_FIELD) if value is not None else 0
        result = value.Get(flags, o + value.Pos) if value is not None and o else flags.py_type(0)
        return bool(result) if code == BOOL else result
    if code not in _EMPTY:
        raise ModelError(f"the model's {METADATA_NAME} parameters use an unknown value type ({code})")
    if value is None or not value.Offset(_FIRST_FIELD):
        return _EMPTY[code]
    if code == STR:
        return _string(value, value.Offset(_FIRST_FIELD) + value.Pos)
    buf = value.Bytes
    if code == STR_LIST:
        start, count = _vector(value, _FIRST_FIELD, _UOFFSET)
        return [_string(value, start + _UOFFSET * i) for i in range(count)]
    item = 1 if code == BIN else 4
    start, count = _vector(value, _FIRST_FIELD, item)
    raw = bytes(buf[start : start + item * count])
    if code == INT32_LIST:
        return np.frombuffer(raw, "<i4").tolist()
    if code == FLOAT_LIST:
        return np.frombuffer(raw, "<f4").tolist()
    return raw


def decode_entries(buf: bytes) -> list[tuple[str, int, ParamValue]]:
    """``(key, union type code, value)`` of every entry of an ``SL_PARAMSv1`` buffer, in stored order.

    The type codes matter to the firmware (list types must match exactly), so tools can show them.
    Anything malformed is a :class:`ModelError`.
    """
    try:
        _check_span(buf, 0, _UOFFSET)
        root = Table(buf, struct.unpack_from("<I", buf, 0)[0])
        vo = root.Offset(_FIRST_FIELD)
        version = root.Get(N.Uint8Flags, vo + root.Pos) if vo else 0
        if not 1 <= version <= SCHEMA_VERSION:
            raise ModelError(f"the model's {METADATA_NAME} parameters have an unsupported schema version "
                             f"({version}; this workbench reads version {SCHEMA_VERSION})")
        start, count = _vector(root, _SECOND_FIELD, _UOFFSET)
        entries: list[tuple[str, int, ParamValue]] = []
        for i in range(count):
            pos = start + _UOFFSET * i
            entry = Table(buf, pos + struct.unpack_from("<I", buf, pos)[0])
            ko = entry.Offset(_FIRST_FIELD)
            key = _string(entry, ko + entry.Pos) if ko else ""
            to = entry.Offset(_SECOND_FIELD)
            code = entry.Get(N.Uint8Flags, to + entry.Pos) if to else 0
            entries.append((key, code, _decode_value(code, _field_table(entry, _THIRD_FIELD))))
        return entries
    except (struct.error, IndexError, UnicodeDecodeError, ValueError, TypeError) as exc:  # flatbuffers: TypeError
        raise ModelError(f"the model's {METADATA_NAME} parameters are corrupt ({exc})") from None


def decode_dictionary(buf: bytes) -> dict[str, ParamValue]:
    """Parse an ``SL_PARAMSv1`` buffer into ``{key: value}`` (stored order)."""
    return {key: value for key, _, value in decode_entries(buf)}


# -- encoding ----------------------------------------------------------------------------------
def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def value_type(value: ParamValue) -> int:
    """The union code MLTK would choose for ``value`` (:class:`ModelError` if it cannot be stored)."""
    if isinstance(value, (bool, np.bool_)):
        return BOOL
    if _is_int(value):
        for code, lo, hi in _INT_RANGES:
            if lo <= int(value) <= hi:
                return code
        raise ModelError(f"the integer parameter {value} does not fit in 64 bits")
    if isinstance(value, (float, np.floating)):
        return F32 if _F32_MIN_NORMAL <= float(value) <= _F32_MAX else F64
    if isinstance(value, str):
        return STR
    if isinstance(value, (bytes, bytearray)):
        return BIN
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
        if all(isinstance(v, str) for v in items):
            return STR_LIST  # an empty list too, as MLTK does
        if all(_is_int(v) for v in items):
            if any(not _INT32_MIN <= int(v) <= _INT32_MAX for v in items):
                raise ModelError("an integer list parameter holds a value outside the int32 range")
            return INT32_LIST
        if all(_is_int(v) or isinstance(v, (float, np.floating)) for v in items):
            return FLOAT_LIST
        raise ModelError("a list parameter must hold only strings, only integers or only numbers")
    raise ModelError(f"cannot store a parameter of type {type(value).__name__}: {value!r}")


def stored_float(value: float) -> float:
    """The float a file holds once ``value`` is written: rounded to float32 where :func:`value_type` stores an f32
    (1.23456789 becomes 1.2345678806), else as it is. Why: a value typed or tuned is used as the file will hold
    it, so what runs now, what is saved and what is read back are one number."""
    return float(np.float32(value)) if value_type(float(value)) == F32 else float(value)


def _encode_value(b: flatbuffers.Builder, code: int, value: ParamValue) -> int:
    if code in _SCALARS:
        flags = _SCALARS[code]
        b.StartObject(1)
        v = bool(value) if code == BOOL else (float(value) if code in (F32, F64) else int(value))
        b.PrependSlot(flags, 0, v, flags.py_type(0))  # a default value is omitted, as FlatBuffers does
        return b.EndObject()
    if code == STR:
        data = b.CreateString(str(value))
    elif code == BIN:
        data = b.CreateByteVector(bytes(value))
    elif code == STR_LIST:
        strings = [b.CreateString(str(s)) for s in value]
        b.StartVector(_UOFFSET, len(strings), _UOFFSET)
        for off in reversed(strings):
            b.PrependUOffsetTRelative(off)
        data = b.EndVector()
    else:
        dtype = "<i4" if code == INT32_LIST else "<f4"
        data = b.CreateNumpyVector(np.asarray([v for v in value], dtype=dtype))
    b.StartObject(1)
    b.PrependUOffsetTRelativeSlot(0, data, 0)
    return b.EndObject()


def encode_dictionary(params: Mapping[str, ParamValue]) -> bytes:
    """Serialise ``params`` as an ``SL_PARAMSv1`` buffer (same layout MLTK's writer produces)."""
    b = flatbuffers.Builder(1024)
    entries = []
    for key, value in params.items():
        code = value_type(value)
        key_off = b.CreateString(str(key))
        value_off = _encode_value(b, code, value)
        b.StartObject(3)  # Entry {key; value_type; value}, fields added in MLTK's order
        b.PrependUOffsetTRelativeSlot(0, key_off, 0)
        b.PrependUOffsetTRelativeSlot(2, value_off, 0)
        b.PrependUint8Slot(1, code, 0)
        entries.append(b.EndObject())
    b.StartVector(_UOFFSET, len(entries), _UOFFSET)
    for off in reversed(entries):
        b.PrependUOffsetTRelative(off)
    vec = b.EndVector()
    b.StartObject(2)
    b.PrependUint8Slot(0, SCHEMA_VERSION, 0)
    b.PrependUOffsetTRelativeSlot(1, vec, 0)
    b.Finish(b.EndObject())
    return bytes(b.Output())
