"""The "Build a labelled stream" dialog with a real `kws stream make` child: the choices are locked while it
runs, the stream it reports is the one the child wrote, a folder as "Write to" gets stream.wav inside it, the
split typed reaches the stream's labels JSON, and the dialog opens wide enough to show a path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from tests.calibration.conftest import small_dataset, speech_commands  # noqa: F401  (fixtures)
from workbench.core.audio.audio_file import load_audio
from workbench.gui.calibration.stream_dialog import MIN_WIDTH_PX, STREAM_NAME, StreamDialog

RUN_TIMEOUT_MS = 120_000
SHORT_MINUTES = 0.5
READABLE_PATH_PX = 300  # a path field this wide shows a path, not "a folder with one …"


def shown_dialog(qtbot, dataset: Path | None = None,  # type: ignore[no-untyped-def]
                 minutes: float | None = None) -> StreamDialog:
    """The dialog for yes and no over ``dataset``, shown; ``minutes`` long streams (short ones build in seconds)."""
    dialog = StreamDialog(("yes", "no"), dataset=dataset)
    qtbot.addWidget(dialog)
    dialog.show()
    if minutes is not None:
        dialog.minutes_spin.setValue(minutes)
    return dialog


def test_a_folder_as_write_to_gets_stream_wav_and_edits_during_the_build_change_nothing(  # type: ignore[no-untyped-def]
        qtbot, small_dataset, tmp_path) -> None:  # noqa: F811
    dialog = shown_dialog(qtbot, small_dataset, SHORT_MINUTES)
    dialog.split_combo.setCurrentText("all")
    folder = tmp_path / "streams"
    folder.mkdir()
    dialog.out_edit.setText(str(folder))
    with qtbot.waitSignal(dialog.accepted, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
        assert dialog.out_edit.text() == str(folder / STREAM_NAME)  # says where it goes
        for edit in (dialog.dataset_edit, dialog.keywords_edit, dialog.out_edit):
            assert not edit.isEnabled()
        assert not dialog.minutes_spin.isEnabled() and not dialog.build_button.isEnabled()
        dialog.out_edit.setText(str(tmp_path / "typed meanwhile.wav"))  # a script can still change the text
    assert dialog.built_path == folder / STREAM_NAME
    assert load_audio(dialog.built_path).duration_s == 30.0
    assert json.loads((folder / "stream.json").read_text())["events"]
    assert not (tmp_path / "streams.wav").exists() and dialog.form_box.isEnabled()


def test_the_split_typed_is_the_one_the_stream_records(  # type: ignore[no-untyped-def]
        qtbot, small_dataset, tmp_path) -> None:  # noqa: F811
    dialog = shown_dialog(qtbot, small_dataset, SHORT_MINUTES)
    fields = dialog.split_fields
    for box, typed in ((fields.testing_spin, "60"), (fields.validation_spin, "20.5")):
        box.setFocus()
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), typed)  # no Return: in the dialog that is Build
    fields.method_combo.setCurrentText("stratified")
    dialog.out_edit.setText(str(tmp_path / "split.wav"))
    with qtbot.waitSignal(dialog.accepted, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    recorded = json.loads((tmp_path / "split.json").read_text())["stream"]
    assert (recorded["split"], recorded["testing_percent"], recorded["validation_percent"],
            recorded["split_method"]) == ("testing", 60.0, 20.5, "stratified")


def test_a_failed_build_unlocks_the_choices(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = StreamDialog(("yes", "no"), dataset=tmp_path / "nowhere")
    qtbot.addWidget(dialog)
    dialog.out_edit.setText(str(tmp_path / "s"))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert dialog.out_edit.text() == str(tmp_path / "s.wav") and not dialog.dataset_edit.isEnabled()
    qtbot.waitUntil(lambda: not dialog.child.running and dialog.build_button.isEnabled(), timeout=RUN_TIMEOUT_MS)
    assert "does not exist" in dialog.status.text() and dialog.dataset_edit.isEnabled()


def test_the_dialog_opens_wide_enough_for_a_path(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = shown_dialog(qtbot)
    qtbot.waitExposed(dialog)
    assert dialog.width() >= MIN_WIDTH_PX
    assert dialog.dataset_edit.width() >= READABLE_PATH_PX and dialog.out_edit.width() >= READABLE_PATH_PX


def test_a_dataset_without_noise_is_built_with_the_users_noise_or_none(  # type: ignore[no-untyped-def]
        qtbot, small_dataset, tmp_path) -> None:  # noqa: F811
    """One's own takes have no _background_noise_ folder: the refusal names the dialog's Noise boxes (it said to give
    noise files or build without noise, which the dialog had no box for), and each of them builds the stream."""
    takes = tmp_path / "takes"
    shutil.copytree(small_dataset, takes, ignore=shutil.ignore_patterns("_background_noise_"))
    dialog = shown_dialog(qtbot, takes, SHORT_MINUTES)
    dialog.split_combo.setCurrentText("all")
    dialog.out_edit.setText(str(tmp_path / "s.wav"))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.child.running and dialog.build_button.isEnabled(), timeout=RUN_TIMEOUT_MS)
    assert "“Noise”" in dialog.status.text() and "“No noise”" in dialog.status.text()
    noise = next((small_dataset / "_background_noise_").glob("*.wav"))
    dialog.noise.set_paths([noise])
    with qtbot.waitSignal(dialog.accepted, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert json.loads((tmp_path / "s.json").read_text())["stream"]["noise_files"] == [noise.name]
    dialog = shown_dialog(qtbot, takes, SHORT_MINUTES)
    dialog.split_combo.setCurrentText("all")
    dialog.out_edit.setText(str(tmp_path / "quiet.wav"))
    dialog.noise.set_paths([noise])
    dialog.no_noise.setChecked(True)
    assert not dialog.noise.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert json.loads((tmp_path / "quiet.json").read_text())["stream"]["noise_files"] == []


def test_takes_of_the_keywords_alone_are_built_with_keywords_only(  # type: ignore[no-untyped-def]
        qtbot, small_dataset, tmp_path) -> None:  # noqa: F811
    """One's own takes of yes and no hold no other words: the refusal names the dialog's Keywords only (it named
    --unknown-count 0, which the dialog had no box for), and with it the stream is built of keywords and silences."""
    takes = tmp_path / "takes"
    for word in ("yes", "no", "_background_noise_"):
        shutil.copytree(small_dataset / word, takes / word)
    dialog = shown_dialog(qtbot, takes, SHORT_MINUTES)
    dialog.split_combo.setCurrentText("all")
    dialog.out_edit.setText(str(tmp_path / "takes.wav"))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.child.running and dialog.build_button.isEnabled(), timeout=RUN_TIMEOUT_MS)
    assert "keywords alone with \u201cKeywords only\u201d" in dialog.status.text()
    dialog.keywords_only.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    labels = {event["label"] for event in json.loads((tmp_path / "takes.json").read_text())["events"]}
    assert labels == {"yes", "no", "_silence_"}
