"""The Python API the GUI drives: profile/classify runs with callbacks and cancel, on the simulators."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from workbench.board.runs.classify_run import ClassifyHandlers, classify_on_board, model_for_classifier
from workbench.board.errors import Cancelled
from workbench.board.firmware.catalog import CLASSIFIER_APP
from workbench.board.runs.job import BoardCallbacks, BoardJob, BoardOptions
from workbench.board.logs.classifier_log import BoardDetection, BoardScores
from workbench.board.runs.profile_run import profile_on_board
from workbench.core.detection.settings import DetectionSettings


def test_profile_reports_status_progress_and_lines(board, profiler_image: Path, reference_model_path: Path) -> None:
    status, progress, lines = [], [], []
    callbacks = BoardCallbacks(status=status.append, flash_progress=lambda step, p: progress.append((step, p.phase)),
                               line=lines.append)
    result = profile_on_board(reference_model_path.read_bytes(), "seed",
                              BoardOptions(port=str(board.port), firmware=profiler_image), callbacks)
    assert result.device.platform == "brd2601" and result.image == profiler_image
    assert result.report.summary.measured.source == result.source and "brd2601" in result.source
    assert ("image", "done") in progress and ("model", "done") in progress
    assert any("resetting" in s for s in status) and lines[0] == "Starting Model Profiler" and lines[-1] == "done"


def test_cancel_while_waiting_for_a_silent_board(board_factory, profiler_image: Path,
                                                 reference_model_path: Path) -> None:
    sim = board_factory(fault="silent")
    callbacks = BoardCallbacks()
    seen = []

    def line(text: str) -> None:
        seen.append(text)
        if text == "Loading model":
            threading.Timer(0.3, callbacks.cancel.set).start()

    callbacks.line = line
    with pytest.raises(Cancelled):
        profile_on_board(reference_model_path.read_bytes(), "seed",
                         BoardOptions(port=str(sim.port), firmware=profiler_image, timeout_s=60), callbacks)
    assert seen[-1] == "Loading model"


def test_classify_events_and_cancel(board_factory, classifier_image: Path, reference_model_path: Path) -> None:
    sim = board_factory(time_scale=0.05)
    tflite = model_for_classifier(reference_model_path.read_bytes(), DetectionSettings(detection_threshold=185,
                                  suppression_ms=750), verbose=True)
    callbacks = BoardCallbacks()
    events, startups = [], []

    def event(e) -> None:
        events.append(e)
        if isinstance(e, BoardDetection):
            callbacks.cancel.set()  # stop at the first detection

    with pytest.raises(Cancelled):
        classify_on_board(tflite, BoardOptions(port=str(sim.port), firmware=classifier_image), callbacks,
                          ClassifyHandlers(startup=startups.append, event=event))
    assert len(startups) == 1 and startups[0].application["verbose_model_output_logs"] == 1
    assert isinstance(events[-1], BoardDetection) and events[-1].label == "yes"
    assert all(isinstance(e, BoardScores) for e in events[:-1]) and len(events) > 30


def test_classify_ignores_what_the_previous_firmware_prints_before_the_reset(board_factory, classifier_image: Path,
                                                                             reference_model_path: Path) -> None:
    """A verbose classifier left running prints scores until the new run's reset: none of them, nor an
    empty start-up, may pass for the new (non-verbose) run's."""
    sim = board_factory(time_scale=0.05)
    options = BoardOptions(port=str(sim.port), firmware=classifier_image)
    settings = DetectionSettings(detection_threshold=185, suppression_ms=750)
    first = BoardCallbacks()
    with pytest.raises(Cancelled):  # stopped at its first inference; the board goes on printing them
        classify_on_board(model_for_classifier(reference_model_path.read_bytes(), settings, verbose=True),
                          options, first, ClassifyHandlers(event=lambda _e: first.cancel.set()))
    raw, startup_lines, startups, events = [], [], [], []
    callbacks = BoardCallbacks(line=raw.append)

    def event(e) -> None:
        events.append(e)
        if isinstance(e, BoardDetection):
            callbacks.cancel.set()

    with pytest.raises(Cancelled):
        classify_on_board(model_for_classifier(reference_model_path.read_bytes(), settings, verbose=False),
                          options, callbacks, ClassifyHandlers(startup=startups.append, event=event,
                                                               startup_line=startup_lines.append))
    banner = raw.index("Audio Classifier")
    assert any(line.startswith("[") for line in raw[:banner])  # the stale verbose output did arrive first
    assert not any(isinstance(e, BoardScores) for e in events) and isinstance(events[0], BoardDetection)
    assert len(startups) == 1 and startups[0].model_address is not None and startups[0].classes[0] == "yes"
    assert startups[0].application["verbose_model_output_logs"] == 0 and len(startups[0].application) == 11
    assert startup_lines[0] == "Audio Classifier" and startup_lines == raw[banner:banner + len(startup_lines)]
    assert "Application settings:" in startup_lines and startup_lines[-1] == ""


def test_statuses_follow_the_steps_as_they_happen(board, classifier_image: Path, reference_model_path: Path) -> None:
    """The board is asked what it is before the flashing starts, so "flashing" must not come first (it stood
    for the whole flash while the status said the board was being asked)."""
    status: list[str] = []
    job = BoardJob(BoardOptions(port=str(board.port), firmware=classifier_image), BoardCallbacks(status=status.append))
    job.program(CLASSIFIER_APP, reference_model_path.read_bytes())
    assert status == ["asking the board what it is (commander device info)",
                      f"flashing {classifier_image.name} and the model"]
