"""A board log is only put beside the estimate when it is of the same model and the same accelerator."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.board.logs.profiler_log import parse_profiler_log
from workbench.board.runs.measured_report import attach_measurements
from workbench.core.errors import DeviceError
from workbench.core.model.model_params import read_params
from workbench.profiler.report import profile_model


def _seed_log(text: str, tflite: bytes) -> str:
    """The documented log with the model details the firmware prints for ``tflite`` (its own metadata)."""
    params = read_params(tflite)
    for key in ("name", "hash", "date"):
        old = next(line for line in text.splitlines() if line.startswith(f"{key.capitalize()}: "))
        text = text.replace(old, f"{key.capitalize()}: {params[key]}")
    return text


def test_the_same_model_and_accelerator_is_accepted(reference_model_path: Path, profiler_mvp_log: str) -> None:
    tflite = reference_model_path.read_bytes()
    report = profile_model(tflite, name="seed", accelerator="mvp")
    attach_measurements(report, parse_profiler_log(_seed_log(profiler_mvp_log, tflite)), source="x",
                        model_params=read_params(tflite))
    assert report.summary.measured is not None and report.layers[0].measured.cpu_cycles == 85_710


def test_another_accelerator_is_refused(reference_model_path: Path, profiler_mvp_log: str,
                                        profiler_none_log: str) -> None:
    tflite = reference_model_path.read_bytes()
    with pytest.raises(DeviceError) as caught:
        attach_measurements(profile_model(tflite, accelerator="none"), parse_profiler_log(profiler_mvp_log),
                            source="x")
    assert str(caught.value) == ("The board's profiler firmware runs with accelerator mvp, but the estimate is for "
                                 "none: give --accelerator mvp, or flash the none "
                                 "profiler firmware.")
    with pytest.raises(DeviceError, match="accelerator none, but the estimate is for mvp"):
        attach_measurements(profile_model(tflite, accelerator="mvp"), parse_profiler_log(profiler_none_log),
                            source="x")


def test_another_model_of_the_same_layers_is_refused(reference_model_path: Path, profiler_mvp_log: str) -> None:
    tflite = reference_model_path.read_bytes()
    report = profile_model(tflite, name="seed")
    log = parse_profiler_log(profiler_mvp_log)  # the documented log: the same layers, another hash
    with pytest.raises(DeviceError) as caught:
        attach_measurements(report, log, source="x", model_params=read_params(tflite))
    assert str(caught.value) == ("The board profiled a different model (Hash '36dd6db8f633c9fca61b418402ea698f' on "
                                 "the board, '127279a057fbc17f3fc6cda82a8c8e4e' in seed); flash it first "
                                 "(drop --no-flash).")


def test_without_name_and_hash_the_macs_decide(reference_model_path: Path, profiler_mvp_log: str) -> None:
    tflite = reference_model_path.read_bytes()
    doubled = profiler_mvp_log.replace("320.00k MACs", "640.00k MACs")  # a wider conv, same layer types
    with pytest.raises(DeviceError, match=r"different model \(656000 MACs on the board, 336000 in seed\)"):
        attach_measurements(profile_model(tflite, name="seed"), parse_profiler_log(doubled), source="x",
                            model_params={})
    report = attach_measurements(profile_model(tflite, name="seed"), parse_profiler_log(profiler_mvp_log),
                                 source="x", model_params={})
    assert report.summary.measured is not None
