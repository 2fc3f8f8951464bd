"""Save mistakes as clips…'s question: the folder beside the stream offered, Browse… starting where it can, the
misses check box, and no Save without a folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from workbench.gui.calibration.mistake_clips_dialog import (ClipsChoice, MistakeClipsDialog, existing_ancestor,
                                                            suggested_folder)


def test_the_folder_offered_is_beside_the_stream_and_named_after_it(tmp_path: Path) -> None:
    assert suggested_folder(tmp_path / "kitchen.take2.wav") == tmp_path / "kitchen.take2-mistakes"
    assert existing_ancestor(tmp_path / "not" / "yet") == tmp_path


def test_the_dialog_gives_the_folder_and_whether_misses_go_too(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, monkeypatch) -> None:
    default = tmp_path / "stream-mistakes"  # does not exist: kws detect creates it
    dialog = MistakeClipsDialog(default, false_accepts=12, misses=1)
    qtbot.addWidget(dialog)
    assert dialog.folder_edit.text() == str(default) and not dialog.misses_box.isChecked()
    assert "(1 missed keyword)" in dialog.misses_box.text()
    assert dialog.choice() == ClipsChoice(default, misses=False)
    starts: list[str] = []
    chosen = tmp_path / "chosen"

    def pick(_parent: object, _title: str, start: str) -> str:
        starts.append(start)
        return str(chosen)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", pick)
    dialog.browse()
    assert starts == [str(tmp_path)]  # the nearest folder that exists
    qtbot.mouseClick(dialog.misses_box, Qt.MouseButton.LeftButton)
    assert dialog.choice() == ClipsChoice(chosen, misses=True)
    dialog.folder_edit.clear()
    assert dialog.choice() is None and not dialog.save_button.isEnabled()
    dialog.folder_edit.setText(str(chosen))
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == MistakeClipsDialog.DialogCode.Accepted
