"""A choice reaches the settings file shortly after it is made, while the window runs: a window killed then (no
close) starts again with the tuning and the Training form the user left, and a drag is one write, not one per
step. A file that cannot be written is still asked about once, at the close, never while the user works."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractSlider, QMessageBox

from workbench.gui.settings.app_settings import TUNED, AppSettings
from workbench.gui.settings.settings_autosave import SAVE_DELAY_MS

STEP_GAP_MS = 50  # between two slider steps: far under the debounce, as in a drag
STEPS = 10
WRITE_TIMEOUT_MS = SAVE_DELAY_MS + 4000  # the debounce, and a busy machine's slack


def on_disk(window, folder: Path) -> QSettings:  # type: ignore[no-untyped-def]
    """The window's settings as a restarted window reads them: the file on disk (a copy, as QSettings objects of
    one file in one process share what was set but not written)."""
    copy = folder / "restarted.ini"
    shutil.copyfile(window.settings.qsettings.fileName(), copy)
    return QSettings(str(copy), QSettings.Format.IniFormat)


def written(qtbot, autosave) -> None:  # type: ignore[no-untyped-def]
    """A change is waiting for its write: wait until it is made."""
    assert autosave.pending
    qtbot.waitUntil(lambda: not autosave.pending, timeout=WRITE_TIMEOUT_MS)


def test_a_tuning_set_in_the_panel_is_on_disk_without_the_window_closing(qtbot, window, tmp_path: Path) -> None:
    rows = window.tuning_panel.rows
    rows["detection_threshold"].spin.setValue(222)
    rows["suppression_ms"].spin.setValue(1500)
    written(qtbot, window.tuning_autosave)
    assert window.isVisible()
    restarted = AppSettings(on_disk(window, tmp_path))
    assert restarted.detection_params(window.controller.model) == {"detection_threshold": 222, "suppression_ms": 1500}


def test_the_training_forms_output_folder_and_keywords_are_on_disk_without_the_window_closing(
        qtbot, window, tmp_path: Path) -> None:
    window.show_workspace("training")
    form = window.training.training.settings
    out = tmp_path / "runs" / "run1"
    for edit, text in ((form.keywords, "yes,no,stop"), (form.out, str(out))):
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    written(qtbot, window.training.training.memory.autosave)
    assert window.isVisible()
    restarted = on_disk(window, tmp_path)
    assert restarted.value("training/out") == str(out)
    assert restarted.value("training/keywords") == "yes,no,stop"


def test_a_slider_moved_many_times_in_a_row_is_written_once_after_it_stops(qtbot, window, tmp_path: Path) -> None:
    qtbot.waitUntil(lambda: not window.tuning_autosave.pending, timeout=WRITE_TIMEOUT_MS)  # the model's opening
    writes: list[int] = []
    window.tuning_autosave.saved.connect(lambda: writes.append(window.controller.settings.detection_threshold))
    slider = window.tuning_panel.rows["detection_threshold"].slider
    for _ in range(STEPS):
        slider.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepAdd)
        qtbot.wait(STEP_GAP_MS)
    assert writes == [] and window.tuning_autosave.pending
    last = window.controller.settings.detection_threshold
    qtbot.waitUntil(lambda: len(writes) > 0, timeout=WRITE_TIMEOUT_MS)
    qtbot.wait(SAVE_DELAY_MS + STEP_GAP_MS)
    assert writes == [last]
    tuned = json.loads(str(on_disk(window, tmp_path).value(TUNED)))
    assert tuned[0]["params"]["detection_threshold"] == last


def test_a_full_disk_while_running_asks_nothing_until_the_close(qtbot, settings_dir: Path) -> None:
    """The writes that follow a change fail silently; the close still asks once (and closes on Close anyway)."""
    from tests.gui.small_disk_window import window_with_settings_on_a_small_disk
    from tests.small_disk import fill

    with window_with_settings_on_a_small_disk(qtbot, settings_dir) as (window, config):
        assert window.last_error is None
        qtbot.waitUntil(lambda: not window.tuning_autosave.pending, timeout=WRITE_TIMEOUT_MS)
        fill(config)
        asked: list[bool] = []
        window.ask_close_over_unsaved_settings = lambda _parent, _problem, tuned: asked.append(tuned) or True
        for threshold in (190, 200, 210):
            window.tuning_panel.rows["detection_threshold"].spin.setValue(threshold)
            written(qtbot, window.tuning_autosave)
        assert asked == [] and window.last_error is None
        assert [box for box in window.findChildren(QMessageBox) if box.isVisible()] == []
        assert window.close() and asked == [True]
