"""``kws board profile`` keeps its measurement when its files cannot be written.

The simulated board on a pty and the stand-in Commander run the whole profile; the files go to a real
full disk (a tmpfs filled to the last byte: mounting needs root, the tests are skipped otherwise). A
full disk passes the start-up check (an empty probe file still fits) and fails the real write, as a
disk that fills during the board's minute of work does.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from board_fixtures import board, board_factory, commander, profiler_image  # noqa: E402,F401
from small_disk import fill, mounted_tmpfs  # noqa: E402

from workbench.cli.main import main  # noqa: E402

DISK_SIZE = "64k"
DISK_FULL = os.strerror(errno.ENOSPC)
MEASURED_CPU_CYCLES = [85_710, 20_480, 5_090, 3_700]  # what the simulated board prints


@pytest.fixture()
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs with no byte left, unmounted after the test."""
    with mounted_tmpfs(tmp_path / "full", DISK_SIZE) as disk:
        fill(disk)
        yield disk


def _profile(capsys, sim, image: Path, model: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["board", "profile", str(model), "--port", str(sim.port), "--firmware", str(image), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _measured(document: str) -> list[int]:
    return [layer["measured"]["cpu_cycles"] for layer in json.loads(document)["layers"]]


def test_an_unwritable_log_still_prints_the_measurement_first(board, profiler_image, capsys, full_disk: Path,
                                                              reference_model_path: Path) -> None:
    log = full_disk / "bp.log"
    code, out, err = _profile(capsys, board, profiler_image, reference_model_path, "--format", "json",
                              "--log", str(log))
    assert code == 2
    assert _measured(out) == MEASURED_CPU_CYCLES  # the result is printed before the log is tried
    assert err.splitlines()[-1] == f"kws: error: Cannot write {log}: {DISK_FULL}."
    assert "Traceback" not in err and not log.exists()
    # the board's raw log is not lost: it follows on stderr, said so
    assert f"board: {log} cannot be written: the board's log follows on stderr instead" in err
    assert "\nStarting Model Profiler\n" in err


def test_an_unwritable_output_still_saves_the_measurement_and_prints_it(board, profiler_image, capsys,
                                                                        full_disk: Path, tmp_path: Path,
                                                                        reference_model_path: Path) -> None:
    output, log, store = full_disk / "bp.json", tmp_path / "bp.log", tmp_path / "store"
    code, out, err = _profile(capsys, board, profiler_image, reference_model_path, "--format", "json",
                              "-o", str(output), "--log", str(log), "--save", "--store", str(store))
    assert code == 2
    assert _measured(out) == MEASURED_CPU_CYCLES  # on stdout, since the file could not take it
    saved = list(store.glob("*.json"))
    assert len(saved) == 1 and "measurement saved to" in err
    assert [layer["measured"]["cpu_cycles"] for layer in json.loads(saved[0].read_text())["report"]["layers"]] \
        == MEASURED_CPU_CYCLES
    assert log.read_text().startswith("Starting Model Profiler\n")  # the other writes were still done
    assert err.splitlines()[-1] == f"kws: error: Cannot write {output}: {DISK_FULL}."
    assert f"board: {output} cannot be written: the result follows on stdout instead" in err
    assert "Traceback" not in err and not output.exists()


def test_every_failed_write_is_reported(board, profiler_image, capsys, full_disk: Path,
                                        reference_model_path: Path) -> None:
    output, log = full_disk / "bp.json", full_disk / "bp.log"
    code, out, err = _profile(capsys, board, profiler_image, reference_model_path, "--format", "json",
                              "-o", str(output), "--log", str(log))
    assert code == 2 and _measured(out) == MEASURED_CPU_CYCLES
    lines = err.splitlines()
    assert f"board: Cannot write {log}: {DISK_FULL}." in lines
    assert lines[-1] == f"kws: error: Cannot write {output}: {DISK_FULL}."
