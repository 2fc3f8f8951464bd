"""The stream dialog remembers the last stream built through Build… (a real ``kws stream make`` child): opened again
in the same window, and by a new workspace on the same settings file (the next run), it shows the same choices,
"Write to" a free name beside the last stream (never the last stream itself); a dataset folder or noise file gone
since is dropped with a sentence; choices made for another model leave that model's keywords alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.calibration.conftest import small_dataset, speech_commands  # noqa: F401  (fixtures)
from tests.gui.calibration.stream_dialog_opening import dialog_of_build
from workbench.assets import default_model_path
from workbench.gui.calibration import stream_dialog
from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace
from workbench.gui.calibration.stream_dialog import MAX_SEED, StreamDialog
from workbench.gui.calibration.stream_dialog_memory import SETTINGS_KEY, StreamDialogMemory, free_stream_path

RUN_TIMEOUT_MS = 120_000
SHORT_MINUTES = 0.5


def _choose_and_build(qtbot, dialog: StreamDialog,  # type: ignore[no-untyped-def]
                      dataset: Path, noise: Path, out: Path) -> int:
    """What a user changes from the defaults, then Build, as the open dialog would run it."""
    dialog.show()
    dialog.dataset_edit.setText(str(dataset))
    dialog.keywords_edit.setText("yes")
    dialog.keywords_only.setChecked(True)
    dialog.minutes_spin.setValue(SHORT_MINUTES)
    dialog.split_combo.setCurrentText("all")
    dialog.split_fields.testing_spin.setValue(20.0)
    dialog.noise.set_paths([noise])
    dialog.seed_spin.setValue(7)
    dialog.out_edit.setText(str(out))
    with qtbot.waitSignal(dialog.accepted, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    return dialog.result()


def _shown(dialog: StreamDialog) -> tuple[object, ...]:
    split = dialog.split_fields.split()
    return (dialog.dataset_edit.text(), dialog.keywords_edit.text(), dialog.keywords_only.isChecked(),
            dialog.minutes_spin.value(), dialog.split_combo.currentText(), split.testing_percent,
            [path.name for path in dialog.noise.paths()], dialog.no_noise.isChecked(), dialog.seed_spin.value())


@pytest.fixture
def built(qtbot, workspace, small_dataset, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]  # noqa: F811
    """A stream built through the workspace's Build…: (workspace, dataset copy, noise file, stream written)."""
    dataset = Path(shutil.copytree(small_dataset, tmp_path / "takes"))
    noise = Path(shutil.copy(dataset / "_background_noise_" / "tap.wav", tmp_path / "hum.wav"))
    streams = tmp_path / "streams"
    streams.mkdir()
    workspace.inputs.use_loaded.setChecked(False)
    workspace.inputs.model_edit.setText(str(default_model_path()))
    monkeypatch.setattr(stream_dialog.StreamDialog, "exec",
                        lambda dialog: _choose_and_build(qtbot, dialog, dataset, noise, streams / "stream.wav"))
    workspace.build_stream()
    assert (streams / "stream.wav").is_file() and workspace.inputs.stream_edit.text() == str(streams / "stream.wav")
    return workspace, dataset, noise, streams / "stream.wav"


def test_build_opens_again_with_the_last_choices_and_a_free_name(  # type: ignore[no-untyped-def]
        qtbot, built, monkeypatch) -> None:
    workspace, dataset, noise, stream = built
    expected = (str(dataset), "yes", True, SHORT_MINUTES, "all", 20.0, [noise.name], False, 7)
    again = dialog_of_build(workspace, default_model_path(), monkeypatch)
    assert _shown(again) == expected
    assert again.out_edit.text() == str(stream.with_name("stream-2.wav"))  # the last stream is never replaced
    assert again.status.text() == ""

    next_run = CalibrationWorkspace(workspace.host)  # a new window on the same settings file
    qtbot.addWidget(next_run)
    reopened = dialog_of_build(next_run, default_model_path(), monkeypatch)
    assert _shown(reopened) == expected and reopened.out_edit.text() == again.out_edit.text()
    next_run.shutdown()


def test_a_dataset_folder_or_noise_gone_since_is_dropped_with_a_sentence(  # type: ignore[no-untyped-def]
        qtbot, built, monkeypatch) -> None:
    workspace, dataset, noise, _stream = built
    shutil.rmtree(dataset)
    noise.unlink()
    next_run = CalibrationWorkspace(workspace.host)
    qtbot.addWidget(next_run)
    dialog = dialog_of_build(next_run, default_model_path(), monkeypatch)
    assert dialog.dataset_edit.text() == "" and dialog.noise.paths() == []
    assert str(dataset) in dialog.status.text() and "is gone" in dialog.status.text()
    assert "1 recording of the last stream's Noise list is gone" in dialog.status.text()
    assert dialog.seed_spin.value() == 7  # the rest is still remembered
    assert workspace.host.errors == []
    next_run.shutdown()


def test_another_models_keywords_are_its_own(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    memory = StreamDialogMemory(None)  # the window's life only
    first = StreamDialog(("yes", "no"), dataset=tmp_path)
    qtbot.addWidget(first)
    first.keywords_edit.setText("yes")
    first.seed_spin.setValue(3)
    memory.keep(first, default_model_path())
    other = StreamDialog(("on", "off"))
    qtbot.addWidget(other)
    memory.fill(other, tmp_path / "other.tflite")
    assert other.keywords_edit.text() == "on,off" and other.seed_spin.value() == 3
    assert other.dataset_edit.text() == str(tmp_path)  # the other model's run names none: the last one is offered
    same = StreamDialog(("yes", "no"))
    qtbot.addWidget(same)
    memory.fill(same, default_model_path())
    assert same.keywords_edit.text() == "yes"


def test_a_damaged_record_opens_the_dialog_as_new(  # type: ignore[no-untyped-def]
        qtbot, workspace, monkeypatch) -> None:
    qsettings = workspace.host.settings.qsettings
    beyond_boxes = '{"minutes": 1%s, "seed": %d}' % ("0" * 400, MAX_SEED + 1)  # numbers no box holds (OverflowError)
    for damaged in ("{not json", "[1, 2]", '{"minutes": "ten", "seed": 1e400, "noise": [3], "keywords_only": 1}',
                    beyond_boxes):
        qsettings.setValue(SETTINGS_KEY, damaged)
        dialog = dialog_of_build(CalibrationWorkspace(workspace.host), default_model_path(), monkeypatch)
        qtbot.addWidget(dialog.parent())
        fresh = StreamDialog(("yes", "no"))
        qtbot.addWidget(fresh)
        assert _shown(dialog) == _shown(fresh) and dialog.status.text() == ""


def test_the_free_name_skips_streams_and_labels_there(tmp_path: Path) -> None:
    stream = tmp_path / "stream.wav"
    assert free_stream_path(stream) == stream
    stream.write_bytes(b"")
    (tmp_path / "stream-2.json").write_text("{}")  # labels without their WAV still belong to a stream
    assert free_stream_path(stream) == tmp_path / "stream-3.wav"
    (tmp_path / "stream-3.wav").write_bytes(b"")
    assert free_stream_path(tmp_path / "stream-3.wav") == tmp_path / "stream-4.wav"  # not stream-3-2.wav
