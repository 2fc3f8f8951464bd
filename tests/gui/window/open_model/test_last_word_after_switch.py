"""The detection log's large label says what the model listening has heard: after another model is opened it no
longer shows the last model's word (switching from yes/no to another model left a large "no" it could not say),
while the log's rows keep the history."""

from __future__ import annotations

import shutil
from pathlib import Path

from workbench.assets import default_model_path
from workbench.gui.live.detection_log_view import STOPPED_TEXT, LogEntry


def test_the_last_word_goes_from_the_label_when_another_model_opens(qtbot, window, tmp_path: Path) -> None:
    log = window.log
    log.add_entry(LogEntry(1_700_000_000.0, 1.5, "no", 1, 230))
    log._unflash.stop()
    log._unflash.timeout.emit()  # the flash's end, without waiting for it
    assert log.flash_label.text() == "no"  # after the flash the word stays, dimmed
    copy = tmp_path / "other.tflite"
    shutil.copyfile(default_model_path(), copy)
    assert window.open_model(copy), window.last_error
    assert log.flash_label.text() == STOPPED_TEXT
    assert log.labels() == ["no"]  # the row stays
    log.add_entry(LogEntry(1_700_000_001.0, 2.5, "yes", 0, 201))
    log._unflash.stop()
    log._unflash.timeout.emit()
    assert log.flash_label.text() == "yes"  # the new model's words show as before
