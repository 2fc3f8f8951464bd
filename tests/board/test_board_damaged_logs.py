"""A profiler log cut short or garbled on the wire is never a measurement of 0: its lost figures stay unknown,
impossible ones are refused, and neither the store nor the refit takes it (the logs the audit replayed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from damaged_logs import cut_after_conv_time, garble_conv_stats, without_stats  # tests/board/sim

from workbench.board.logs.profiler_log import parse_profiler_log
from workbench.board.measurements import MeasurementStore
from workbench.board.runs.measured_report import attach_measurements, incomplete_warning
from workbench.core.errors import DeviceError, WorkbenchError
from workbench.profiler.refit import fit_refit
from workbench.profiler.refit_checks import measurement_problem
from workbench.profiler.report import profile_model


@pytest.fixture
def seed_report(reference_model_path: Path):
    return profile_model(reference_model_path.read_bytes(), name="seed")


def _figures(log) -> list[tuple]:
    return [(layer.index, layer.cpu_cycles, layer.accelerator_cycles, layer.time_ms) for layer in log.layers]


def test_a_log_cut_after_convs_time_keeps_its_lost_figures_unknown(profiler_mvp_log: str) -> None:
    log = parse_profiler_log(cut_after_conv_time(profiler_mvp_log))
    assert log.finished
    assert _figures(log) == [(0, None, None, 5.4), (2, None, None, None), (3, None, None, None)]
    assert (log.total_cpu_cycles, log.total_accelerator_cycles, log.total_time_ms) == (None, None, None)


def test_a_garbled_block_costs_its_own_figures_only(profiler_mvp_log: str) -> None:
    log = parse_profiler_log(garble_conv_stats(profiler_mvp_log))
    assert _figures(log) == [(0, None, None, None), (1, 20_480, 0, 0.27), (2, 5_090, 24_080, 0.36),
                             (3, 3_700, 0, 0.06)]
    assert log.total_accelerator_cycles is None  # CONV's "-380.52k" is lost, not 0


def test_a_garbled_metrics_line_leaves_the_left_out_zeros_unknown(profiler_mvp_log: str) -> None:
    """A garbled line between metrics blocks may have been a heading: RESHAPE's absence no longer says 0."""
    log = parse_profiler_log(profiler_mvp_log.replace("  Op3-SOFTMAX\n        20 OPs", "  Op3-SOF#AX\n        20 OPs"))
    assert (log.layer(1).ops, log.layer(1).macs) == (None, None)
    assert log.layer(0).ops == 652_000 and log.layer(3).accelerator_cycles == 0


def test_a_partial_log_is_attached_with_its_gaps_named(seed_report, profiler_mvp_log: str) -> None:
    report = attach_measurements(seed_report, parse_profiler_log(cut_after_conv_time(profiler_mvp_log)),
                                 source="x")
    conv, reshape = report.layers[0].measured, report.layers[1].measured
    assert (conv.time_ms, conv.cpu_cycles, conv.accelerator_cycles) == (5.4, None, None) and reshape is None
    measured = report.summary.measured
    assert (measured.total_cpu_cycles, measured.total_accelerator_cycles, measured.total_time_ms) == (None, None, None)
    warning = incomplete_warning(report)
    assert warning.startswith("the board's log lacks the CPU cycles and accelerator cycles of layer 0 (CONV_2D); "
                              "every figure of layer 1 (RESHAPE); ")
    assert "cannot be saved for the refit" in warning and "baud rate" in warning


def test_a_log_without_its_stats_pass_is_refused(seed_report, profiler_mvp_log: str) -> None:
    with pytest.raises(DeviceError) as caught:
        attach_measurements(seed_report, parse_profiler_log(without_stats(profiler_mvp_log)), source="x")
    assert str(caught.value) == ("The board's profiler log has no time or cycles for any layer (its statistics were "
                                 "cut short or garbled on the serial line): run the profile again, and check the "
                                 "baud rate and the cable.")


@pytest.mark.parametrize(("damage", "words"), [
    (("CPU clock: 78.0MHz", "CPU clock: 0.0MHz"), "impossible figures (a CPU clock of 0 Hz)"),
    (("     85.71k CPU cycles", "     99999.99G CPU cycles"),
     "impossible figures (99999990000000 CPU cycles for layer 0 (CONV_2D) in 5.4 ms at 78 MHz)"),
    (("    380.52k Accelerator cycles", "    380.52M Accelerator cycles"), "380520000 accelerator cycles")])
def test_impossible_figures_are_refused(seed_report, profiler_mvp_log: str, damage: tuple[str, str],
                                        words: str) -> None:
    with pytest.raises(DeviceError) as caught:
        attach_measurements(seed_report, parse_profiler_log(profiler_mvp_log.replace(*damage)), source="x")
    assert words in str(caught.value) and str(caught.value).endswith("check the baud rate and the cable.")


def test_the_documented_logs_are_whole_and_possible(seed_report, reference_model_path: Path,
                                                    profiler_mvp_log: str, profiler_none_log: str) -> None:
    report = attach_measurements(seed_report, parse_profiler_log(profiler_mvp_log), source="x")
    assert incomplete_warning(report) is None and measurement_problem(report.to_dict()) is None
    cpu = attach_measurements(profile_model(reference_model_path.read_bytes(), accelerator="none"),
                              parse_profiler_log(profiler_none_log), source="x")
    assert measurement_problem(cpu.to_dict()) is None


def test_a_partial_measurement_is_not_saved(seed_report, profiler_mvp_log: str, reference_model_path: Path,
                                            tmp_path: Path) -> None:
    report = attach_measurements(seed_report, parse_profiler_log(garble_conv_stats(profiler_mvp_log)), source="x")
    store = MeasurementStore(tmp_path / "store")
    with pytest.raises(WorkbenchError) as caught:
        store.save(report, reference_model_path.read_bytes())
    assert str(caught.value) == ("The measurement was not saved, as the refit must not learn from it: it lacks the "
                                 "time, CPU cycles and accelerator cycles of layer 0 (CONV_2D); run the profile "
                                 "again, and check the baud rate and the cable.")
    assert not (tmp_path / "store").exists()


def _saved_before_the_checks(store: Path, document: dict) -> Path:
    store.mkdir(parents=True, exist_ok=True)
    path = store / "old.json"
    path.write_text(json.dumps({"kind": "kws-board-measurement", "version": 1, "created": "2026-01-01T00:00:00Z",
                                "model_name": "seed", "model_sha256": "0" * 64, "platform": None,
                                "accelerator": "mvp", "report": document}))
    return path


def test_the_refit_never_learns_from_a_measurement_with_lost_figures(seed_report, profiler_mvp_log: str,
                                                                     tmp_path: Path) -> None:
    """What older versions saved from the audit's cut log: CONV's lost accelerator line as 0, the totals as 0."""
    document = attach_measurements(seed_report, parse_profiler_log(profiler_mvp_log), source="x").to_dict()
    conv = document["layers"][0]["measured"]
    conv["cpu_cycles"], conv["accelerator_cycles"] = None, 0
    document["layers"][1]["measured"] = None
    assert fit_refit([document]).factors == {} and fit_refit([document]).measurements == 0
    _saved_before_the_checks(tmp_path / "store", document)
    saved, problems = MeasurementStore(tmp_path / "store").load()
    assert saved == [] and problems == ["old.json: not used, as it lacks the CPU cycles of layer 0 (CONV_2D); every "
                                        "figure of layer 1 (RESHAPE)"]


def test_the_refit_never_learns_from_impossible_figures(seed_report, profiler_mvp_log: str) -> None:
    document = attach_measurements(seed_report, parse_profiler_log(profiler_mvp_log), source="x").to_dict()
    assert fit_refit([document]).measurements == 1
    document["layers"][0]["measured"]["cpu_cycles"] = 99_999_990_000_000  # saved before the checks existed
    assert fit_refit([document]).factors == {}
    document["layers"][0]["measured"]["cpu_cycles"] = 85_710
    document["summary"]["measured"]["clock_hz"] = 0
    assert fit_refit([document]).measurements == 0
