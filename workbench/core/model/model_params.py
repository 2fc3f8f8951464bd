"""MLTK's model parameters: the ``SL_PARAMSv1`` metadata entry of a ``.tflite`` file.

The EFR32 firmware reads classes, detection parameters and ``fe.*`` frontend settings from this entry,
so the workbench reads it to configure itself and writes it to hand tuned values to the board. This module
finds the entry's buffer in a model and puts a new one back (with MLTK's ``hash`` of the result); the buffer's
own bytes are :mod:`workbench.core.model.params_dictionary`'s.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping

import flatbuffers
import numpy as np

from workbench.core.errors import ModelError, unreadable_model
from workbench.core.model.params_dictionary import METADATA_NAME, ParamValue, decode_dictionary, encode_dictionary

HASH_PARAM = "hash"  # MLTK's identity of the model with its parameters (params_hash)
DATE_PARAM = "date"  # emptied with the hash while the hash is computed, as MLTK does
TFLITE_IDENTIFIER = b"TFL3"
_IDENTIFIER_SLICE = slice(4, 8)  # a FlatBuffer's file identifier follows its 4-byte root offset
_MIN_TFLITE_BYTES = 8
_BUILDER_SLACK = 4096  # room for vtables and padding, so the builder rarely has to grow
_BUFFER_ALIGNMENT = 16  # what the TFLite converter gives weight buffers (int32/float reads stay aligned)
_EXTERNAL_DATA_MARKER = 1  # Buffer.offset > 1: data appended after the FlatBuffer (models > 2 GB)


# -- the model file ----------------------------------------------------------------------------
def unpack_model(tflite: bytes) -> tuple[Any, Any]:
    """(schema module, unpacked ``ModelT``) of a .tflite, or a :class:`ModelError`."""
    from ai_edge_litert import schema_py_generated as schema

    if len(tflite) < _MIN_TFLITE_BYTES or tflite[_IDENTIFIER_SLICE] != TFLITE_IDENTIFIER:
        raise ModelError("not a TensorFlow Lite model (the file identifier 'TFL3' is missing)")
    try:
        return schema, schema.ModelT.InitFromPackedBuf(bytearray(tflite), 0)
    except Exception as exc:  # the generated parser raises whatever the corrupt bytes trigger
        raise unreadable_model(exc, len(tflite)) from None


def _params_metadata(model: Any) -> Any | None:
    for meta in model.metadata or []:
        name = meta.name.decode("utf-8", "replace") if isinstance(meta.name, bytes) else meta.name
        if name == METADATA_NAME:
            if not 0 <= meta.buffer < len(model.buffers or []):
                raise ModelError(f"the model's {METADATA_NAME} metadata points to a missing buffer")
            return meta
    return None


def params_buffer(tflite: bytes) -> bytes | None:
    """The raw ``SL_PARAMSv1`` buffer of a model (None when it has none)."""
    _, model = unpack_model(tflite)
    return _params_bytes(model)


def _params_bytes(model: Any) -> bytes | None:
    meta = _params_metadata(model)
    if meta is None:
        return None
    data = model.buffers[meta.buffer].data
    return np.asarray(data, dtype=np.uint8).tobytes() if data is not None else b""


def read_params(tflite: bytes) -> dict[str, ParamValue]:
    """All parameters embedded in a model, in stored order ({} when it has none)."""
    buf = params_buffer(tflite)
    return decode_dictionary(buf) if buf else {}


def read_params_and_identity(tflite: bytes) -> tuple[dict[str, ParamValue], str]:
    """The parameters embedded in a model and a hash of the model without them, from one parse of the file.

    Why the identity: a file whose parameters another tool rewrote (``kws params --in-place``) still holds the
    same network, so what was tuned for it still applies, while a retrained one is another model. It hashes the
    model packed again without its ``SL_PARAMSv1`` entry, so neither the parameters nor the layout of the file
    (a rewrite aligns every buffer) change it; where the model cannot be packed, the file's bytes are hashed.
    """
    schema, model = unpack_model(tflite)
    buf = _params_bytes(model)
    params = decode_dictionary(buf) if buf else {}
    return params, _identity_without_params(schema, model, _params_metadata(model), tflite)


def _identity_without_params(schema: Any, model: Any, meta: Any | None, tflite: bytes) -> str:
    """sha256 of ``model`` (unpacked, changed here) packed without its parameters: their buffer is dropped when it
    is the last one (where writing them first appends it), else emptied (where a rewrite keeps it)."""
    if meta is not None:
        model.metadata = [m for m in model.metadata if m is not meta]
        if meta.buffer == len(model.buffers) - 1:
            model.buffers = model.buffers[:-1]
        else:
            model.buffers[meta.buffer].data = None
    try:
        packed = pack_model(schema, model, len(tflite))
    except ModelError:  # weights stored outside the FlatBuffer
        packed = tflite
    return hashlib.sha256(packed).hexdigest()


def _aligned_buffer_class(schema: Any) -> type:
    """A ``BufferT`` that packs its data 16-byte aligned, as the TFLite converter does.

    Why: the generated ``BufferT.Pack`` aligns bytes to 1, so after a rewrite an int32 bias or a float
    weight could start at an odd address; desktop runtimes cope, but on a Cortex-M a misaligned
    word access can fault. Aligning costs a few padding bytes.
    """

    class AlignedBufferT(schema.BufferT):  # type: ignore[misc, name-defined]
        def Pack(self, builder: flatbuffers.Builder) -> int:  # noqa: N802 (generated API name)
            data = None
            if self.data is not None and len(self.data):
                raw = np.asarray(self.data, dtype=np.uint8).tobytes()
                builder.StartVector(1, len(raw), _BUFFER_ALIGNMENT)
                builder.head = builder.head - len(raw)
                builder.Bytes[builder.head : builder.head + len(raw)] = raw
                data = builder.EndVector()
            schema.BufferStart(builder)
            if data is not None:
                schema.BufferAddData(builder, data)
            schema.BufferAddOffset(builder, self.offset)
            schema.BufferAddSize(builder, self.size)
            return schema.BufferEnd(builder)

    return AlignedBufferT


def write_params(tflite: bytes, params: Mapping[str, ParamValue], *, rehash: bool = True) -> bytes:
    """A copy of the model whose ``SL_PARAMSv1`` entry holds exactly ``params`` (a ``hash`` recomputed unless
    ``rehash`` is False, see :func:`set_params`); all else is kept."""
    payload = encode_dictionary(params)  # fail on an unstorable value before touching the model
    schema, model = unpack_model(tflite)
    set_params(schema, model, params, rehash=rehash)
    return pack_model(schema, model, len(tflite) + len(payload))


def set_params(schema: Any, model: Any, params: Mapping[str, ParamValue], *, rehash: bool = True) -> None:
    """Make an unpacked (and edited) ``ModelT``'s ``SL_PARAMSv1`` entry hold exactly ``params``, so a
    caller that packs the model anyway does not pack, unpack and pack it again (:func:`write_params`). A ``hash``
    key is recomputed for the model as written (:func:`params_hash`), as MLTK's update_params does; a model without
    one is given none. ``rehash`` False keeps the given hash: a working copy that must still name the user's model,
    as MLTK's ``profile_model`` keeps it when it drops ``runtime_memory_size`` for the board."""
    if rehash and HASH_PARAM in params:
        params = {**params, HASH_PARAM: params_hash(schema, model, params)}
    _set_params_payload(schema, model, encode_dictionary(params))


def params_hash(schema: Any, model: Any, params: Mapping[str, ParamValue]) -> str:
    """MLTK's ``hash`` parameter: the MD5 of the model packed as MLTK packs it (the FlatBuffers object API,
    buffers unaligned) with ``SL_PARAMSv1`` holding ``params`` with ``hash`` and ``date`` empty (MLTK 0.20.0,
    ``mltk/core/update_model_parameters.py``, ``add_default_parameters``; ``mltk/utils/hasher.py``). Why: the
    firmware prints it to name the model and MLTK recomputes it at every parameter update. The packing, not the file's
    bytes, makes it the same for a model MLTK wrote and one written here. Leaves ``model``'s parameters emptied."""
    _set_params_payload(schema, model, encode_dictionary({**params, HASH_PARAM: "", DATE_PARAM: ""}))
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=TFLITE_IDENTIFIER)
    return hashlib.md5(builder.Output()).hexdigest()


def _set_params_payload(schema: Any, model: Any, payload: bytes) -> None:
    params_buffer = schema.BufferT()
    params_buffer.data = np.frombuffer(payload, dtype=np.uint8)
    meta = _params_metadata(model)
    if meta is not None:
        model.buffers[meta.buffer] = params_buffer
    else:
        meta = schema.MetadataT()
        meta.name = METADATA_NAME
        model.buffers = (model.buffers or []) + [params_buffer]
        meta.buffer = len(model.buffers) - 1
        model.metadata = (model.metadata or []) + [meta]


def pack_model(schema: Any, model: Any, size_hint: int = 0) -> bytes:
    """The .tflite bytes of an unpacked (and edited) ``ModelT``, every buffer 16-byte aligned."""
    buffers = model.buffers or []
    if any((b.offset or 0) > _EXTERNAL_DATA_MARKER for b in buffers):
        raise ModelError("models whose weights are stored outside the FlatBuffer (over 2 GB) are not supported")
    aligned = _aligned_buffer_class(schema)
    model.buffers = []
    for old in buffers:
        new = aligned()
        new.data, new.offset, new.size = old.data, old.offset, old.size
        model.buffers.append(new)
    builder = flatbuffers.Builder(size_hint + _BUILDER_SLACK)
    builder.Finish(model.Pack(builder), file_identifier=TFLITE_IDENTIFIER)
    return bytes(builder.Output())
