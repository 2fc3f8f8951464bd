"""The profiler-log parser against FORMATS.md's literal example and its damaged variants."""

from __future__ import annotations

import pytest

from workbench.board.logs.profiler_log import ProfilerLogParser, is_failure_line, parse_profiler_log
from workbench.board.logs.units import parse_units, units_resolution

# FORMATS.md: the integers behind the example (cpu, acc, µs) and what the wire shows of them
DOCUMENTED = {0: ("CONV_2D", 85_712, 380_521, 5400), 1: ("RESHAPE", 20_486, 0, 270),
              2: ("FULLY_CONNECTED", 5_093, 24_087, 360), 3: ("SOFTMAX", 3_704, 0, 60)}


@pytest.mark.parametrize(("text", "value", "resolution"), [
    ("85.71k", 85_710, 10), ("11.344k", 11_344, 1), ("78.0M", 78_000_000, 100_000), ("20", 20, 1),
    ("111.80M", 111_800_000, 10_000), ("1.5G", 1_500_000_000, 100_000_000), ("0", 0, 1)])
def test_firmware_numbers_read_back_exactly(text: str, value: int, resolution: int) -> None:
    assert parse_units(text) == value
    assert units_resolution(text) == resolution


@pytest.mark.parametrize("bad", ["", "k", "1.2.3k", "12x", "-5"])
def test_not_a_firmware_number(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_units(bad)


def test_every_layer_of_the_documented_log_is_recovered(profiler_mvp_log: str) -> None:
    log = parse_profiler_log(profiler_mvp_log)
    assert [(layer.index, layer.op) for layer in log.layers] == [(i, DOCUMENTED[i][0]) for i in range(4)]
    for layer in log.layers:
        _op, cpu, acc, us = DOCUMENTED[layer.index]
        assert layer.cpu_cycles is not None and layer.cpu_cycles <= cpu < layer.cpu_cycles + 10
        assert layer.accelerator_cycles is not None and layer.accelerator_cycles <= acc < layer.accelerator_cycles + 10
        assert layer.time_ms == pytest.approx(us / 1000)
    conv, reshape, fc, softmax = log.layers
    # what MLTK 0.20's parser loses: RESHAPE (absent from the metrics pass) and FULLY_CONNECTED
    assert (reshape.ops, reshape.macs, reshape.cpu_cycles, reshape.time_ms) == (0, 0, 20_480, 0.27)
    assert (fc.ops, fc.macs, fc.accelerator_cycles) == (32_000, 16_000, 24_080)
    assert fc.unsupported == ["weights_shape[1] (4000) > 2048"]  # 12 copies on the wire, once here
    assert (conv.ops, conv.macs, conv.ops_per_s, conv.macs_per_s) == (652_000, 320_000, 120_740_000, 59_250_000)
    assert (softmax.ops, softmax.macs, softmax.accelerator_cycles) == (20, 0, 0)
    assert not conv.unsupported and not reshape.unsupported


def test_summary_figures_of_the_documented_log(profiler_mvp_log: str) -> None:
    log = parse_profiler_log(profiler_mvp_log)
    assert log.started and log.finished and not log.failures
    assert log.clock_hz == 78_000_000
    assert log.runtime_memory_bytes == 11_344 and log.details.tensor_runtime_memory == 11_344
    assert log.model_address == 0x0817AB94 and not log.default_model
    d = log.details
    assert (d.name, d.version, d.accelerator, d.input, d.output) == (
        "tflite_micro_speech", "1", "mvp", "1x49x40x1 (int8)", "1x4 (int8)")
    assert d.classes == ("yes", "no", "_unknown_", "_silence_")
    assert d.hash == "36dd6db8f633c9fca61b418402ea698f"
    inf = log.inference
    assert (inf.ops, inf.macs, inf.time_ms) == (684_020, 336_000, 6.118)
    assert (inf.cpu_cycles, inf.cpu_cycles_layers, inf.accelerator_cycles_layers) == (117_230, 114_990, 404_600)
    # MLTK's documented totals are sums over layers: 6.09 ms
    assert log.total_time_ms == pytest.approx(6.09)
    assert log.total_accelerator_cycles == 380_520 + 24_080
    assert log.total_cpu_cycles == 85_710 + 20_480 + 5_090 + 3_700
    assert log.text == profiler_mvp_log


def test_cpu_only_log(profiler_none_log: str) -> None:
    log = parse_profiler_log(profiler_none_log)
    assert log.details.accelerator == "none" and log.runtime_memory_bytes == 9040
    assert [layer.accelerator_cycles for layer in log.layers] == [0, 0, 0, 0]
    assert log.layer(0).cpu_cycles == 842_310 and log.layer(0).time_ms == pytest.approx(10.799)
    assert log.layer(2).unsupported == []
    assert log.inference.accelerator_cycles_layers == 0


def test_lines_fed_one_by_one_give_the_same_result(profiler_mvp_log: str) -> None:
    parser = ProfilerLogParser()
    for line in profiler_mvp_log.splitlines():
        parser.feed(line)
    assert parser.finish().layers == parse_profiler_log(profiler_mvp_log).layers


def test_noise_lines_and_carriage_returns_do_not_move_figures(profiler_mvp_log: str) -> None:
    noisy = []
    for i, line in enumerate(profiler_mvp_log.splitlines()):
        noisy.append(line + ("\r" if i % 3 == 0 else ""))
        if i % 7 == 0:
            noisy.append("#$%^ garbage &*!")
    log = parse_profiler_log("\n".join(noisy))
    clean = parse_profiler_log(profiler_mvp_log)
    def figures(parsed):
        return [(x.ops, x.macs, x.cpu_cycles, x.accelerator_cycles, x.time_ms) for x in parsed.layers]

    assert figures(log) == figures(clean)


def test_a_lost_heading_drops_figures_instead_of_misplacing_them(profiler_mvp_log: str) -> None:
    lines = profiler_mvp_log.splitlines()
    stats_start = max(i for i, line in enumerate(lines) if line.strip() == "Inference")
    reshape = next(i for i in range(stats_start, len(lines)) if lines[i].strip() == "Op1-RESHAPE")
    del lines[reshape]  # the RESHAPE heading of the stats pass is lost on the wire
    log = parse_profiler_log("\n".join(lines))
    conv = log.layer(0)
    assert conv.time_ms == pytest.approx(5.4) and conv.cpu_cycles == 85_710  # not overwritten by RESHAPE's
    assert log.layer(1) is None or log.layer(1).time_ms is None
    assert log.layer(2).time_ms == pytest.approx(0.36)


def test_allocation_failure_is_reported_in_the_firmwares_words() -> None:
    text = ("Starting Model Profiler\nUsing .tflite in flash at 0x0817AB94\nLoading model\n"
            "Failed to allocate buffer for model (due to heap memory overflow or the model is not fully supported)\n"
            "Failed to load model\nError while loading model\n")
    log = parse_profiler_log(text)
    assert not log.finished and not log.layers
    assert log.failures == ["Failed to allocate buffer for model (due to heap memory overflow or the model is "
                            "not fully supported)", "Error while loading model"]


def test_default_model_and_fault_lines() -> None:
    log = parse_profiler_log("Starting Model Profiler\nUsing default model built into application\n"
                             "Loading model\n\n\nCortex IRQ HardFault triggered!\n\nRegisters dump:\n"
                             "PC         = 0x08012345\n\n*** Fault triggered\n")
    assert log.default_model and log.model_address is None
    assert log.failures == ["Cortex IRQ HardFault triggered!", "*** Fault triggered"]
    assert is_failure_line("*** Assert Failed: foo.c:12 x y") and not is_failure_line("Loading model")
