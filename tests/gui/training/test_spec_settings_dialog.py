"""The spec settings dialog: filled from a real ``kws specs --settings SPEC --json`` child, edited, filtered,
and checked by the same child with ``--set`` before it accepts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from workbench.gui.training.spec_settings_dialog import SETTING_COLUMN, VALUE_COLUMN, SpecSettingsDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import cut_off_texts  # noqa: E402

CHILD_TIMEOUT_MS = 60_000  # a safety net for a hung child, not a timing of the test
SPEC = "default"
MASK = "augmentation.mask_share"
SETTINGS_OF_DEFAULT = 101  # kws specs --settings default lists them
SECTIONS = ["training", "data", "augmentation", "frontend", "detection", "conversion", "layers"]


@pytest.fixture
def open_dialog(qtbot):  # type: ignore[no-untyped-def]
    """``open_dialog(spec, changes)``: the dialog shown, once its listing child has answered."""
    dialogs: list[SpecSettingsDialog] = []

    def make(spec: str = SPEC, changes: dict[str, str] | None = None, wait: bool = True) -> SpecSettingsDialog:
        dialog = SpecSettingsDialog(spec, changes)
        qtbot.addWidget(dialog)
        dialog.show()
        dialogs.append(dialog)
        if wait:
            qtbot.waitUntil(lambda: not dialog.child.running, timeout=CHILD_TIMEOUT_MS)
        return dialog

    yield make
    for dialog in dialogs:
        dialog.child.wait_stopped()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_dialog_shows_every_setting_of_the_spec_by_section(open_dialog) -> None:
    dialog = open_dialog()
    tree = dialog.tree
    assert [tree.topLevelItem(i).text(SETTING_COLUMN) for i in range(tree.topLevelItemCount())] == SECTIONS
    assert len(dialog.changes()) == 0 and dialog.ok_button.isEnabled()
    mask = dialog.row(MASK)
    assert mask is not None and mask.parent().text(SETTING_COLUMN) == "augmentation"
    assert (mask.text(SETTING_COLUMN), mask.text(VALUE_COLUMN)) == ("mask_share", "0.0")
    assert dialog.row("layers.1.kernel").text(VALUE_COLUMN) == "[10, 8]"  # TOML, as kws specs --settings prints
    assert dialog.row("augmentation.loudness_range").text(VALUE_COLUMN) == '"off"'
    assert dialog.row("training.class_weight_scale").text(VALUE_COLUMN) == "{ _silence_ = 0.5 }"
    assert f"{SETTINGS_OF_DEFAULT} settings of kws_yes_no" in dialog.message.text() and not dialog.message.is_error
    assert cut_off_texts(dialog) == []  # no clipped name, value column or button


def test_editing_marks_a_row_changed_and_reset_unmarks_it(open_dialog) -> None:
    dialog = open_dialog()
    mask = dialog.row(MASK)
    assert not mask.font(VALUE_COLUMN).bold() and not dialog.reset_all_button.isEnabled()
    dialog.set_value(MASK, "0.5")
    assert dialog.is_changed(MASK) and mask.font(SETTING_COLUMN).bold() and mask.font(VALUE_COLUMN).bold()
    assert mask.text(2) == "0.0" and "0.0" in mask.toolTip(VALUE_COLUMN)  # the spec's value stays in sight
    assert mask.parent().text(SETTING_COLUMN) == "augmentation (1 changed)"
    dialog.set_value("layers.1.filters", "12")
    assert dialog.changes() == {MASK: "0.5", "layers.1.filters": "12"}
    dialog.tree.setCurrentItem(mask)
    assert dialog.reset_button.isEnabled()
    dialog.reset_button.click()
    assert not dialog.is_changed(MASK) and not mask.font(VALUE_COLUMN).bold() and mask.text(VALUE_COLUMN) == "0.0"
    assert mask.parent().text(SETTING_COLUMN) == "augmentation"
    assert dialog.changes() == {"layers.1.filters": "12"}
    dialog.reset_all_button.click()
    assert dialog.changes() == {} and not dialog.row("layers.1.filters").font(VALUE_COLUMN).bold()


def test_the_same_value_written_otherwise_is_no_change_and_an_emptied_one_is_the_specs(open_dialog) -> None:
    dialog = open_dialog()
    dialog.set_value(MASK, "0.00")
    dialog.set_value("augmentation.loudness_range", "off")  # bare text, as kws train --set takes it
    assert dialog.changes() == {}
    dialog.set_value("training.batch_size", "")
    assert dialog.row("training.batch_size").text(VALUE_COLUMN) == "32" and dialog.changes() == {}


def test_changes_given_to_the_dialog_are_filled_in_and_marked(open_dialog) -> None:
    dialog = open_dialog(changes={MASK: "0.5", "layers.9.filters": "3"})
    assert dialog.changes() == {MASK: "0.5"} and dialog.row(MASK).font(VALUE_COLUMN).bold()
    assert "layers.9.filters" in dialog.message.text() and dialog.message.is_error  # not in this spec: said


def test_the_filter_hides_the_other_settings(open_dialog) -> None:
    dialog = open_dialog()
    dialog.filter.setText("MASK")
    shown = dialog.visible_paths()
    assert MASK in shown and all("mask" in path for path in shown) and len(shown) == 5
    sections = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    assert [s.text(SETTING_COLUMN) for s in sections if not s.isHidden()] == ["augmentation"]
    dialog.filter.clear()
    assert len(dialog.visible_paths()) == SETTINGS_OF_DEFAULT
    assert all(not s.isHidden() for s in sections)


def test_ok_with_a_bad_value_shows_the_sentence_and_stays_open(open_dialog, qtbot) -> None:
    dialog = open_dialog()
    dialog.set_value(MASK, "5")
    dialog.ok_button.click()
    assert dialog.child.running and not dialog.tree.isEnabled()  # checking, edits locked meanwhile
    qtbot.waitUntil(lambda: not dialog.child.running, timeout=CHILD_TIMEOUT_MS)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.message.is_error and "mask_share must be between 0 and 1" in dialog.message.text()
    assert "kws: error" not in dialog.message.text() and "\n" not in dialog.message.text()
    assert dialog.tree.isEnabled()  # the user corrects it


def test_ok_with_a_good_value_accepts_it_once(open_dialog, qtbot) -> None:
    dialog = open_dialog()
    dialog.set_value(MASK, " 0.5 ")
    accepted: list[dict[str, str]] = []
    dialog.accepted.connect(lambda: accepted.append(dialog.changes()))
    dialog.accept()
    dialog.accept()  # a second OK while the first is checked: ignored (not a second child, not an error)
    qtbot.waitUntil(lambda: bool(accepted), timeout=CHILD_TIMEOUT_MS)
    assert accepted == [{MASK: "0.5"}] and dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()


def test_a_spec_that_cannot_be_read_says_why(open_dialog, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('extends = "no_such_spec"\nname = "broken"\n')
    dialog = open_dialog(str(broken))
    assert dialog.message.is_error and dialog.message.text().startswith(f"The settings of {broken} cannot be read:")
    assert "no_such_spec" in dialog.message.text() and "\n" not in dialog.message.text()
    assert not dialog.ok_button.isEnabled() and dialog.tree.topLevelItemCount() == 0


def test_closing_the_dialog_ends_its_child(open_dialog, qtbot) -> None:
    dialog = open_dialog(wait=False)
    pid = dialog.child.pid
    assert pid > 0 and dialog.child.running  # still reading
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.child.running, timeout=CHILD_TIMEOUT_MS)
    assert _gone(pid) and dialog.tree.topLevelItemCount() == 0  # ended, and nothing filled in after the close
