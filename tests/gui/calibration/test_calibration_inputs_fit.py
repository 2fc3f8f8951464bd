"""The Calibration inputs' hints can be read: each field's placeholder fits the field in the window as a user
first sees it (and at a narrower width), and the detail the placeholder used to hold is in the field's tooltip."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from workbench.gui.calibration.calibration_inputs_view import CalibrationInputsView, text_room

SIZES = [(1600, 960), (1584, 960), (1280, 800)]


def cut_placeholders(view: CalibrationInputsView) -> list[str]:
    return [f"{edit.accessibleName()}: {edit.placeholderText()!r} needs "
            f"{edit.fontMetrics().horizontalAdvance(edit.placeholderText())} px, has {text_room(edit)}"
            for edit in view.findChildren(QLineEdit)
            if edit.isVisible() and edit.placeholderText()
            and edit.fontMetrics().horizontalAdvance(edit.placeholderText()) > text_room(edit)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_placeholder_of_the_calibration_inputs_fits(qtbot, window, size: tuple[int, int]) -> None:
    window.resize(*size)
    window.show_workspace("calibration")
    qtbot.waitUntil(lambda: window.size().width() == size[0], timeout=2000)
    qtbot.wait(50)  # let the layouts settle
    view = window.calibration.inputs
    assert view.stream_edit.isVisible() and view.labels_edit.isVisible()
    assert cut_placeholders(view) == []
    assert "labels file beside it" in view.stream_edit.toolTip()  # the detail the old placeholder was cut in
    assert "JSON, CSV or Audacity" in view.labels_edit.toolTip()


def test_the_check_finds_a_cut_placeholder(qtbot, window) -> None:
    """The check can fail: the old placeholder, in a field as narrow as it was given, is reported."""
    window.show_workspace("calibration")
    view = window.calibration.inputs
    view.labels_edit.setPlaceholderText("JSON, CSV or Audacity labels (found beside the stream)")
    view.labels_edit.setFixedWidth(view.labels_edit.fontMetrics().horizontalAdvance("JSON, CSV or Audacity"))
    qtbot.wait(10)
    assert any("Labels file" in p for p in cut_placeholders(view))


def test_the_loaded_model_shows_its_file_name_first_and_its_path_on_hover(qtbot, window) -> None:
    """At 1280x720 the field showed the path's end, "n/resources/models/kws_yes_no.tflite", and no tooltip: now
    the name comes first (and fits), the whole path is the tooltip, and unticking "the loaded model" leaves its
    path in the field to edit."""
    window.resize(1280, 720)
    window.show_workspace("calibration")
    qtbot.waitUntil(lambda: window.size().width() == 1280, timeout=2000)
    qtbot.wait(50)  # let the layouts settle
    view = window.calibration.inputs
    edit, loaded = view.model_edit, window.controller.model.path
    assert view.use_loaded.isChecked() and view.model_path() == loaded
    assert edit.text().startswith(f"{loaded.name} (") and edit.text().endswith(")")
    assert edit.fontMetrics().horizontalAdvance(edit.text()) <= text_room(edit)  # all of it in sight, even on focus
    assert edit.toolTip() == str(loaded)
    view.use_loaded.setChecked(False)
    assert edit.text() == str(loaded) and not edit.isReadOnly() and view.model_path() == loaded
    edit.setText("")
    assert view.model_path() is None and "the loaded model" in edit.toolTip()
    view.use_loaded.setChecked(True)
    assert view.model_path() == loaded and edit.toolTip() == str(loaded)


def test_a_model_name_too_long_for_the_field_keeps_its_end(qtbot) -> None:
    """The name alone was cut at the field's edge ("my_really_long_model_name_v2_fina"): the end tells versions
    apart, so the name is elided in its middle."""
    from PySide6.QtWidgets import QLineEdit

    from workbench.gui.calibration.calibration_inputs_view import loaded_model_text

    edit = QLineEdit()
    qtbot.addWidget(edit)
    path = Path("/models/my_really_long_model_name_v2_final.tflite")
    room = edit.fontMetrics().horizontalAdvance(path.name) // 2
    text = loaded_model_text(path, edit.fontMetrics(), room)
    head, tail = text.split("\u2026")  # elided in its middle: its start and its end kept
    assert path.name.startswith(head) and path.name.endswith(tail) and tail.endswith("nal.tflite")
    assert edit.fontMetrics().horizontalAdvance(text) <= room
