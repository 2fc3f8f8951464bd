"""Fields a screen reader would otherwise name after their group box (or not at all) have names of their own."""

from __future__ import annotations

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
        datasets.list: "Dataset folders", datasets.table: "Clips per class and split",
    }
    assert [spoken_name(widget) for widget in named] == list(named.values())
    # a combo box is read out by its value; its label is found through the buddy
    assert [label.text() for label in recording.findChildren(QLabel) if label.buddy() is recording.label_combo] \
        == ["Label"]
