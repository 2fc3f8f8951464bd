"""A parameter rewrite recomputes the model's ``hash`` by MLTK's rule, as MLTK's update_params does.

The rule (MLTK 0.20.0, ``mltk/core/update_model_parameters.py``, ``add_default_parameters``): the MD5 of the model
packed with the FlatBuffers object API (buffers unaligned) with its ``SL_PARAMSv1`` entry holding the parameters
with ``hash`` and ``date`` empty. It is computed here independently of the writer, from the generated schema.
"""

from __future__ import annotations

import hashlib

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema

from workbench.cli.main import main
from workbench.core.model.model_params import METADATA_NAME, read_params, write_params
from workbench.core.model.params_dictionary import encode_dictionary

# MLTK 0.20.0 on a copy of ../shared/reference-models/tflite_micro_speech.tflite:
#   python -c "from mltk.core import update_model_parameters as u; u('copy.tflite', params={'date': \
#   '2024-01-01T00:00:00.000Z', 'runtime_memory_size': 9032, 'volume_gain': 2.0})"
# then TfliteModelParameters.load_from_tflite_model(TfliteModel.load_flatbuffer_file('copy.tflite'))['hash']
MLTK_UPDATE = {"date": "2024-01-01T00:00:00.000Z", "runtime_memory_size": 9032, "volume_gain": 2.0}
MLTK_HASH_AFTER_UPDATE = "fea6015d6fa33fbf40570a17d04dc45c"


def hash_by_mltks_rule(tflite: bytes) -> str:
    model = schema.ModelT.InitFromPackedBuf(bytearray(tflite), 0)
    emptied = {**read_params(tflite), "hash": "", "date": ""}
    meta = next(m for m in model.metadata if m.name.decode() == METADATA_NAME)
    model.buffers[meta.buffer] = schema.BufferT()
    model.buffers[meta.buffer].data = np.frombuffer(encode_dictionary(emptied), dtype=np.uint8)
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return hashlib.md5(builder.Output()).hexdigest()


def test_the_same_update_gives_mltks_hash(reference_model_path) -> None:
    reference = reference_model_path.read_bytes()
    written = write_params(reference, {**read_params(reference), **MLTK_UPDATE})
    assert read_params(written)["hash"] == MLTK_HASH_AFTER_UPDATE


def test_kws_params_set_recomputes_the_hash_of_the_written_file(reference_model_path, tmp_path, capsys) -> None:
    out = tmp_path / "tuned.tflite"
    assert main(["params", str(reference_model_path), "detection_threshold=200", "--output", str(out)]) == 0
    capsys.readouterr()
    written = out.read_bytes()
    params = read_params(written)
    assert params["detection_threshold"] == 200
    assert params["hash"] == hash_by_mltks_rule(written)
    assert params["hash"] != read_params(reference_model_path.read_bytes())["hash"]


def test_a_model_without_a_hash_is_given_none(reference_model_path) -> None:
    """MLTK always adds ``hash`` and ``date``; the workbench's writer leaves a model's keys as the caller gives
    them (training and ``kws average`` ask for both)."""
    reference = reference_model_path.read_bytes()
    without = {k: v for k, v in read_params(reference).items() if k != "hash"}
    assert "hash" not in read_params(write_params(reference, without))
