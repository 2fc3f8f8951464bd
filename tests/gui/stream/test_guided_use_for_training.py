"""The guided recorder's Done page offers a way on: "Use for training" puts the takes' dataset folder into the
Training workspace's Data list and the session's words into its keywords, and shows that workspace (the recorder
closes). While a stopped run holds the Data list and keywords (Resume repeats them), neither is changed: the
recorder stays open and says why."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from guided_saying import start_saying_yes
from workbench.gui.stream.guided_recording_view import DONE
from workbench.run_folder_layout import RUN_FILE
from workbench.training.run.run_request import DatasetArg, TrainRequest

SESSION_TIMEOUT_MS = 60_000


def stopped_run(folder: Path, dataset: Path) -> Path:
    """A run folder as a stopped ``kws train`` leaves it (its run.json, no summary): Resume is offered."""
    folder.mkdir()
    record = TrainRequest(datasets=(DatasetArg(dataset),), out=folder, spec="tflite_micro_speech").to_record()
    (folder / RUN_FILE).write_text(json.dumps(record), encoding="utf-8")
    return folder


def test_use_for_training_adds_the_takes_folder_to_the_data_list(  # type: ignore[no-untyped-def]
        qtbot, window, mic, tmp_path: Path) -> None:
    takes = tmp_path / "takes"
    takes.mkdir()
    training = window.training.training
    view = start_saying_yes(qtbot, window, mic, tmp_path, takes, takes=1)
    assert not view.train_button.isVisible()  # only the Done page offers it
    qtbot.waitUntil(lambda: view.state == DONE, timeout=SESSION_TIMEOUT_MS)
    assert view.kept and view.train_button.isVisible()

    training.settings.out.setText(str(stopped_run(tmp_path / "run", tmp_path)))  # Resume holds the Data list
    assert not training.datasets.isEnabled()
    qtbot.mouseClick(view.train_button, Qt.MouseButton.LeftButton)
    assert takes not in training.datasets.folders() and view.isVisible()
    assert training.settings.keyword_list() == ["yes", "no"]  # the stopped run's, which Resume repeats
    assert "belong to its run" in view.result.text() and str(takes) in view.result.text()
    assert window.current_workspace == "training"

    training.settings.out.setText(str(tmp_path / "new_run"))  # a new run's folder: the list is the user's again
    window.show_workspace("live")
    qtbot.mouseClick(view.train_button, Qt.MouseButton.LeftButton)
    assert training.datasets.folders()[-1] == takes
    assert window.current_workspace == "training" and window.training.currentWidget() is training
    assert not view.isVisible() and str(takes) in window.statusBar().currentMessage()


def test_use_for_training_makes_the_recorded_words_the_training_keywords(  # type: ignore[no-untyped-def]
        qtbot, window, mic, tmp_path: Path) -> None:
    """Left at the spec's yes,no, Train trained yes/no on takes of "on" and "off"."""
    takes = tmp_path / "takes"
    takes.mkdir()
    settings = window.training.training.settings
    assert settings.keyword_list() == ["yes", "no"]  # the spec's own
    view = start_saying_yes(qtbot, window, mic, tmp_path, takes, takes=1, words="on, off")
    qtbot.waitUntil(lambda: view.state == DONE, timeout=SESSION_TIMEOUT_MS)
    assert view.recorded_words == ["on", "off"]
    qtbot.mouseClick(view.train_button, Qt.MouseButton.LeftButton)
    assert settings.keyword_list() == ["on", "off"]
    assert window.training.training.datasets.keywords == ["on", "off"]  # the Data table counts them as keywords
    said = window.statusBar().currentMessage()
    assert "keywords are on, off now, not the spec's yes, no" in said and str(takes) in said
