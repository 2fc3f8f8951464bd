"""``kws board flash``: the model's page erase never reaches a firmware image (the stand-in Commander erases whole
8 KiB pages as the real one does, so the image's bytes are read back from its flash file)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import commander, profiler_image  # noqa: E402,F401
from sim_images import write_image  # noqa: E402

from workbench.cli.main import main  # noqa: E402

EXIT_USAGE = 2
FLASH_BASE = 0x08000000
IMAGE_BYTES = 200_000  # profiler_image: its data end at 0x08030D40
SMALL_IMAGE_BYTES = 100_000
DEVICE_INFO_ONLY = 1  # Commander ran `device info` and nothing else


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _image_bytes(commander, size: int) -> bytes:  # noqa: F811
    return commander.flash()[:size]


def test_an_image_the_models_page_erase_would_reach_is_refused_before_writing(  # noqa: F811
        commander, profiler_image: Path, reference_model_path: Path, capsys) -> None:
    commander.configure(debuggers=[{"serialno": "440139581", "flash_kb": 217}])
    code, out, err = _run(capsys, "board", "flash", str(profiler_image), "--model", str(reference_model_path))
    assert code == EXIT_USAGE and out == ""
    assert err.startswith("kws: error: The firmware image reaches 0x08030D40") and "0x08030000" in err
    assert "nothing was written" in err and len(err.strip().splitlines()) == 1
    assert len(commander.calls()) == DEVICE_INFO_ONLY


def test_a_model_alone_is_refused_when_its_erase_would_reach_the_image_flashed_before(  # noqa: F811
        commander, profiler_image: Path, reference_model_path: Path, capsys) -> None:
    commander.configure(debuggers=[{"serialno": "440139581", "flash_kb": 208}])
    code, _, err = _run(capsys, "board", "flash", str(profiler_image))
    assert code == 0, err
    image = _image_bytes(commander, IMAGE_BYTES)
    calls = len(commander.calls())
    code, out, err = _run(capsys, "board", "flash", "--model", str(reference_model_path))
    assert code == EXIT_USAGE and out == ""
    assert err.startswith("kws: error: The model's flash erase starts at 0x0802E000")
    assert profiler_image.name in err and "0x08030D40" in err and "nothing was written" in err
    assert len(commander.calls()) == calls + DEVICE_INFO_ONLY  # no flash run
    assert _image_bytes(commander, IMAGE_BYTES) == image


def test_a_model_alone_beside_a_known_image_that_leaves_room(commander, tmp_path: Path,  # noqa: F811
                                                             reference_model_path: Path, capsys) -> None:
    image = write_image(tmp_path / "small.s37", "model_profiler", size=SMALL_IMAGE_BYTES)
    assert _run(capsys, "board", "flash", str(image))[0] == 0
    written = _image_bytes(commander, SMALL_IMAGE_BYTES)
    code, out, err = _run(capsys, "board", "flash", "--model", str(reference_model_path))
    assert code == 0 and "Flashed model" in out and "warning" not in err
    assert _image_bytes(commander, SMALL_IMAGE_BYTES) == written


def test_a_model_alone_over_an_unknown_image_warns(commander, reference_model_path: Path,  # noqa: F811
                                                   capsys) -> None:
    code, out, err = _run(capsys, "board", "flash", "--model", str(reference_model_path))
    assert code == 0 and "Flashed model" in out
    warning = [line for line in err.splitlines() if line.startswith("kws: warning: ")]
    assert len(warning) == 1 and "no record of a complete firmware image" in warning[0] and "0x0817A000" in warning[0]


def test_an_interrupted_image_write_leaves_no_record(commander, profiler_image: Path,  # noqa: F811
                                                     reference_model_path: Path, capsys) -> None:
    """After a failed image write the board's image is unknown again: a model alone is flashed with a warning."""
    commander.configure(debuggers=[{"serialno": "440139581", "flash_kb": 208}])
    assert _run(capsys, "board", "flash", str(profiler_image))[0] == 0
    commander.configure(fail="flash-error", fail_on=profiler_image.name)
    assert _run(capsys, "board", "flash", str(profiler_image))[0] == EXIT_USAGE
    commander.configure(fail=None)
    code, _, err = _run(capsys, "board", "flash", "--model", str(reference_model_path))
    assert code == 0 and "kws: warning: kws has no record of a complete firmware image" in err
