"""The Python API the GUI drives: profile/classify runs with callbacks and cancel, on the simulators."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from workbench.board.runs.classify_run import ClassifyHandlers, classify_on_board, model_for_classifier
from workbench.board.errors import Cancelled
from workbench.board.runs.job import BoardCallbacks, BoardOptions
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
