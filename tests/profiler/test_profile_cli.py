"""``kws profile`` through the real CLI entry point (``kws export-c``: tests/cli/measure/test_export_c_command.py)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from workbench.cli.main import main
from workbench.core.model.tflite_graph import parse_model
from workbench.profiler.export import to_text_table
from workbench.profiler.report import build_report


def test_profile_json(reference_model_path, capsys):
    assert main(["profile", str(reference_model_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [layer["macs"] for layer in data["layers"]] == [320_000, 0, 16_000, 0]
    assert data["layers"][2]["supported"] is False
    assert data["layers"][2]["reason"] == "weights_shape[1] (4000) > 2048"
    assert data["summary"]["flash_bytes"] == 21_616 and data["summary"]["clock_hz"] == 78_000_000
    assert data["summary"]["estimated"] is True


def test_profile_csv_to_file_and_clock(reference_model_path, tmp_path):
    out = tmp_path / "p.csv"
    assert main(["profile", str(reference_model_path), "--format", "csv", "--clock-mhz", "39",
                 "--accelerator", "mvp", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["op"] for r in rows] == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]
    assert [int(r["ops"]) for r in rows] == [652_000, 0, 32_004, 20]
    fast = main(["profile", str(reference_model_path), "--format", "json", "-o", str(tmp_path / "f.json")])
    assert fast == 0
    t78 = json.loads((tmp_path / "f.json").read_text())["layers"][0]["time_ms"]
    assert float(rows[0]["time_ms"]) == pytest.approx(2 * t78, rel=1e-3)  # half the clock, twice the time


def test_profile_table_with_host_latency(reference_model_path, capsys):
    assert main(["profile", str(reference_model_path), "--host-latency"]) == 0
    out = capsys.readouterr().out
    assert "652.0k" in out and "weights_shape[1] (4000) > 2048" in out and "21.6k" in out
    match = re.search(r"Host invoke time \(ms\), measured on this PC: median ([0-9.]+), p90 ([0-9.]+)", out)
    assert match and 0 < float(match.group(1)) <= float(match.group(2))


@pytest.mark.parametrize("outputs", [1, 2])
def test_host_latency_of_a_model_with_two_inputs_or_two_outputs(build_int8, tmp_path, capsys, outputs):
    """LiteRT runs what the live stream does not (two inputs, two outputs): its invoke is timed, every input filled,
    and no pipeline hop is (the stream never runs it, though this int8 two-output model takes its spectrogram)."""
    tf = pytest.importorskip("tensorflow")
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(5)
    grid, extra = layers.Input((49, 40, 1), batch_size=1), layers.Input((8,), batch_size=1)
    hidden = layers.Dense(8, activation="relu")(layers.Flatten()(grid))
    scores = layers.Dense(4, activation="softmax")
    if outputs == 1:  # float: the converter's representative data would have to follow its own input order
        model = tf.keras.Model([grid, extra], scores(layers.Concatenate()([hidden, extra])))
        tflite = bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    else:
        tflite = build_int8(tf.keras.Model(grid, [scores(hidden), layers.Dense(1, activation="sigmoid")(hidden)]))
    path = tmp_path / "two.tflite"
    path.write_bytes(tflite)
    graph = parse_model(tflite)
    assert (len(graph.inputs), len(graph.outputs)) == ((2, 1) if outputs == 1 else (1, 2))
    capsys.readouterr()  # the converter's own prints
    assert main(["profile", str(path), "--host-latency"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"Host invoke time \(ms\), measured on this PC: median ([0-9.]+), p90 ([0-9.]+)", out)
    assert match and 0 < float(match.group(1)) <= float(match.group(2))
    assert "Host pipeline per hop" not in out


def test_profile_bad_inputs_exit_2(tmp_path, capsys):
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"definitely not a flatbuffer")
    assert main(["profile", str(junk)]) == 2
    assert "kws: error:" in capsys.readouterr().err
    assert main(["profile", str(tmp_path / "missing.tflite")]) == 2


@pytest.mark.parametrize("clock", ["inf", "nan", "0"])
def test_an_impossible_clock_is_one_line(reference_model_path, capsys, clock):
    assert main(["profile", str(reference_model_path), "--clock-mhz", clock]) == 2
    err = capsys.readouterr().err
    assert "--clock-mhz must be a positive number of MHz" in err and err.count("\n") == 1


@pytest.mark.parametrize("clock, hint", [("78000000", "(given in Hz? that is --clock-mhz 78)"), ("1e12", ""),
                                         ("0.5", ""), ("1001", "")])
def test_a_clock_no_microcontroller_runs_at_is_refused(reference_model_path, capsys, clock, hint):
    assert main(["profile", str(reference_model_path), "--clock-mhz", clock, "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "--clock-mhz takes 1 to 1000 MHz" in captured.err and "runs at up to 78 MHz" in captured.err
    assert hint in captured.err and ("given in Hz" in captured.err) == bool(hint)


def test_a_clock_above_the_chips_maximum_is_profiled_with_a_warning(reference_model_path, capsys):
    assert main(["profile", str(reference_model_path), "--clock-mhz", "156", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["clock_hz"] == 156_000_000
    assert captured.err.startswith("kws: warning: --clock-mhz 156 is above the EFR32xG24's 78 MHz maximum")
    assert main(["profile", str(reference_model_path), "--clock-mhz", "78"]) == 0
    assert capsys.readouterr().err == ""


def test_small_times_and_rates_are_never_shown_as_zero(reference_model_path):
    graph = parse_model(reference_model_path.read_bytes())
    fast = build_report(graph, clock_hz=10 ** 15).summary  # figures far below the old 6 decimals of a ms
    assert 0 < fast.total_time_ms < 1e-5 and fast.inferences_per_s > 1e8
    assert all(layer.time_ms > 0 for layer in build_report(graph, clock_hz=10 ** 15).layers)
    slow = build_report(graph, clock_hz=1_000)  # a thousandth of a MHz: an inference takes well over a minute
    assert 0 < slow.summary.inferences_per_s < 0.05
    rate = re.search(r"Inference/s, estimated: (\S+)", to_text_table(slow)).group(1)
    assert float(rate) == pytest.approx(slow.summary.inferences_per_s, rel=1e-2)


def test_profile_never_writes_over_its_model(reference_model_path, tmp_path, capsys):
    model = tmp_path / "m.tflite"
    shutil.copy(reference_model_path, model)
    assert main(["profile", str(model), "-o", str(model)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert model.read_bytes() == reference_model_path.read_bytes()


def test_a_latency_the_board_cannot_keep_up_with_is_the_line_after_the_totals(tmp_path, capsys):
    fast = tmp_path / "fast.tflite"
    assert main(["params", "kws_yes_no_stream", "latency_ms=10", "-o", str(fast)]) == 0
    capsys.readouterr()
    assert main(["profile", str(fast)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rate = next(i for i, line in enumerate(lines) if line.startswith("Inference/s, estimated: "))
    assert lines[rate + 1].startswith("Keeps up with latency_ms: no: latency_ms 10 is shorter than the 52.5 ms an "
                                      "inference of the model takes on the EFR32xG24 (estimated, MVP; ")
    assert lines[rate + 1].endswith("set latency_ms to 60 or more")
    assert main(["profile", str(fast), "--format", "json"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)["summary"]
    assert summary["latency_ms"] == 10 and summary["latency_problem"] == lines[rate + 1].split(": no: ", 1)[1]
    assert summary["latency_problem"].startswith("latency_ms 10 is shorter") and summary["keeps_up"] is False
    assert captured.err == ""  # the JSON says it
    assert main(["profile", "kws_yes_no_stream"]) == 0  # its own 100 ms: kept up with, nothing said
    assert "Keeps up with latency_ms" not in capsys.readouterr().out
    assert main(["profile", "kws_yes_no_stream", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["latency_ms"], summary["latency_problem"], summary["keeps_up"]) == (100, "", True)


def test_a_model_without_latency_ms_is_not_judged_in_json(reference_model_path, tmp_path, capsys):
    bare = tmp_path / "bare.tflite"
    assert main(["params", str(reference_model_path), "latency_ms=", "-o", str(bare)]) == 0
    capsys.readouterr()
    assert main(["profile", str(bare), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["latency_ms"], summary["latency_problem"], summary["keeps_up"]) == (None, "", None)


def test_a_format_without_the_summary_says_the_latency_problem_on_stderr(tmp_path, capsys):
    fast = tmp_path / "fast.tflite"
    assert main(["params", "kws_yes_no_stream", "latency_ms=10", "-o", str(fast)]) == 0
    capsys.readouterr()
    assert main(["profile", str(fast), "-o", str(tmp_path / "x.csv")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("kws: warning: latency_ms 10 is shorter than the 52.5 ms an inference of the model takes "
                          "on the EFR32xG24 (estimated, MVP; ") and err.count("\n") == 1
    assert "latency_ms" not in (tmp_path / "x.csv").read_text()  # CSV is the layer table alone
    assert main(["profile", str(fast), "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.err == err and "latency_ms" not in captured.out  # stdout stays CSV
    assert main(["profile", str(fast), "-o", str(tmp_path / "x.md")]) == 0  # Markdown has the summary's line
    assert capsys.readouterr().err == ""
    assert f"- **Keeps up with latency_ms**: no: {err.removeprefix('kws: warning: ').strip()}" in (
        tmp_path / "x.md").read_text()
    assert main(["profile", "kws_yes_no_stream", "--format", "csv"]) == 0  # kept up with: nothing to say
    assert capsys.readouterr().err == ""
