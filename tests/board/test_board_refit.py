"""Saved measurements and the cycle-estimate refit (workbench.profiler.refit)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.board.logs.profiler_log import parse_profiler_log
from workbench.board.runs.measured_report import attach_measurements
from workbench.board.measurements import MeasurementStore, default_store_dir
from workbench.core.errors import DeviceError, WorkbenchError
from workbench.profiler.refit import CycleRefit, apply_refit, fit_refit
from workbench.profiler.report import profile_model


@pytest.fixture
def measured(reference_model_path: Path, profiler_mvp_log: str):
    report = profile_model(reference_model_path.read_bytes(), name="seed")
    return attach_measurements(report, parse_profiler_log(profiler_mvp_log), source="test board", platform="brd2601")


def test_ratio_of_sums_per_op_placement_and_quantity(measured) -> None:
    doc = measured.to_dict()
    refit = fit_refit([doc, doc])
    assert refit.measurements == 2
    conv = refit.factors[("CONV_2D", "mvp", "cpu_cycles")]
    assert conv.layers == 2 and conv.factor == pytest.approx(85_710 / measured.layers[0].cpu_cycles)
    assert ("RESHAPE", "cpu", "accelerator_cycles") not in refit.factors  # an estimate of 0 teaches nothing
    assert refit.factor("RESHAPE", "cpu", "accelerator_cycles") == 1.0
    assert refit.factor("DEPTHWISE_CONV_2D", "mvp", "time_ms") == 1.0  # never measured


def test_times_are_compared_as_cycles_across_clocks(measured) -> None:
    doc = json.loads(json.dumps(measured.to_dict()))
    doc["summary"]["measured"]["clock_hz"] = 39_000_000  # the same times at half the clock = half the cycles
    refit = fit_refit([doc])
    plain = fit_refit([measured.to_dict()])
    assert refit.factor("SOFTMAX", "cpu", "time_ms") == pytest.approx(plain.factor("SOFTMAX", "cpu", "time_ms") / 2)


def test_apply_refit_returns_a_refit_copy(measured, reference_model_path: Path) -> None:
    report = profile_model(reference_model_path.read_bytes(), name="seed")
    before = report.to_dict()
    refit = fit_refit([measured.to_dict()])
    calibrated = apply_refit(report, refit)
    assert report.to_dict() == before  # the default estimate is untouched
    assert [layer.cpu_cycles for layer in calibrated.layers] == [85_710, 20_480, 5_090, 3_700]
    assert [layer.time_ms for layer in calibrated.layers] == pytest.approx([5.4, 0.27, 0.36, 0.06])
    s = calibrated.summary
    assert s.total_time_ms == pytest.approx(6.09) and s.inferences_per_s == pytest.approx(1000 / 6.09, rel=1e-3)
    assert "refit to 1 saved board measurement" in s.estimate_basis and s.estimated
    assert apply_refit(report, CycleRefit()).to_dict()["layers"] == before["layers"]


def test_store_round_trip_and_bad_files(measured, reference_model_path: Path, tmp_path: Path) -> None:
    store = MeasurementStore(tmp_path / "m")
    assert store.load() == ([], [])
    path = store.save(measured, reference_model_path.read_bytes())
    (tmp_path / "m" / "broken.json").write_text("{")
    (tmp_path / "m" / "other.json").write_text('{"kind": "something else"}')
    saved, problems = store.load()
    assert [s.path for s in saved] == [path] and len(problems) == 2
    assert saved[0].model_name == "seed" and saved[0].platform == "brd2601" and len(saved[0].model_sha256) == 64
    assert saved[0].report == json.loads(json.dumps(measured.to_dict()))
    with pytest.raises(WorkbenchError, match="measured on a board"):
        store.save(profile_model(reference_model_path.read_bytes()), b"")


def test_default_store_is_in_the_user_data_folder(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store_dir() == tmp_path / "data" / "kws-workbench" / "board-measurements"


def test_a_log_of_another_model_is_refused(reference_model_path: Path, profiler_mvp_log: str) -> None:
    report = profile_model(reference_model_path.read_bytes())
    other = profiler_mvp_log.replace("Op1-RESHAPE", "Op1-SQUEEZE")
    with pytest.raises(DeviceError, match="different model"):
        attach_measurements(report, parse_profiler_log(other), source="x")
    default = profiler_mvp_log.replace("Using .tflite in flash at 0x0817AB94",
                                       "Using default model built into application")
    with pytest.raises(DeviceError, match="built into its firmware"):
        attach_measurements(report, parse_profiler_log(default), source="x")


def test_kws_profile_calibrated_uses_the_saved_measurements(measured, reference_model_path: Path,
                                                            tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    command = [sys.executable, "-m", "workbench.cli.main", "profile", str(reference_model_path), "--calibrated",
               "--format", "json"]
    none = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert none.returncode == 2 and "kws board profile MODEL --save" in none.stderr
    store_dir = tmp_path / "data" / "kws-workbench" / "board-measurements"
    assert default_store_dir().name == store_dir.name
    MeasurementStore(store_dir).save(measured, reference_model_path.read_bytes())
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    layers = json.loads(done.stdout)["layers"]
    assert [layer["time_ms"] for layer in layers] == pytest.approx([5.4, 0.27, 0.36, 0.06])
    plain = subprocess.run(command[:-3], capture_output=True, text=True, env=env, timeout=120)
    assert "5.400" not in plain.stdout  # without --calibrated: the plain estimate
