"""The "Build a labelled stream" dialog as a keyboard and screen reader user meets it: every Tab stop has a name
(the path fields beside their Browse buttons had none), the buttons have Alt letters of their own, and at a large
font the wrapped note under the split gets the lines it needs (it was cut and ran into the Seed row)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton

from tests.gui.calibration.test_stream_dialog import shown_dialog
from tests.gui.spoken import spoken_name, tab_walk
from workbench.gui.calibration.stream_split_fields import NO_RUN_NOTE

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import cut_off_texts  # noqa: E402

WRAPPED_LINES = 2  # the note without a training run, at 16 pt in the dialog's first width


def test_every_tab_stop_is_named_and_every_button_has_its_own_alt_letter(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = shown_dialog(qtbot)
    qtbot.waitExposed(dialog)
    stops = tab_walk(dialog.dataset_edit, dialog)
    assert dialog.out_edit in stops and dialog.build_button in stops
    assert [type(w).__name__ for w in stops if not spoken_name(w)] == []
    assert (spoken_name(dialog.dataset_edit), spoken_name(dialog.out_edit)) == ("Dataset folder", "Write the stream to")
    browse = [w for w in stops if isinstance(w, QAbstractButton) and w.text().replace("&", "") == "Browse…"]
    assert [spoken_name(w) for w in browse] == ["Browse for the dataset folder", "Browse for where to write the stream"]
    letters = [QKeySequence.mnemonic(w.text()).toString() for w in dialog.findChildren(QAbstractButton)]
    assert len([letter for letter in letters if letter]) == len(set(letters) - {""})  # none twice
    assert all(QKeySequence.mnemonic(w.text()).toString() for w in (*browse, dialog.build_button))


def test_the_wrapped_note_keeps_its_lines_at_a_large_font(large_font, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = shown_dialog(qtbot)  # no model, so no run: the long note
    qtbot.waitExposed(dialog)
    note = dialog.split_fields.note
    assert note.text() == NO_RUN_NOTE
    dialog.resize(dialog.width(), 0)  # as short as it lets itself be (Qt opens it at most 2/3 of the screen high)
    qtbot.wait(50)  # let the layouts settle
    assert note.heightForWidth(note.width()) >= WRAPPED_LINES * note.fontMetrics().lineSpacing()  # it does wrap
    assert cut_off_texts(dialog) == []
    assert note.geometry().bottom() < dialog.seed_spin.geometry().top()
