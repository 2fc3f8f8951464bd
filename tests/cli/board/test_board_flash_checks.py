"""``kws board flash/profile/info`` against the stand-in Commander: an image cut short or empty is refused before
anything is written, a failed flash is never shown as done, and device info it cannot read quotes the line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board, board_factory, commander  # noqa: E402,F401
from sim_images import write_image  # noqa: E402

from workbench.cli.main import main  # noqa: E402

EXIT_USAGE = 2
DEVICE_INFO_ONLY = [["device", "info"]]  # Commander was asked what the chip is, and nothing was flashed
CUT_AT_LINE = 100  # `head -n 100 prof.s37`: a cut at a line boundary, every line before it intact
HEX_WITHOUT_EOF = ":020000040800F2\n:10000000000102030405060708090A0B0C0D0E0F78\n"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _cut_s37(tmp_path: Path) -> Path:
    whole = write_image(tmp_path / "whole.s37", "model_profiler", size=200_000)
    cut = tmp_path / "prof.s37"
    cut.write_text("".join(whole.read_text().splitlines(keepends=True)[:CUT_AT_LINE]))
    return cut


def _image(tmp_path: Path, kind: str) -> Path:
    if kind == "cut.s37":
        return _cut_s37(tmp_path)
    path = tmp_path / kind
    if kind == "noeof.hex":
        path.write_text(HEX_WITHOUT_EOF)
    else:
        path.write_bytes(b"")
    return path


@pytest.mark.parametrize(("kind", "words"), [
    ("cut.s37", f"is cut short: it ends at line {CUT_AT_LINE} without the S7/S8/S9 termination record"),
    ("noeof.hex", "is cut short: it ends at line 2 without the end-of-file record"),
    ("empty.bin", "holds no data to flash")])
def test_flash_refuses_an_incomplete_or_empty_image_before_writing(commander, capsys, tmp_path: Path,  # noqa: F811
                                                                  kind: str, words: str) -> None:
    image = _image(tmp_path, kind)
    code, out, err = _run(capsys, "board", "flash", str(image))
    assert code == EXIT_USAGE and out == ""
    assert err.startswith(f"kws: error: {image} {words}") and len(err.strip().splitlines()) == 1
    assert [c[:2] for c in commander.calls()] == DEVICE_INFO_ONLY


def test_profile_refuses_an_empty_bin_as_its_firmware(board, commander, capsys, tmp_path: Path,  # noqa: F811
                                                      reference_model_path: Path) -> None:
    empty = _image(tmp_path, "empty.bin")
    code, out, err = _run(capsys, "board", "profile", str(reference_model_path), "--port", str(board.port),
                          "--firmware", str(empty))
    assert code == EXIT_USAGE and out == ""
    assert err.splitlines()[-1] == f"kws: error: {empty} holds no data to flash."
    assert [c[:2] for c in commander.calls()] == DEVICE_INFO_ONLY


def test_a_flash_that_fails_verification_is_not_shown_done(commander, capsys, tmp_path: Path) -> None:  # noqa: F811
    commander.configure(fail="verify-error")
    image = write_image(tmp_path / "app.s37", "model_profiler")
    code, _, err = _run(capsys, "board", "flash", str(image))
    assert code == EXIT_USAGE
    assert "flashing image: 100%" in err and "flashing image: done" not in err  # all written, then not verified
    assert err.splitlines()[-1].startswith("kws: error: Commander could not flash app.s37: the written flash did "
                                           "not verify")


def test_info_quotes_the_size_line_it_cannot_read(commander, capsys) -> None:  # noqa: F811
    commander.configure(debuggers=[{"serialno": "440139581", "size_unit": "KB"}])
    code, out, err = _run(capsys, "board", "info")
    assert code == EXIT_USAGE and out == ""
    assert err == ("kws: error: Commander's device info could not be read (its flash size is not understood: "
                   "Flash Size     : 1536 KB).\n")


def test_a_temp_dir_that_cannot_take_the_model_is_said_before_anything_is_written(  # noqa: F811
        commander, capsys, tmp_path: Path, reference_model_path: Path, monkeypatch) -> None:
    import tempfile

    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(in_the_way))  # as a full or read-only TMPDIR
    image = write_image(tmp_path / "app.s37", "model_profiler")
    code, _, err = _run(capsys, "board", "flash", "--model", str(reference_model_path), str(image))
    assert code == EXIT_USAGE and "flashing image" not in err
    assert err.splitlines()[-1].startswith(f"kws: error: Flashing the model needs a temporary folder in {in_the_way} "
                                           "(TMPDIR), and none can be made there: ")
    assert err.rstrip().endswith("; nothing was written to the board.")
    assert [c[:2] for c in commander.calls()] == DEVICE_INFO_ONLY
