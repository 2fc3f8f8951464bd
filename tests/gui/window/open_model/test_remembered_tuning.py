"""Remembered tuning holds only what the user tuned, for that file: reopening a file another tool rewrote keeps the
tuned values and takes every other value from the file (the next Save writes them back unchanged), a copy with the
same network keeps its own values, a file moved elsewhere keeps its tuning, the status bar says when remembered values are in force or set aside (and the
question promises no more), and an entry stored the old way (every setting, under a hash of the whole file) still
comes back, as does the first versions' single tuning. A real window, real model files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtWidgets import QApplication

from workbench.assets import asset_path
from workbench.core.model.model_file import load_model, model_with_params, save_model
from workbench.core.model.model_params import read_params
from workbench.gui.settings.app_settings import TUNED, file_key
from workbench.gui.model.parameter_table_view import COLUMN_NOW, ParameterTableView
from workbench.gui.model_loader import own_settings
from tests.bundled_model_paths import yes_no_model_path
from tests.gui.window.open_model.tuned_copy import TUNED_THRESHOLD
from workbench.gui.window.open_model.changed_model_question import REOPEN

OTHER_SUPPRESSION_MS, OTHER_MINIMUM_COUNT = 640, 5
OTHER_NETWORK = "models/tflite_micro_speech.tflite"


def rewrite(path: Path, **params: object) -> None:
    """What another tool (``kws params --in-place``) does to the file."""
    save_model(model_with_params(load_model(path), params), path)


def reopen_on_save(window, path: Path) -> None:  # type: ignore[no-untyped-def]
    window.ask_changed_model = lambda _parent, _path: REOPEN
    assert not window.save_parameters(path)


def test_reopening_takes_the_other_tools_values_and_keeps_only_what_was_tuned(window, opened: Path) -> None:
    rewrite(opened, suppression_ms=OTHER_SUPPRESSION_MS, minimum_count=OTHER_MINIMUM_COUNT)
    reopen_on_save(window, opened)
    settings = window.controller.settings
    assert (settings.suppression_ms, settings.minimum_count) == (OTHER_SUPPRESSION_MS, OTHER_MINIMUM_COUNT)
    assert settings.detection_threshold == TUNED_THRESHOLD
    table = window.findChild(ParameterTableView)
    assert not table.item("suppression_ms").font(COLUMN_NOW).bold()  # not shown as tuned away from the file
    status = window.statusBar().currentMessage()
    assert f"kept your tuning of {window.controller.model.name}: detection_threshold {TUNED_THRESHOLD}" in status
    assert window.save_parameters(opened), window.last_error  # no question now: the window has the file as it is
    params = read_params(opened.read_bytes())
    assert (params["suppression_ms"], params["minimum_count"]) == (OTHER_SUPPRESSION_MS, OTHER_MINIMUM_COUNT)
    assert params["detection_threshold"] == TUNED_THRESHOLD


def test_a_value_the_other_tool_changed_too_is_the_files_and_said(window, opened: Path) -> None:
    rewrite(opened, detection_threshold=99)
    assert window.open_model(opened), window.last_error
    assert window.controller.settings.detection_threshold == 99
    assert not window.controller.tuning.is_modified
    assert "the file changed since you tuned it" in window.statusBar().currentMessage()


def test_reopening_a_file_that_holds_another_network_says_the_tuning_is_set_aside(window, opened: Path) -> None:
    shutil.copyfile(asset_path(OTHER_NETWORK), opened)
    reopen_on_save(window, opened)
    assert not window.controller.tuning.is_modified
    assert "your tuning was set aside: the file now holds another model" in window.statusBar().currentMessage()


def test_a_copy_with_the_same_network_keeps_its_own_values(window, opened: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.tflite"
    save_model(model_with_params(load_model(opened), {"detection_threshold": 100, "suppression_ms": 500}), copy)
    assert window.open_model(copy), window.last_error
    assert window.controller.settings.detection_threshold == 100
    assert not window.controller.tuning.is_modified
    assert "kept your tuning" not in window.statusBar().currentMessage()
    assert window.open_model(opened) and window.controller.settings.detection_threshold == TUNED_THRESHOLD
    assert "kept your tuning" in window.statusBar().currentMessage()


def test_a_moved_file_keeps_its_tuning_and_says_where_it_was_tuned(window, opened: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.tflite"
    shutil.copyfile(yes_no_model_path(), other)
    assert window.open_model(other), window.last_error  # remembers the tuning of ``opened``
    moved = tmp_path / "elsewhere" / "renamed.tflite"
    moved.parent.mkdir()
    opened.rename(moved)
    assert window.open_model(moved), window.last_error
    assert window.controller.settings.detection_threshold == TUNED_THRESHOLD
    assert f"(tuned at its old place {opened.resolve()})" in window.statusBar().currentMessage()
    assert window.open_model(other), window.last_error  # the tuning now lives under the new place only
    entries = json.loads(window.settings.qsettings.value(TUNED))
    assert [entry["path"] for entry in entries] == [str(moved.resolve())]
    shutil.copyfile(moved, opened)  # a file back at the old place is a copy: the moved one keeps the tuning
    assert window.open_model(opened), window.last_error
    assert not window.controller.tuning.is_modified


def test_reset_takes_back_the_sentence_that_the_tuning_is_kept(window, opened: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.tflite"
    shutil.copyfile(yes_no_model_path(), other)
    assert window.open_model(other) and window.open_model(opened)
    assert "kept your tuning" in window.statusBar().currentMessage()
    window.controller.tuning.reset_to_model()
    assert "kept your tuning" not in window.statusBar().currentMessage() and window.tuning_note is None


def test_an_entry_stored_the_old_way_still_comes_back(window, tmp_path: Path) -> None:
    """Older versions stored every setting under a hash of the whole file (so the file is as it was tuned)."""
    path = tmp_path / "old.tflite"
    save_model(model_with_params(load_model(yes_no_model_path()), {"suppression_ms": 700}), path)  # not bundled
    model = load_model(path)
    whole = own_settings(model).replace(detection_threshold=TUNED_THRESHOLD).to_params()
    window.settings.qsettings.setValue(TUNED, json.dumps([{"model": file_key(model), "name": model.name,
                                                           "params": whole}]))
    assert window.open_model(path), window.last_error
    assert window.controller.settings.detection_threshold == TUNED_THRESHOLD
    assert window.controller.settings.suppression_ms == own_settings(model).suppression_ms
    assert "kept your tuning" in window.statusBar().currentMessage()


def test_a_first_versions_tuning_comes_back_with_the_note(window, tmp_path: Path) -> None:
    """The first versions kept one model's every setting under detection/model and detection/params."""
    path = tmp_path / "first.tflite"
    save_model(model_with_params(load_model(yes_no_model_path()), {"suppression_ms": 700}), path)  # not bundled
    whole = own_settings(load_model(path)).replace(detection_threshold=TUNED_THRESHOLD).to_params()
    window.settings.qsettings.setValue("detection/model", str(path.resolve()))
    window.settings.qsettings.setValue("detection/params", json.dumps(whole))
    assert window.open_model(path), window.last_error
    assert window.controller.settings.detection_threshold == TUNED_THRESHOLD
    assert f"kept your tuning of {window.controller.model.name}: detection_threshold {TUNED_THRESHOLD};" in \
        window.statusBar().currentMessage()
    assert not window.settings.qsettings.contains("detection/params")


def test_the_question_promises_the_tuning_only_for_the_same_model(window, opened: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from workbench.gui.window.open_model.changed_model_question import CANCEL, ask_about_changed_model

    said: list[str] = []

    def answer() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        said.append(box.informativeText())
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer)
    assert ask_about_changed_model(window, opened) == CANCEL
    assert "the values you tuned stay in use if it still holds the same model" in said[0]
