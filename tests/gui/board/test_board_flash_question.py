"""Flash of a model open for inspection only, Flash or Classify of a model the audio classifier firmware would
refuse, and Flash of MLTK's profiler image, ask first with No as the default, and flash nothing on No. A real
window, the real question box, the simulated Commander."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import classifier_image, commander, profiler_image  # noqa: E402,F401

from workbench.assets import default_model_path  # noqa: E402
from workbench.core.model.model_file import load_model, model_with_params  # noqa: E402
from workbench.gui.board import BoardWorkspace  # noqa: E402
from workbench.gui.board.board_questions import (BOARD_QUESTION_TITLE, OTHER_APP_TITLE,  # noqa: E402
                                                 STREAM_QUESTION_TITLE, stream_question)

CHANNELS_KEY = "fe.filterbank_n_channels"
OTHER_CHANNELS = 20  # the bundled model takes 40 channels: with 20 it can be inspected, not streamed
RUN_TIMEOUT_MS = 60_000


@pytest.fixture
def inspected(window, tmp_path: Path) -> str:
    """The window holds a model open for inspection only; returns why it cannot stream."""
    path = tmp_path / "channels20.tflite"
    path.write_bytes(model_with_params(load_model(default_model_path()), {CHANNELS_KEY: OTHER_CHANNELS}).tflite)
    assert window.open_model(path), window.last_error
    assert window.controller.inspect_only
    return window.controller.live_problem


@pytest.fixture
def workspace(window, qtbot, commander, classifier_image):  # noqa: F811
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    ws.firmware.classifier.setText(str(classifier_image))
    yield ws
    ws.shutdown()


def answer_the_box(qtbot, key: Qt.Key) -> list[tuple[str, str, bool]]:
    """Once the modal box is up, press ``key`` on it as the user would; the list gets the box's
    (title, text, whether No is its default button)."""
    seen: list[tuple[str, str, bool]] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.windowTitle(), box.text(), box.defaultButton() is box.button(QMessageBox.StandardButton.No)))
        qtbot.keyClick(box, key)

    QTimer.singleShot(0, press)
    return seen


def test_enter_on_the_question_flashes_nothing(workspace, window, qtbot, commander, inspected) -> None:  # noqa: F811
    seen = answer_the_box(qtbot, Qt.Key.Key_Return)  # Enter takes the default: No
    assert workspace.flash() is False
    question = f"The stream cannot run this model: {inspected}. Flash it anyway?"
    assert seen == [(STREAM_QUESTION_TITLE, question, True)] and question == stream_question(inspected)
    assert "\n" not in question
    assert not workspace.busy and workspace.flash_button.isEnabled()
    assert commander.calls() == [] and window.last_error is None  # nothing ran, nothing to report


def test_yes_flashes_it_anyway(workspace, window, qtbot, commander, inspected) -> None:  # noqa: F811
    seen = answer_the_box(qtbot, Qt.Key.Key_Y)  # the &Yes button's shortcut
    assert workspace.flash() is True
    qtbot.waitUntil(lambda: not workspace.busy, timeout=RUN_TIMEOUT_MS)
    assert len(seen) == 1 and commander.calls() != []
    assert "flashed and reset" in workspace.status.text().lower(), workspace.status.text()


def test_a_model_that_can_stream_is_flashed_without_a_question(  # noqa: F811
        workspace, window, qtbot, commander) -> None:
    asked: list[str] = []
    workspace.ask_flash = lambda _parent, _title, question: asked.append(question) or False
    assert not window.controller.inspect_only
    assert workspace.flash() is True
    qtbot.waitUntil(lambda: not workspace.busy, timeout=RUN_TIMEOUT_MS)
    assert asked == [] and commander.calls() != []


@pytest.fixture
def nameless(window, tmp_path: Path) -> Path:
    """The window streams a model without its class names: the workbench runs it, the firmware stops at start-up."""
    model = load_model(default_model_path())
    path = tmp_path / "nameless.tflite"
    path.write_bytes(model_with_params(model, {"classes": None}).tflite)
    assert window.open_model(path), window.last_error
    assert not window.controller.inspect_only
    return path


@pytest.mark.parametrize("action", ["flash", "classify"])
def test_a_model_the_board_would_refuse_is_flashed_only_after_yes(workspace, window, qtbot, commander,  # noqa: F811
                                                                  nameless, action) -> None:
    seen = answer_the_box(qtbot, Qt.Key.Key_Return)  # Enter takes the default: No
    assert getattr(workspace, action)() is False
    assert len(seen) == 1 and seen[0][0] == BOARD_QUESTION_TITLE and seen[0][2], seen
    question = seen[0][1]
    assert question.startswith("The board's audio classifier would not run this model as the workbench does. "
                               "The board firmware needs the class names: add them with kws params ")
    assert str(nameless) in question and question.endswith(" Flash it anyway?") and "\n" not in question
    assert commander.calls() == [] and not workspace.busy and window.last_error is None
    seen = answer_the_box(qtbot, Qt.Key.Key_Y)
    assert getattr(workspace, action)() is True and len(seen) == 1
    workspace.cancel()
    qtbot.waitUntil(lambda: not workspace.busy, timeout=RUN_TIMEOUT_MS)


def test_flash_asks_before_writing_the_profilers_image(workspace, window, qtbot, commander,  # noqa: F811
                                                       profiler_image) -> None:
    """The Classifier image box holds MLTK's profiler (browsed to by mistake): Flash says so and what the board will
    do, as Classify refuses the other app's image; it flashed it without a word before."""
    workspace.firmware.classifier.setText(str(profiler_image))
    seen = answer_the_box(qtbot, Qt.Key.Key_Return)  # Enter takes the default: No
    assert workspace.flash() is False
    assert seen == [(OTHER_APP_TITLE, f"The image {profiler_image.name} is MLTK's model profiler firmware, not the "
                     "audio classifier: after the flash the board profiles the model once at start-up, prints its "
                     "figures on the serial port and classifies nothing. Flash it anyway?", True)]
    assert commander.calls() == [] and not workspace.busy and window.last_error is None
    seen = answer_the_box(qtbot, Qt.Key.Key_Y)
    assert workspace.flash() is True and len(seen) == 1
    qtbot.waitUntil(lambda: not workspace.busy, timeout=RUN_TIMEOUT_MS)
    assert commander.calls() != [] and window.last_error is None
