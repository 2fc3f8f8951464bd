"""SL_PARAMSv1 read/write on the real reference model, checked by running the written model in LiteRT."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.errors import ModelError
from workbench.core.inference import ModelRunner
from workbench.core.model_params import (BIN, F32, F64, FLOAT_LIST, I8, I64, INT32_LIST, STR_LIST, U8, U16,
                                         U64, decode_dictionary, encode_dictionary, read_params, value_type,
                                         write_params)


@pytest.fixture(scope="module")
def reference(reference_model_path) -> bytes:
    return reference_model_path.read_bytes()


def test_reads_all_34_reference_entries(reference) -> None:
    p = read_params(reference)
    assert len(p) == 34
    assert p["classes"] == ["yes", "no", "_unknown_", "_silence_"]
    assert (p["detection_threshold"], p["average_window_duration_ms"], p["suppression_ms"],
            p["minimum_count"], p["volume_gain"], p["latency_ms"]) == (185, 1000, 750, 3, 2, 100)
    assert p["runtime_memory_size"] == 9032 and p["name"] == "tflite_micro_speech"
    assert p["fe.filterbank_n_channels"] == 40 and p["fe.window_step_ms"] == 20
    assert p["fe.filterbank_upper_band_limit"] == 7500.0 and p["fe.pcan_enable"] is True
    assert p["verbose_model_output_logs"] is False
    assert sum(k.startswith("fe.") for k in p) == 19


def test_write_read_back_and_model_still_runs(reference, golden_dir) -> None:
    changes = {"detection_threshold": 200, "new_float": 0.125, "labels": ["a", "b"], "negative": -3,
               "huge": 2**40, "wide_float": 1e300, "ints": [1, -2, 3], "floats": [0.5, 1.5], "blob": b"\x00\x01"}
    written = write_params(reference, {**read_params(reference), **changes})
    back = read_params(written)
    assert len(back) == 34 + len(changes) - 1
    for key, value in changes.items():
        assert back[key] == value
    features = np.load(golden_dir / "mltk_yes.npz")["features_int8"]
    np.testing.assert_array_equal(ModelRunner(written).run(features), ModelRunner(reference).run(features))


@pytest.mark.parametrize("value,code", [(True, 1), (5, U8), (300, U16), (2**40, U64), (-5, I8), (-(2**40), I64),
                                        (0.5, F32), (1e300, F64), (["x"], STR_LIST), ([1, 2], INT32_LIST),
                                        ([1.5], FLOAT_LIST), (b"ab", BIN)])
def test_type_choices_follow_mltk(value, code) -> None:
    assert value_type(value) == code
    assert decode_dictionary(encode_dictionary({"k": value}))["k"] == value


def test_default_valued_scalars_round_trip() -> None:
    assert decode_dictionary(encode_dictionary({"z": 0, "f": False, "x": 0.0})) == {"z": 0, "f": False, "x": 0.0}


def test_model_without_metadata_and_corrupt_input(reference) -> None:
    stripped = write_params(reference, {})
    assert read_params(stripped) == {}
    with pytest.raises(ModelError):
        read_params(b"not a model at all")
    with pytest.raises(ModelError):
        read_params(reference[: len(reference) // 3])
    with pytest.raises(ModelError):
        value_type(object())  # type: ignore[arg-type]
