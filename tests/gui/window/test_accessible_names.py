"""Fields a screen reader would otherwise name after their group box (or not at all) have names of their own."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from tests.gui.spoken import spoken_name


def test_fields_in_rows_with_buttons_lists_and_tables_have_their_own_names(  # type: ignore[no-untyped-def]
        window) -> None:
    recording = window.source_panel.recording
    inputs = window.calibration.inputs
    settings = window.training.training.settings
    datasets = window.training.training.datasets
    named = {
        recording.speaker_edit: "Recording speaker",
        window.source_panel.transport.seek_slider: "Position in the file",
        inputs.model_edit: "Model file", inputs.stream_edit: "Stream file", inputs.labels_edit: "Labels file",
        inputs.background.list: "Background-only recordings", inputs.compare.list: "Models to compare",
        window.calibration.table: "Pareto-best parameter sets",
        settings.init_from: "Start from", settings.out: "Output folder",
        settings.out_button: "Browse for the output folder",
        datasets.list: "Dataset folders", datasets.table: "Clips per class in the dataset's splits",
    }
    assert [spoken_name(widget) for widget in named] == list(named.values())
    # a combo box is read out by its value; its label is found through the buddy
    assert [label.text() for label in recording.findChildren(QLabel) if label.buddy() is recording.label_combo] \
        == ["Label"]


def test_scroll_areas_are_no_unnamed_tab_stops_and_the_model_summary_is(  # type: ignore[no-untyped-def]
        window, qtbot) -> None:
    """The scroll areas around the Source and Tuning panels and the Model summary only hold controls: Tab goes
    to those, not to an unnamed area; the summary's values are Tab stops whose text the keyboard selects."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QScrollArea

    tab = Qt.FocusPolicy.TabFocus
    for key in ("live", "model"):
        window.show_workspace(key)
        areas = [area for area in window.findChildren(QScrollArea) if area.isVisible()
                 and type(area) is QScrollArea and area.focusPolicy() & tab == tab]
        assert [spoken_name(area) for area in areas if not spoken_name(area)] == [], key
    assert {spoken_name(window.docks[title].widget()) for title in ("Source", "Tuning")} \
        == {"Source panel", "Tuning panel"}
    path = window.model_view.summary_labels["path"]
    assert path.focusPolicy() & tab == tab and spoken_name(path) == path.text() != ""
    path.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is path)
    QTest.keySequence(path, QKeySequence(QKeySequence.StandardKey.SelectAll))
    assert path.selectedText() == path.text()


def test_every_tab_stop_of_every_workspace_has_a_name(window) -> None:  # type: ignore[no-untyped-def]
    """A screen reader says something at each Tab stop: the plots' own painting widgets were unnamed Tab stops
    (pyqtgraph's viewports), and so was the Training area's tab bar."""
    from tests.gui.spoken import tab_walk

    for key in ("live", "model", "calibration", "training", "board"):
        window.show_workspace(key)
        unnamed = [f"{type(w).__name__} in {type(w.parentWidget()).__name__}" for w in tab_walk(window, window)
                   if w.isVisible() and not spoken_name(w)]
        assert unnamed == [], key
