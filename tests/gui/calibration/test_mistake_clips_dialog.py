"""Save mistakes as clips…'s question: the folder beside the stream offered, Browse… starting where it can, the
misses check box, what the set has to save said first, and no Save without a folder or with nothing to save."""

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


def test_the_dialog_says_first_what_the_set_has_to_save(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    both = MistakeClipsDialog(tmp_path, false_accepts=12, misses=1)
    qtbot.addWidget(both)
    intro = both.intro.text()
    assert intro.startswith("The selected set has 12 false accepts and 1 missed keyword in the stream. ")
    assert both.misses_box.isEnabled() and not both.misses_box.isChecked()

    no_misses = MistakeClipsDialog(tmp_path, false_accepts=1, misses=0)
    qtbot.addWidget(no_misses)
    assert no_misses.intro.text().startswith(
        "The selected set has 1 false accept and no missed keywords in the stream. ")
    assert not no_misses.misses_box.isEnabled() and not no_misses.misses_box.isChecked()
    assert no_misses.choice() == ClipsChoice(tmp_path, misses=False) and no_misses.save_button.isEnabled()


def test_a_set_without_false_accepts_offers_its_misses_checked(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path) -> None:
    dialog = MistakeClipsDialog(tmp_path, false_accepts=0, misses=11)
    qtbot.addWidget(dialog)
    assert dialog.intro.text().startswith(
        "The selected set has no false accepts in the stream, only 11 missed keywords: only the misses can be "
        "saved, as keyword clips (FOLDER/<keyword>/…).")
    assert dialog.misses_box.isChecked() and dialog.misses_box.text().startswith("Save the misses (11 missed")
    assert dialog.choice() == ClipsChoice(tmp_path, misses=True) and dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.misses_box, Qt.MouseButton.LeftButton)  # unchecked: nothing left to save
    assert dialog.choice() is None and not dialog.save_button.isEnabled()


def test_a_set_without_mistakes_has_nothing_to_save(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = MistakeClipsDialog(tmp_path, false_accepts=0, misses=0)
    qtbot.addWidget(dialog)
    assert dialog.intro.text() == ("The selected set has no false accepts and no missed keywords in the "
                                               "stream: it has no mistakes to save as clips.")
    assert not dialog.misses_box.isEnabled() and dialog.choice() is None and not dialog.save_button.isEnabled()


def test_the_background_recordings_false_accepts_are_said_apart(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path) -> None:
    both = MistakeClipsDialog(tmp_path, false_accepts=11, misses=2, background=6)
    qtbot.addWidget(both)
    assert both.intro.text().startswith(
        "The selected set has 11 false accepts (6 of them in the background recordings, saved as _false_accept_/ "
        "clips) and 2 missed keywords. False accepts are ")
    background_only = MistakeClipsDialog(tmp_path, false_accepts=3, misses=0, background=3)
    qtbot.addWidget(background_only)
    assert background_only.intro.text().startswith(
        "The selected set has 3 false accepts (3 of them in the background recordings, saved as _false_accept_/ "
        "clips) and no missed keywords. ")
    assert background_only.choice() == ClipsChoice(tmp_path, misses=False) and background_only.save_button.isEnabled()
