"""``kws board …`` checks what it can before the board works, and keeps what the board measured.

The stand-in Commander on PATH, a simulated board on a pty, real files and a real ``kws`` child process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import (board, board_factory, classifier_image, commander,  # noqa: E402,F401
                            profiler_image, run_kws_then_reset)
from sim_images import write_image  # noqa: E402

from workbench.cli.main import main  # noqa: E402

RESET_MARKER = "press the board's reset button"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _flash_profiler(image: Path, tflite: bytes) -> None:
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board
    from workbench.board.runs.profile_run import model_for_profiler

    program_board(Commander.find(), image=image, tflite=model_for_profiler(tflite))


# -- 2: a measurement of another firmware or model is refused, and never saved ------------------------
def test_no_flash_refuses_the_other_accelerator_and_saves_nothing(board, commander, profiler_image: Path,
                                                                  reference_model_path: Path,
                                                                  tmp_path: Path) -> None:
    _flash_profiler(profiler_image, reference_model_path.read_bytes())  # the MVP profiler
    store = tmp_path / "store"
    code, out, err = run_kws_then_reset(board, RESET_MARKER, "board", "profile", str(reference_model_path),
                                        "--port", str(board.port), "--no-flash", "--accelerator", "none", "--save",
                                        "--store", str(store), "--timeout", "30")
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == ("kws: error: The board's profiler firmware runs with accelerator mvp, but the "
                                    "estimate is for none: give --accelerator mvp, "
                                    "or flash the none profiler firmware.")
    assert not store.exists() or not list(store.glob("*.json"))


def test_no_flash_refuses_a_retrained_model_of_the_same_layers(board, commander, profiler_image: Path,
                                                               reference_model_path: Path) -> None:
    from workbench.core.model.model_params import read_params, write_params

    tflite = reference_model_path.read_bytes()
    older = write_params(tflite, {**read_params(tflite), "hash": "0123456789abcdef0123456789abcdef"},
                         rehash=False)  # a forged stale hash: the writer would otherwise compute the model's own
    _flash_profiler(profiler_image, older)
    code, out, err = run_kws_then_reset(board, RESET_MARKER, "board", "profile", str(reference_model_path),
                                        "--port", str(board.port), "--no-flash", "--timeout", "30")
    assert code == 2 and out == ""
    assert ("The board profiled a different model (Hash '0123456789abcdef0123456789abcdef' on the board, "
            "'127279a057fbc17f3fc6cda82a8c8e4e' in tflite_micro_speech)") in err


# -- 3: --save ----------------------------------------------------------------------------------------
def test_a_store_that_cannot_be_written_stops_the_run_before_flashing(board, commander, profiler_image: Path,
                                                                      reference_model_path: Path, capsys,
                                                                      tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.write_text("a regular file")
    code, out, err = _run(capsys, "board", "profile", str(reference_model_path), "--port", str(board.port),
                          "--firmware", str(profiler_image), "--save", "--store", str(store))
    assert code == 2 and out == ""
    assert err == f"kws: error: Cannot write into {store}: it is a file, not a folder.\n"
    assert commander.calls() == []


def test_a_save_that_fails_at_the_end_keeps_the_printed_result(board, commander, profiler_image: Path,
                                                               reference_model_path: Path, tmp_path: Path) -> None:
    _flash_profiler(profiler_image, reference_model_path.read_bytes())
    parent = tmp_path / "measurements"
    parent.mkdir()

    def break_the_store() -> None:  # the folder turns into a file while the board runs
        parent.rmdir()
        parent.write_text("not a folder any more")

    code, out, err = run_kws_then_reset(board, RESET_MARKER, "board", "profile", str(reference_model_path),
                                        "--port", str(board.port), "--no-flash", "--format", "json", "--save",
                                        "--store", str(parent / "store"), "--timeout", "30",
                                        before_reset=break_the_store)
    assert code == 2 and err.splitlines()[-1].startswith(f"kws: error: Cannot create {parent / 'store'}")
    assert json.loads(out)["layers"][0]["measured"]["cpu_cycles"] == 85_710  # the result was printed first


# -- 4: console --log ---------------------------------------------------------------------------------
def test_console_log_is_checked_before_listening(board, capsys, tmp_path: Path) -> None:
    log = tmp_path / "missing" / "console.log"
    code, out, err = _run(capsys, "board", "console", "--port", str(board.port), "--seconds", "1", "--log", str(log))
    assert code == 2 and out == ""
    assert err == f"kws: error: Cannot write {log}: the folder {log.parent} does not exist.\n"  # and no "listening"


# -- 5: the port and the baud rate, before flashing ---------------------------------------------------
@pytest.mark.parametrize("command", ["profile", "classify"])
def test_a_missing_port_is_found_before_flashing(command: str, commander, profiler_image: Path, classifier_image: Path,
                                                 capsys, reference_model_path: Path, tmp_path: Path) -> None:
    port = tmp_path / "ttyNONE"
    image = profiler_image if command == "profile" else classifier_image  # the other app's is refused first
    code, _, err = _run(capsys, "board", command, str(reference_model_path), "--port", str(port),
                        "--firmware", str(image))
    assert code == 2 and err == (f"kws: error: Serial port {port} does not exist (is the board connected? "
                                 "`kws board list` shows the ports).\n")
    assert commander.calls() == []


def test_a_busy_port_is_found_before_flashing(board, commander, profiler_image: Path, capsys,
                                              reference_model_path: Path) -> None:
    from workbench.board.uart.line_reader import SerialLineReader

    with SerialLineReader(str(board.port)):  # another program holds the port
        code, _, err = _run(capsys, "board", "profile", str(reference_model_path), "--port", str(board.port),
                            "--firmware", str(profiler_image))
    assert code == 2 and "is busy" in err and err.count("\n") == 1
    assert commander.calls() == []


def test_no_board_port_is_found_before_flashing(commander, profiler_image: Path, capsys,
                                                reference_model_path: Path) -> None:
    from workbench.board.ports import list_serial_ports

    if any(port.is_jlink for port in list_serial_ports()):
        pytest.skip("a J-Link is plugged into this computer")
    code, _, err = _run(capsys, "board", "profile", str(reference_model_path), "--firmware", str(profiler_image))
    assert code == 2 and err.startswith("kws: error: No J-Link serial port (board) was found")
    assert "(--port of kws board profile/classify/console)" in err and "Board tab" not in err
    assert commander.calls() == []


@pytest.mark.parametrize("rate", ["-1", "0"])
def test_a_baud_rate_that_is_not_positive_is_refused_at_once(rate: str, board, commander, profiler_image: Path,
                                                             capsys, reference_model_path: Path) -> None:
    for argv in (["profile", str(reference_model_path), "--firmware", str(profiler_image)], ["console"]):
        code, _, err = _run(capsys, "board", *argv, "--port", str(board.port), "--baudrate", rate)
        assert code == 2
        assert err == f"kws: error: --baudrate must be positive (MLTK's firmware uses 115200), not {rate}.\n"
    assert commander.calls() == []


def test_the_reader_refuses_a_baud_rate_of_zero(board) -> None:
    from workbench.board.uart.line_reader import SerialLineReader
    from workbench.core.errors import DeviceError

    with pytest.raises(DeviceError, match="Baud rate 0 is not valid"):
        SerialLineReader(str(board.port), baudrate=0).probe()
    SerialLineReader(str(board.port)).probe()  # a good port opens and closes


# -- settings that can never detect: refused before flashing ----------------------------------------------
@pytest.mark.parametrize(("options", "words"), [
    (["--count", "50", "--duration", "2"], "minimum_count 50 can never be reached"),
    (["--window-ms", "0"], "minimum_count 3 can never be reached"),
    (["--threshold", "255"], "threshold")], ids=["count", "window", "threshold"])
def test_classify_settings_that_never_detect_are_refused_before_flashing(
        commander, classifier_image: Path, capsys, reference_model_path: Path, tmp_path: Path,
        options: list[str], words: str) -> None:
    argv = ["board", "classify", str(reference_model_path), "--port", str(tmp_path / "ttyNONE"),
            "--firmware", str(classifier_image), *options]
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and err.startswith("kws: error: ") and words in err
    assert "nothing flashed" in err and err.count("\n") == 1
    assert commander.calls() == []
    code, _, err = _run(capsys, *argv, "--verbose")  # the scores are still worth watching: a warning only
    assert err.startswith("kws: warning: ") and words in err.splitlines()[0]
    assert "Serial port" in err.splitlines()[-1]  # went on to the port check


# -- 9: messages that say what is wrong -------------------------------------------------------------------
def test_a_model_too_large_for_flash_does_not_mention_an_image(commander, capsys,
                                                               reference_model_path: Path) -> None:
    commander.configure(debuggers=[{"serialno": "440139581", "flash_kb": 8}])
    code, _, err = _run(capsys, "board", "flash", "--model", str(reference_model_path))
    size = reference_model_path.stat().st_size + 4
    assert code == 2 and err == (f"kws: error: The model ({size} bytes with its length) exceeds the board's 8 kB "
                                 "flash (8192 bytes); nothing was written.\n")


def test_an_image_outside_flash_is_called_so(commander, capsys, tmp_path: Path, reference_model_path: Path) -> None:
    image = write_image(tmp_path / "ram.s37", "model_profiler", size=4096, address=0x2000_0000)
    for extra in ([], ["--model", str(reference_model_path)]):
        code, _, err = _run(capsys, "board", "flash", str(image), *extra)
        assert code == 2 and err == ("kws: error: The firmware image's data lie at 0x20000000-0x20001000, outside "
                                     "the board's flash (0x08000000-0x08180000): is it built for this board? "
                                     "Nothing was written.\n")
    assert [c[:2] for c in commander.calls()] == [["device", "info"]] * 2


def test_a_failed_model_verify_names_the_model(commander, capsys, reference_model_path: Path) -> None:
    commander.configure(fail="verify-error", fail_on="model")
    code, _, err = _run(capsys, "board", "flash", "--model", str(reference_model_path))
    assert code == 2 and err.splitlines()[-1] == ("kws: error: Commander could not flash the model "
                                                  "tflite_micro_speech: the written flash did not verify "
                                                  "(Verification failed).")


def test_commander_option_that_is_not_a_program(commander, capsys, tmp_path: Path) -> None:
    text = tmp_path / "commander.txt"
    text.write_text("not a program")
    code, _, err = _run(capsys, "board", "info", "--commander", str(text))
    assert code == 2 and err.startswith(f"kws: error: {text} (the configured Commander path) is not executable")
    code, _, err = _run(capsys, "board", "info", "--commander", str(tmp_path))
    assert code == 2 and err.startswith(f"kws: error: {tmp_path} (the configured Commander path) is a folder "
                                        "with no Simplicity Commander (commander or commander-cli) in it")


# -- the result never replaces the model or the firmware it was measured with -----------------------------
@pytest.mark.parametrize("option", ["-o", "--log"])
@pytest.mark.parametrize("target", ["model", "firmware"])
def test_output_over_the_model_or_firmware_is_refused_before_the_board_runs(capsys, profiler_image: Path,
                                                                             reference_model_path: Path,
                                                                             tmp_path: Path, target: str,
                                                                             option: str) -> None:
    model, firmware = tmp_path / "m.tflite", tmp_path / "fw.s37"
    model.write_bytes(reference_model_path.read_bytes())
    firmware.write_bytes(profiler_image.read_bytes())
    output = model if target == "model" else firmware
    code, out, err = _run(capsys, "board", "profile", str(model), "--firmware", str(firmware), option, str(output),
                          "--port", str(tmp_path / "no-such-port"))
    assert code == 2 and out == ""
    assert err == f"kws: error: {option} {output} is the input: writing there would replace it; choose " \
                  "another output file.\n"
    assert model.read_bytes() == reference_model_path.read_bytes()
    assert firmware.read_bytes() == profiler_image.read_bytes()
