"""``kws board profile`` names the tensor arena as ``kws profile`` does, gives the board's figure beside its error in
bytes, and says the figure the model stores as ``kws profile`` says it (simulated board on a pty, the stand-in
Commander on PATH)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board, board_factory, commander, profiler_image  # noqa: E402,F401

from workbench.cli.main import main  # noqa: E402
from workbench.profiler.export import RUNTIME_MEMORY_LABEL, RUNTIME_MEMORY_STORED  # noqa: E402


def _arena_lines(capsys, *argv: str) -> list[str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return [line for line in captured.out.splitlines() if line.startswith(RUNTIME_MEMORY_LABEL)]


def test_board_profile_says_the_runtime_memory_as_kws_profile_does(board, profiler_image, capsys,
                                                                   reference_model_path: Path) -> None:
    model = str(reference_model_path)
    estimated = _arena_lines(capsys, "profile", model)
    measured = _arena_lines(capsys, "board", "profile", model, "--port", str(board.port),
                            "--firmware", str(profiler_image))
    board_lines = [line for line in measured if line not in estimated]
    assert len(board_lines) == 1, measured
    assert board_lines[0].startswith(f"{RUNTIME_MEMORY_LABEL} with MVP, measured: ")
    figures = board_lines[0].split(": ", 1)[1]
    assert figures.count(" bytes") == 2 and ", error " in figures and "k " not in figures
    assert [line for line in measured if line.startswith(RUNTIME_MEMORY_STORED)] == \
        [line for line in estimated if line.startswith(RUNTIME_MEMORY_STORED)] != []
