"""``kws board …`` end to end: the stand-in Commander on PATH, a simulated board on a pty, real files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import struct
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import (board, board_factory, classifier_image, commander, no_commander,  # noqa: E402,F401
                            profiler_image, run_kws_then_reset, server)
from sim_images import s37_text, write_image  # noqa: E402

from workbench.cli.main import main  # noqa: E402

FLASH_END = 0x08180000
SEED_DETECTIONS = [(3500, "yes"), (6000, "no"), (12900, "no"), (14200, "no")]  # the simulator's scripted pass


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- list / info / flash --------------------------------------------------------------------------
def test_list_json_has_ports_and_debuggers(capsys) -> None:
    code, out, _ = _run(capsys, "board", "list", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {"ports", "debuggers"}
    assert all("is_jlink" in port for port in data["ports"])


def test_info_reads_the_chip(commander, capsys) -> None:
    code, out, _ = _run(capsys, "board", "info", "--json")
    info = json.loads(out)
    assert code == 0 and info["part_number"] == "EFR32MG24B310F1536IM48" and info["platform"] == "brd2601"
    assert (info["flash_kb"], info["sram_kb"], info["flash_base"]) == (1536, 256, "0x08000000")
    code, out, _ = _run(capsys, "board", "info")
    assert "Platform:           brd2601" in out and "1536 kB at 0x08000000" in out


def test_info_of_the_radio_board_and_several_debuggers(commander, capsys) -> None:
    commander.configure(debuggers=[{"serialno": "440000001", "part_number": "EFR32MG24B210F1536IM48"},
                                   {"serialno": "440000002"}])
    code, _, err = _run(capsys, "board", "info")
    assert code == 2 and err.startswith("kws: error: Several debuggers are connected") and "--serialno" in err
    code, out, _ = _run(capsys, "board", "info", "--serialno", "440000001", "--json")
    assert code == 0 and json.loads(out)["platform"] == "brd4186"


def test_missing_commander_and_no_debugger(no_commander, capsys, tmp_path: Path) -> None:
    code, _, err = _run(capsys, "board", "info")
    assert code == 2 and "Simplicity Commander was not found" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", ["profile", "classify"])
def test_a_run_that_flashes_names_a_missing_commander_not_the_port(no_commander, capsys, command: str) -> None:
    """Without Commander no debugger's port is known: it said "No J-Link serial port", blaming the board."""
    code, _, err = _run(capsys, "board", command, "kws_yes_no")
    assert code == 2 and "Simplicity Commander was not found" in err and "serial port" not in err


def test_no_debugger_connected(commander, capsys) -> None:
    commander.configure(fail="no-debugger")
    code, _, err = _run(capsys, "board", "info")
    assert code == 2 and "No J-Link debugger found" in err


def test_flash_image_and_model(commander, capsys, tmp_path: Path, reference_model_path: Path) -> None:
    image = write_image(tmp_path / "app.s37", "model_profiler", size=100_000)
    code, out, err = _run(capsys, "board", "flash", str(image), "--model", str(reference_model_path))
    assert code == 0, err
    size = reference_model_path.stat().st_size
    address = FLASH_END - size - 4
    assert f"at 0x{address:08X}" in out and "brd2601" in out
    flash = commander.flash()
    assert flash[address - 0x08000000:-4] == reference_model_path.read_bytes()
    assert struct.unpack("<L", flash[-4:]) == (size,)
    assert "flashing image: done" in err and "flashing model: done" in err
    assert [c[:2] for c in commander.calls()] == [["device", "info"], ["flash", "--force"], ["flash", "--force"],
                                                 ["device", "reset"]]


def test_flash_refuses_what_does_not_fit_before_writing(commander, capsys, tmp_path: Path,
                                                        reference_model_path: Path) -> None:
    image = write_image(tmp_path / "big.s37", "model_profiler", size=1536 * 1024 - 10_000)
    code, _, err = _run(capsys, "board", "flash", str(image), "--model", str(reference_model_path))
    assert code == 2 and "nothing was written" in err
    assert [c[:2] for c in commander.calls()] == [["device", "info"]]


def test_flash_with_the_classifier_image_refuses_a_model_it_would_refuse(commander, classifier_image, capsys,
                                                                         reference_model_path: Path,
                                                                         tmp_path: Path) -> None:
    """The audio classifier's image with a model it stops on (no class names): said and nothing written, as
    classify and the Board tab's Flash do, unless --force."""
    from workbench.core.model.model_file import load_model
    from workbench.core.model.model_params import write_params

    nameless = tmp_path / "nameless.tflite"
    params = {k: v for k, v in load_model(reference_model_path).params.items() if k != "classes"}
    nameless.write_bytes(write_params(reference_model_path.read_bytes(), params))
    problem = f"the board firmware needs the class names: add them with kws params {nameless} classes="
    code, out, err = _run(capsys, "board", "flash", str(classifier_image), "--model", str(nameless))
    assert code == 2 and out == "" and err.startswith(f"kws: error: {problem}"), err[:300]
    assert err.splitlines()[-1] == ("kws: error: nothing flashed: fix the model as said above, "
                                    "or add --force to flash it as it is")
    assert commander.calls() == []
    code, out, err = _run(capsys, "board", "flash", str(classifier_image), "--model", str(nameless), "--force")
    assert code == 0 and err.startswith(f"kws: warning: {problem}") and "Flashed" in out, err[:300]
    assert commander.flash()[-len(nameless.read_bytes()) - 4:-4] == nameless.read_bytes()


def test_flash_error_is_one_sentence(commander, capsys, tmp_path: Path) -> None:
    commander.configure(fail="flash-error")
    code, _, err = _run(capsys, "board", "flash", str(write_image(tmp_path / "a.s37", "x")))
    assert code == 2
    assert err.splitlines()[-1] == "kws: error: Commander could not flash a.s37: Unspecified error during flashing."


# -- profile ----------------------------------------------------------------------------------------
def _profile(capsys, sim, image: Path, model: Path, *extra: str) -> tuple[int, str, str]:
    return _run(capsys, "board", "profile", str(model), "--port", str(sim.port), "--firmware", str(image), *extra)


def test_profile_json_is_the_profile_document_with_measured(board, profiler_image, capsys,
                                                            reference_model_path: Path) -> None:
    code, out, err = _profile(capsys, board, profiler_image, reference_model_path, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    layers = doc["layers"]
    assert [layer["op"] for layer in layers] == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]
    measured = [layer["measured"] for layer in layers]
    for m in measured:
        assert {"ops", "macs", "cpu_cycles", "accelerator_cycles", "time_ms", "unsupported"} <= set(m)
    assert [m["time_ms"] for m in measured] == [5.4, 0.27, 0.36, 0.06]
    assert [m["cpu_cycles"] for m in measured] == [85_710, 20_480, 5_090, 3_700]
    assert [m["accelerator_cycles"] for m in measured] == [380_520, 0, 24_080, 0]
    assert measured[2]["unsupported"] == "weights_shape[1] (4000) > 2048" and measured[1]["ops"] == 0
    assert layers[0]["estimated"] is True and layers[0]["cpu_cycles"] is not None  # the estimate stays
    s = doc["summary"]["measured"]
    assert (s["platform"], s["part_number"], s["clock_hz"], s["runtime_memory_bytes"]) == (
        "brd2601", "EFR32MG24B310F1536IM48", 78_000_000, 11_344)
    assert (s["total_cpu_cycles"], s["total_accelerator_cycles"], s["total_time_ms"]) == (114_980, 404_600, 6.09)
    assert s["log"].startswith("Starting Model Profiler\n") and s["log"].rstrip().endswith("done")
    address = FLASH_END - len(_without_arena(reference_model_path)) - 4
    assert f"Using .tflite in flash at 0x{address:08X}" in s["log"]


def _without_arena(model: Path) -> bytes:
    from workbench.board.runs.profile_run import model_for_profiler

    return model_for_profiler(model.read_bytes())


def test_profile_flashes_the_model_without_its_arena_size(board, profiler_image, capsys, commander,
                                                          reference_model_path: Path) -> None:
    from workbench.core.model.model_params import read_params

    assert _profile(capsys, board, profiler_image, reference_model_path, "--format", "json")[0] == 0
    flash = commander.flash()
    (length,) = struct.unpack("<L", flash[-4:])
    flashed = flash[-4 - length:-4]
    params = read_params(flashed)
    assert "runtime_memory_size" not in params and params["detection_threshold"] == 185
    assert commander.calls()[-1][:2] == ["device", "reset"]


def test_profile_table_and_csv_show_estimate_beside_measurement(board, profiler_image, capsys, tmp_path: Path,
                                                                reference_model_path: Path) -> None:
    table, log = tmp_path / "profile.txt", tmp_path / "serial.log"
    code, out, _ = _profile(capsys, board, profiler_image, reference_model_path, "-o", str(table), "--log", str(log))
    assert code == 0 and out == ""
    assert log.read_text().startswith("Starting Model Profiler\n") and log.read_text().endswith("done\n")
    out = table.read_text()
    assert "Estimate vs board" in out and "Time err %" in out
    row = next(line for line in out.splitlines() if line.startswith("| 3 ") and "softmax" in line and "0.060" in line)
    assert "-6.0" in row  # estimated 0.056 ms vs 0.060 ms on the board
    code, out, _ = _profile(capsys, board, profiler_image, reference_model_path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[1]["measured_time_ms"] == "0.27" and rows[2]["measured_unsupported"].startswith("weights_shape")



def test_profile_output_takes_its_format_from_the_extension_as_kws_profile_does(board, profiler_image, capsys,
                                                                             commander, tmp_path: Path,
                                                                             reference_model_path: Path) -> None:
    measured = tmp_path / "mesure été #1.csv"
    code, out, err = _profile(capsys, board, profiler_image, reference_model_path, "-o", str(measured))
    assert code == 0 and out == "" and f"wrote {measured} (csv)" in err
    rows = list(csv.DictReader(io.StringIO(measured.read_text())))
    assert rows[1]["measured_time_ms"] == "0.27"
    calls = len(commander.calls())
    code, out, err = _profile(capsys, board, profiler_image, reference_model_path, "--format", "json", "-o",
                              str(tmp_path / "x.csv"))
    assert code == 2 and "--format json does not match the .csv extension" in err
    code, out, err = _profile(capsys, board, profiler_image, reference_model_path, "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "cannot tell the format from the .xlsx extension" in err  # not the table under that name
    assert len(commander.calls()) == calls  # refused before the board was touched
    assert not (tmp_path / "x.xlsx").exists()


def test_profile_unwritable_output_stops_it_before_the_board_is_flashed(board, profiler_image, capsys, commander,
                                                                       tmp_path: Path,
                                                                       reference_model_path: Path) -> None:
    for option in ("-o", "--log"):
        code, out, err = _profile(capsys, board, profiler_image, reference_model_path, option,
                                  str(tmp_path / "missing" / "x.txt"))
        assert code == 2 and out == "" and err.count("\n") == 1
        missing = tmp_path / "missing"
        assert err == f"kws: error: Cannot write {missing}/x.txt: the folder {missing} does not exist.\n"
    assert commander.calls() == []

def test_profile_survives_garbage_and_split_lines(board_factory, profiler_image, capsys,
                                                  reference_model_path: Path) -> None:
    sim = board_factory(fault="garbage")
    code, out, err = _profile(capsys, sim, profiler_image, reference_model_path, "--format", "json")
    assert code == 0, err
    measured = [layer["measured"] for layer in json.loads(out)["layers"]]
    assert [m["cpu_cycles"] for m in measured] == [85_710, 20_480, 5_090, 3_700]


@pytest.mark.parametrize(("fault", "words"), [
    ("hardfault", "The board's profiler failed: Cortex IRQ HardFault triggered!; Details: Forced hard fault"),
    ("alloc", "The board's profiler failed: Failed to allocate buffer for model"),
    ("error", "The board's profiler failed: Error while running inference"),
    ("vanish", "vanished"),
    ("silent", "Timed out: the board's profiler went silent for 1 s after 'Loading model'")])
def test_profile_failures_end_with_the_firmwares_words(board_factory, profiler_image, capsys, fault: str,
                                                       words: str, reference_model_path: Path) -> None:
    sim = board_factory(fault=fault, vanish_after=10)
    code, out, err = _profile(capsys, sim, profiler_image, reference_model_path, "--timeout", "1")
    assert code == 2 and out == ""
    assert err.splitlines()[-1].startswith("kws: error: ") and words in err


def test_profile_no_flash_waits_for_the_reset_button(board, commander, reference_model_path: Path,
                                                     profiler_image: Path) -> None:
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board
    from workbench.board.runs.profile_run import model_for_profiler

    program_board(Commander.find(), image=profiler_image, tflite=model_for_profiler(reference_model_path.read_bytes()))
    calls_before = len(commander.calls())
    code, out, err = run_kws_then_reset(board, "press the board's reset button", "board", "profile",
                                        str(reference_model_path), "--port", str(board.port), "--no-flash",
                                        "--format", "json", "--timeout", "30")
    assert code == 0, err
    assert json.loads(out)["layers"][0]["measured"]["cpu_cycles"] == 85_710
    assert len(commander.calls()) == calls_before  # Commander was not used


def test_profile_no_flash_with_another_model_on_the_board(board, commander, reference_model_path: Path,
                                                          profiler_image: Path, capsys, tmp_path: Path) -> None:
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board

    program_board(Commander.find(), image=profiler_image)  # no model at the end of flash
    code, _, err = run_kws_then_reset(board, "press the board's reset button", "board", "profile",
                                      str(reference_model_path), "--port", str(board.port), "--no-flash",
                                      "--timeout", "20")
    assert code == 2 and "built into its firmware" in err


def test_profile_downloads_the_published_image_once(board, commander, server, capsys, monkeypatch,
                                                    tmp_path: Path, reference_model_path: Path) -> None:
    name = "mltk_model_profiler-brd2601-mvp"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{name}.s37", s37_text(b"MLTKAPP=model_profiler;ACC=mvp;" + bytes(5000)))
    server.files["/fw.zip"] = buf.getvalue()
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({name: {"url": server.url("/fw.zip"),
                                          "sha1": hashlib.sha1(buf.getvalue()).hexdigest()}}))
    monkeypatch.setenv("KWS_FIRMWARE_CATALOG", str(catalog))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for _ in range(2):
        code, out, err = _run(capsys, "board", "profile", str(reference_model_path), "--port", str(board.port),
                              "--format", "json")
        assert code == 0, err
    assert server.requests == ["/fw.zip"]
    cached = tmp_path / "cache" / "kws-workbench" / "firmware" / name / f"{name}.s37"
    assert cached.is_file() and commander.calls()[1][-1] == str(cached)


def test_save_and_refit(board, profiler_image, capsys, tmp_path: Path, reference_model_path: Path) -> None:
    store = tmp_path / "store"
    code, _, err = _profile(capsys, board, profiler_image, reference_model_path, "--save", "--store", str(store),
                            "--format", "json")
    assert code == 0 and "measurement saved to" in err
    assert len(list(store.glob("*.json"))) == 1
    code, out, _ = _run(capsys, "board", "refit", "--store", str(store), "--format", "json")
    refit = json.loads(out)
    assert code == 0 and refit["measurements"] == 1
    factors = {(f["op"], f["placement"], f["quantity"]): f["factor"] for f in refit["factors"]}
    from workbench.profiler.report import profile_model

    estimate = profile_model(reference_model_path.read_bytes()).layers[3].time_ms
    assert factors[("SOFTMAX", "cpu", "time_ms")] == pytest.approx(0.06 / estimate)
    assert factors[("CONV_2D", "mvp", "accelerator_cycles")] == pytest.approx(380_520 / 380_500)
    code, out, _ = _run(capsys, "board", "refit", str(reference_model_path), "--store", str(store),
                        "--format", "json")
    calibrated = json.loads(out)
    assert [layer["time_ms"] for layer in calibrated["layers"]] == pytest.approx([5.4, 0.27, 0.36, 0.06])
    assert "refit to 1 saved board measurement" in calibrated["summary"]["estimate_basis"]
    code, out, _ = _run(capsys, "profile", str(reference_model_path), "--format", "json")
    assert json.loads(out)["layers"][3]["time_ms"] != pytest.approx(0.06)  # the default estimate is unchanged


# -- classify ---------------------------------------------------------------------------------------
def _classify(capsys, sim, image: Path, model: Path, *extra: str) -> tuple[int, str, str]:
    return _run(capsys, "board", "classify", str(model), "--port", str(sim.port), "--firmware", str(image),
                "--duration", "3", *extra)


def test_classify_text_prints_banner_settings_and_detections(board_factory, classifier_image, capsys,
                                                             reference_model_path: Path) -> None:
    sim = board_factory(time_scale=0.01, passes=1)
    code, out, err = _classify(capsys, sim, classifier_image, reference_model_path)
    assert code == 0, err
    assert out.startswith("Audio Classifier\nUsing .tflite in flash at 0x")
    assert "detection_threshold=185" in out and "verbose_model_output_logs=0" in out
    assert "fe.filterbank_upper_band_limit=7500.000" in out
    detections = [line for line in out.splitlines() if "detected" in line]
    assert detections == [f"{t / 1000:8.3f}s  detected  {label:<12} score=200  [board]" for t, label in SEED_DETECTIONS]
    assert "scores" not in out and "4 detections" in err and "warning" not in err


def test_classify_flashes_a_model_the_firmware_refuses_only_with_force(board_factory, classifier_image, capsys,
                                                                        reference_model_path: Path,
                                                                        tmp_path: Path) -> None:
    """Without its class names the firmware stops at start-up: say so and flash nothing (half a minute saved),
    unless --force asks for it as it is."""
    from workbench.core.model.model_file import load_model
    from workbench.core.model.model_params import write_params

    nameless = tmp_path / "nameless.tflite"
    params = {k: v for k, v in load_model(reference_model_path).params.items() if k != "classes"}
    nameless.write_bytes(write_params(reference_model_path.read_bytes(), params))
    sim = board_factory(time_scale=0.01, passes=1)
    problem = f"the board firmware needs the class names: add them with kws params {nameless} classes="
    code, out, err = _classify(capsys, sim, classifier_image, nameless)
    assert code == 2 and out == "" and err.startswith(f"kws: error: {problem}"), err[:300]
    assert err.splitlines()[-1] == ("kws: error: nothing flashed: fix the model as said above, "
                                    "or add --force to flash it as it is")
    _, _, err = _classify(capsys, sim, classifier_image, nameless, "--force")
    assert err.startswith(f"kws: warning: {problem}"), err[:300]
    assert "flashing" in err


def test_classify_jsonl_verbose_with_detection_options(board_factory, classifier_image, capsys,
                                                       reference_model_path: Path) -> None:
    sim = board_factory(time_scale=0.01, passes=1)
    code, out, err = _classify(capsys, sim, classifier_image, reference_model_path, "--format", "jsonl",
                               "--verbose", "--threshold", "220", "--suppression-ms", "2000")
    assert code == 0, err
    objects = [json.loads(line) for line in out.splitlines()]
    startup = objects[0]["startup"]
    assert startup["application"]["detection_threshold"] == 220 and startup["application"]["suppression_ms"] == 2000
    assert startup["application"]["verbose_model_output_logs"] == 1 and startup["classes"][0] == "yes"
    scores = [o for o in objects if "scores" in o]
    detections = [o for o in objects if "label" in o]
    assert len(scores) == 150 and all(o["source"] == "board" and len(o["scores"]) == 4 for o in scores)
    assert detections and all(set(d) == {"source", "time_ms", "class", "label", "score"} for d in detections)
    assert all(d["score"] > 220 for d in detections)
    assert [(d["time_ms"], d["label"]) for d in detections] == [(3600, "yes"), (6100, "no"), (13000, "no")]


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_classify_after_a_verbose_run_shows_only_the_new_runs_output(board_factory, classifier_image, capsys,
                                                                     reference_model_path: Path, fmt: str) -> None:
    """The verbose classifier of the first run goes on printing scores until the second run resets the board:
    the second run's output has none of them, and its own start-up block in full."""
    sim = board_factory(time_scale=0.05)
    code, out, err = _run(capsys, "board", "classify", str(reference_model_path), "--port", str(sim.port),
                          "--firmware", str(classifier_image), "--verbose", "--duration", "1")
    assert code == 0 and "scores" in out, err  # the board now prints an inference every 5 ms
    code, out, err = _classify(capsys, sim, classifier_image, reference_model_path, "--format", fmt)
    assert code == 0, err
    if fmt == "text":
        assert out.startswith("Audio Classifier\nUsing .tflite in flash at 0x") and "scores" not in out
        assert "Application settings:\n" in out and "verbose_model_output_logs=0\n" in out
        assert all(line.endswith("[board]") for line in out.split("dump_spectrograms=0\n\n")[1].splitlines())
        return
    objects = [json.loads(line) for line in out.splitlines()]
    startup = objects[0]["startup"]
    assert startup["model_address"] and startup["classes"] == ["yes", "no", "_unknown_", "_silence_"]
    assert len(startup["application"]) == 11 and startup["application"]["verbose_model_output_logs"] == 0
    assert startup["frontend"]["fe.sample_rate_hz"] == 16000
    assert not any("scores" in o or "startup" in o for o in objects[1:]) and objects[1]["time_ms"] < 5000


def test_classify_fatal_startup_error(board_factory, classifier_image, capsys, reference_model_path: Path) -> None:
    sim = board_factory(fault="classifier-error")
    code, _, err = _classify(capsys, sim, classifier_image, reference_model_path)
    assert code == 2 and "The board's audio classifier failed: ERROR: Failed to load .tflite model" in err


def test_classify_on_a_board_without_published_classifier(board, commander, capsys,
                                                          reference_model_path: Path) -> None:
    commander.configure(debuggers=[{"serialno": "1", "part_number": "EFR32MG24B210F1536IM48"}])
    code, _, err = _run(capsys, "board", "classify", str(reference_model_path), "--port", str(board.port))
    assert code == 2 and "publishes no audio classifier image for brd4186" in err


# -- console ----------------------------------------------------------------------------------------
def test_console_prints_and_logs_what_the_board_says(board, capsys, tmp_path: Path, profiler_image: Path,
                                                     reference_model_path: Path) -> None:
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board

    program_board(Commander.find(), image=profiler_image, tflite=reference_model_path.read_bytes())
    log = tmp_path / "console.log"
    code, out, err = run_kws_then_reset(board, "listening on", "board", "console", "--port", str(board.port),
                                        "--seconds", "4", "--log", str(log))
    assert code == 0, err
    assert out.startswith("Starting Model Profiler\n") and out.rstrip().endswith("done")
    assert log.read_text() == out


def test_console_on_a_vanishing_port_and_a_missing_one(board_factory, capsys, tmp_path: Path,
                                                       profiler_image: Path) -> None:
    sim = board_factory(fault="vanish", vanish_after=5)
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board

    program_board(Commander.find(), image=profiler_image)
    code, out, err = run_kws_then_reset(sim, "listening on", "board", "console", "--port", str(sim.port),
                                        "--seconds", "20")
    assert code == 2 and "vanished" in err and len(out.splitlines()) == 5
    code, _, err = _run(capsys, "board", "console", "--port", str(tmp_path / "ttyNONE"), "--seconds", "1")
    assert code == 2 and "does not exist" in err


def test_profile_cpu_only(board, capsys, tmp_path: Path, reference_model_path: Path) -> None:
    image = write_image(tmp_path / "mltk_model_profiler-brd2601-none.s37", "model_profiler", "none", size=150_000)
    code, out, err = _profile(capsys, board, image, reference_model_path, "--accelerator", "none", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["summary"]["accelerator"] == "none" and not any(x["runs_on_accelerator"] for x in doc["layers"])
    assert [layer["measured"]["accelerator_cycles"] for layer in doc["layers"]] == [0, 0, 0, 0]
    assert doc["layers"][0]["measured"]["cpu_cycles"] == 842_310
    assert doc["summary"]["measured"]["runtime_memory_bytes"] == 9040


def test_classify_no_flash_attaches_to_a_running_classifier(board_factory, commander, classifier_image,
                                                            reference_model_path: Path) -> None:
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board

    sim = board_factory(time_scale=0.01, passes=1)
    program_board(Commander.find(), image=classifier_image, tflite=reference_model_path.read_bytes())
    calls = len(commander.calls())
    code, out, err = run_kws_then_reset(sim, "press the board's reset button", "board", "classify",
                                        str(reference_model_path), "--port", str(sim.port), "--no-flash",
                                        "--duration", "3", "--format", "jsonl")
    assert code == 0, err
    labels = [json.loads(line).get("label") for line in out.splitlines()]
    assert [label for label in labels if label] == [label for _, label in SEED_DETECTIONS]
    assert len(commander.calls()) == calls


def test_flash_a_model_alone_and_info_of_a_module(commander, capsys, reference_model_path: Path) -> None:
    code, out, err = _run(capsys, "board", "flash", "--model", str(reference_model_path), "--halt")
    assert code == 0, err
    assert "CPU halted" in out
    assert [c[:2] for c in commander.calls()] == [["device", "info"], ["flash", "--force"]]
    assert struct.unpack("<L", commander.flash()[-4:]) == (reference_model_path.stat().st_size,)
    assert _run(capsys, "board", "flash")[0] == 2
    commander.configure(debuggers=[{"serialno": "7", "part_number": "BGM220PC22HNA", "flash_kb": 512}])
    code, out, _ = _run(capsys, "board", "info", "--json")
    info = json.loads(out)
    assert code == 0 and info["platform"] is None and info["flash_base"] is None
