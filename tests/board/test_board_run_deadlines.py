"""Waiting for the profiler / the classifier to start: a deadline while the port keeps talking, and the
wrong firmware named as such (the simulated board on a pty, the stand-in Commander)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sim_images import write_image  # tests/board/sim

from workbench.board.errors import BoardTimeout, WrongFirmware
from workbench.board.runs.classify_run import classify_on_board
from workbench.board.runs.job import BoardCallbacks, BoardOptions
from workbench.board.runs.profile_run import profile_on_board


@pytest.fixture
def chatter_image(tmp_path: Path) -> Path:
    """Firmware that is neither profiler nor classifier: the simulated chip logs ticks for a few seconds."""
    return write_image(tmp_path / "blinky.s37", "chatter", size=50_000)


def test_profile_gives_up_on_a_board_that_prints_other_things(board, chatter_image: Path,
                                                              reference_model_path: Path) -> None:
    lines: list[str] = []
    with pytest.raises(BoardTimeout) as caught:
        profile_on_board(reference_model_path.read_bytes(), "seed",
                         BoardOptions(port=str(board.port), firmware=chatter_image, timeout_s=1),
                         BoardCallbacks(line=lines.append))
    assert str(caught.value) == ("Timed out: the board is printing, but not the profiler's output within 1 s: "
                                 "is the profiler firmware flashed?")
    assert lines and all("tick" in line for line in lines)  # the board did talk all along


def test_classify_gives_up_on_a_board_that_prints_other_things(board, chatter_image: Path,
                                                               reference_model_path: Path) -> None:
    with pytest.raises(BoardTimeout) as caught:
        classify_on_board(reference_model_path.read_bytes(),
                          BoardOptions(port=str(board.port), firmware=chatter_image, timeout_s=1))
    assert str(caught.value) == ("Timed out: the board is printing, but not the audio classifier's banner within "
                                 "1 s: is the audio classifier firmware flashed?")


def test_noise_on_the_port_is_called_a_baud_rate_problem(board_factory, profiler_image: Path,
                                                         reference_model_path: Path) -> None:
    sim = board_factory(fault="noise")
    with pytest.raises(BoardTimeout) as caught:
        profile_on_board(reference_model_path.read_bytes(), "seed",
                         BoardOptions(port=str(sim.port), firmware=profiler_image, timeout_s=1))
    assert str(caught.value) == ("Timed out: the board is printing, but not the profiler's output within 1 s, and "
                                 "the data looks garbled: is the baud rate right (MLTK's firmware uses 115200)?")


def _own_build(image: Path) -> Path:
    """The image under a name of the user's own: the run cannot tell its app before the board prints."""
    own = image.with_name("own-build.s37")
    own.write_bytes(image.read_bytes())
    return own


def test_classify_on_the_profiler_firmware_says_so(board, profiler_image: Path,
                                                   reference_model_path: Path) -> None:
    with pytest.raises(WrongFirmware) as caught:
        classify_on_board(reference_model_path.read_bytes(),
                          BoardOptions(port=str(board.port), firmware=_own_build(profiler_image), timeout_s=30))
    assert str(caught.value) == ("The board runs MLTK's model profiler firmware, not the audio classifier: give "
                                 "the classifier's image (--firmware).")


def test_profile_on_the_classifier_firmware_says_so(board, classifier_image: Path,
                                                    reference_model_path: Path) -> None:
    with pytest.raises(WrongFirmware, match="runs MLTK's audio classifier firmware, not the model profiler"):
        profile_on_board(reference_model_path.read_bytes(), "seed",
                         BoardOptions(port=str(board.port), firmware=_own_build(classifier_image), timeout_s=30))


@pytest.mark.parametrize(("run", "image_fixture"), [("classify", "profiler_image"), ("profile", "classifier_image")])
def test_the_other_apps_image_is_refused_before_flashing(board, commander, request, reference_model_path: Path,
                                                         run: str, image_fixture: str) -> None:
    image = request.getfixturevalue(image_fixture)
    options = BoardOptions(port=str(board.port), firmware=image, timeout_s=30)
    tflite = reference_model_path.read_bytes()
    with pytest.raises(WrongFirmware) as caught:
        classify_on_board(tflite, options) if run == "classify" else profile_on_board(tflite, "seed", options)
    wanted, other = ("audio classifier", "model profiler") if run == "classify" else ("model profiler",
                                                                                     "audio classifier")
    assert str(caught.value) == (f"The image {image.name} is MLTK's {other} firmware, which cannot {run}: give the "
                                 f"{wanted}'s image with --firmware, or leave --firmware out for the published one.")
    assert commander.calls() == []  # nothing flashed, nor even asked
