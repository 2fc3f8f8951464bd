"""SL_PARAMSv1 read/write on the real reference model, checked by running the written model in LiteRT.

The reference model was written by MLTK itself, so its stored type codes are MLTK's own choices: our
encoder must reproduce them entry for entry.
"""

from __future__ import annotations

import flatbuffers
import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema

from workbench.core.errors import ModelError
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_params import params_buffer, read_params, write_params
from workbench.core.model.params_dictionary import (BIN, BOOL, F32, F64, FLOAT_LIST, I8, I16, I32, I64, INT32_LIST, STR,
                                                   STR_LIST, U8, U16, U32, U64, decode_dictionary, decode_entries,
                                                   encode_dictionary, value_type)
from workbench.core.model.tflite_graph import parse_model

F = np.float32  # the reference stores these as f32; compare at f32 precision

REFERENCE_PARAMS = {
    "name": "tflite_micro_speech", "version": 1, "classes": ["yes", "no", "_unknown_", "_silence_"],
    "hash": "127279a057fbc17f3fc6cda82a8c8e4e", "date": "2022-04-13T18:13:47.367Z",
    "runtime_memory_size": 9032, "average_window_duration_ms": 1000, "detection_threshold": 185,
    "suppression_ms": 750, "minimum_count": 3, "volume_gain": 2, "latency_ms": 100,
    "verbose_model_output_logs": False, "samplewise_norm.rescale": 0.0, "samplewise_norm.mean_and_std": False,
    "fe.sample_rate_hz": 16000, "fe.sample_length_ms": 1000, "fe.window_size_ms": 30, "fe.window_step_ms": 20,
    "fe.filterbank_n_channels": 40, "fe.filterbank_upper_band_limit": 7500.0,
    "fe.filterbank_lower_band_limit": 125.0, "fe.noise_reduction_enable": True,
    "fe.noise_reduction_smoothing_bits": 10, "fe.noise_reduction_even_smoothing": float(F(0.025)),
    "fe.noise_reduction_odd_smoothing": float(F(0.06)), "fe.noise_reduction_min_signal_remaining": float(F(0.05)),
    "fe.pcan_enable": True, "fe.pcan_strength": float(F(0.95)), "fe.pcan_offset": 80.0, "fe.pcan_gain_bits": 21,
    "fe.log_scale_enable": True, "fe.log_scale_shift": 6, "fe.fft_length": 512,
}


@pytest.fixture(scope="module")
def reference(reference_model_path) -> bytes:
    return reference_model_path.read_bytes()


def test_reads_all_34_reference_entries_exactly(reference) -> None:
    params = read_params(reference)
    assert len(params) == 34
    assert list(params) == list(REFERENCE_PARAMS)  # stored order
    for key, expected in REFERENCE_PARAMS.items():
        assert params[key] == expected and type(params[key]) is type(expected), key


def test_encoder_makes_mltks_type_choices(reference) -> None:
    """Re-encoding the values MLTK wrote gives MLTK's type code for every entry, and the same values."""
    stored = decode_entries(params_buffer(reference))
    ours = decode_entries(encode_dictionary(read_params(reference)))
    assert [(k, c) for k, c, _ in ours] == [(k, c) for k, c, _ in stored]
    assert ours == stored


def test_write_read_back_and_model_still_runs(reference, golden_dir) -> None:
    changes = {"detection_threshold": 200, "new_float": 0.125, "labels": ["a", "b"], "negative": -3,
               "huge": 2**40, "largest": 2**64 - 1, "most_negative": -(2**63), "wide_float": 1e300,
               "ints": [1, -2, 3], "floats": [0.5, 1.5], "blob": b"\x00\x01", "empty": ""}
    written = write_params(reference, {**read_params(reference), **changes})
    back = read_params(written)
    assert len(back) == 34 + len(changes) - 1
    for key, value in {**REFERENCE_PARAMS, **changes}.items():
        assert back[key] == value or key == "hash", key  # the hash is recomputed: test_model_params_hash.py
    assert list(back)[:34] == list(REFERENCE_PARAMS)
    features = np.load(golden_dir / "mltk_yes.npz")["features_int8"]
    np.testing.assert_array_equal(ModelRunner(written).run(features), ModelRunner(reference).run(features))


def test_rewrite_keeps_the_graph_and_every_other_buffer(reference) -> None:
    written = write_params(reference, {"detection_threshold": 99})
    before, after = parse_model(reference), parse_model(written)
    assert after.tensors == before.tensors and after.operators == before.operators
    old = schema.ModelT.InitFromPackedBuf(bytearray(reference), 0)
    new = schema.ModelT.InitFromPackedBuf(bytearray(written), 0)
    params_index = next(m.buffer for m in old.metadata if m.name == b"SL_PARAMSv1")
    assert len(new.buffers) == len(old.buffers)
    for i, (a, b) in enumerate(zip(old.buffers, new.buffers)):
        if i != params_index:
            assert (a.data is None and b.data is None) or bytes(a.data) == bytes(b.data), i
    assert [(m.name, m.buffer) for m in new.metadata] == [(m.name, m.buffer) for m in old.metadata]
    assert read_params(written) == {"detection_threshold": 99}


def test_weight_buffers_are_16_byte_aligned_after_writing(reference) -> None:
    written = write_params(reference, {"odd": "x" * 7})
    model = schema.Model.GetRootAs(written, 0)
    for i in range(model.BuffersLength()):
        buf = model.Buffers(i)
        if buf.DataLength():
            start = buf._tab.Vector(buf._tab.Offset(4))
            assert start % 16 == 0, i


@pytest.mark.parametrize("value,code", [
    (True, BOOL), (False, BOOL), (0, U8), (5, U8), (255, U8), (256, U16), (300, U16), (2**16, U32), (2**32, U64),
    (2**40, U64), (-1, I8), (-5, I8), (-129, I16), (-(2**15) - 1, I32), (-(2**31) - 1, I64), (-(2**40), I64),
    (0.5, F32), (7500.0, F32), (0.0, F64), (-0.5, F64), (1e300, F64), (1e-40, F64), ("s", STR), ([], STR_LIST),
    (["x"], STR_LIST), ([1, 2], INT32_LIST), ([1.5], FLOAT_LIST), ([1, 2.5], FLOAT_LIST), (b"ab", BIN),
])
def test_type_choices_follow_mltk(value, code) -> None:
    assert value_type(value) == code
    assert decode_dictionary(encode_dictionary({"k": value}))["k"] == value


def test_default_valued_scalars_round_trip() -> None:
    values = {"z": 0, "f": False, "x": 0.0, "s": "", "b": b"", "l": []}
    assert decode_dictionary(encode_dictionary(values)) == values


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, [2**31], [1, "a"], object(), {"a": 1}])
def test_unstorable_values_are_refused(value) -> None:
    with pytest.raises(ModelError):
        value_type(value)


def _with_params_buffer(reference: bytes, payload: bytes) -> bytes:
    model = schema.ModelT.InitFromPackedBuf(bytearray(reference), 0)
    index = next(m.buffer for m in model.metadata if m.name == b"SL_PARAMSv1")
    model.buffers[index].data = np.frombuffer(payload, dtype=np.uint8)
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def test_model_without_metadata_and_corrupt_input(reference) -> None:
    model = schema.ModelT.InitFromPackedBuf(bytearray(reference), 0)
    model.metadata = [m for m in model.metadata if m.name != b"SL_PARAMSv1"]
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    bare = bytes(builder.Output())
    assert read_params(bare) == {} and params_buffer(bare) is None
    assert read_params(write_params(bare, {"a": 1})) == {"a": 1}  # the entry is added
    with pytest.raises(ModelError, match="not a TensorFlow Lite"):
        read_params(b"not a model at all")
    with pytest.raises(ModelError, match="corrupt|truncated"):
        read_params(reference[: len(reference) // 3])


def test_corrupt_params_buffer_is_a_model_error(reference) -> None:
    good = params_buffer(reference)
    for payload in (np.random.default_rng(3).bytes(200), good[: len(good) // 2], b"\xff\xff\xff\x7f"):
        with pytest.raises(ModelError, match="SL_PARAMSv1"):
            read_params(_with_params_buffer(reference, payload))
    b = flatbuffers.Builder(0)  # a dictionary from a future schema version

    b.StartVector(4, 0, 4)
    vec = b.EndVector()
    b.StartObject(2)
    b.PrependUint8Slot(0, 2, 0)
    b.PrependUOffsetTRelativeSlot(1, vec, 0)
    b.Finish(b.EndObject())
    with pytest.raises(ModelError, match="schema version"):
        read_params(_with_params_buffer(reference, bytes(b.Output())))
