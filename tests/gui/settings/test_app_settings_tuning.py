"""Tuned detection values remembered per model come back as they were left, also after a restart: a model whose
file holds a per-class threshold list, tuned so that every class uses the global threshold, must not get its
file's list back. Real QSettings files, the bundled streaming model and a real tuning panel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from workbench.assets import asset_path
from workbench.gui.settings.app_settings import TUNED, AppSettings, file_key
from workbench.gui.model_loader import read_model
from workbench.gui.stream.tuning_panel import TuningPanel

LIST_MODEL = "models/kws_yes_no_stream.tflite"  # stores detection_threshold_list (170, 190, …)
TUNED_THRESHOLD = 120


def settings_at(path: Path) -> AppSettings:
    return AppSettings(QSettings(str(path), QSettings.Format.IniFormat))


@pytest.fixture
def tuned(qtbot):
    """The list model with every class ticked "use global" at a global threshold of 120, in a real panel."""
    loaded = read_model(asset_path(LIST_MODEL))
    assert loaded.settings.detection_threshold_list  # the premise: the file holds a per-class list
    panel = TuningPanel(loaded.tuning)
    qtbot.addWidget(panel)
    panel.rows["detection_threshold"].spin.setValue(TUNED_THRESHOLD)
    for check, _row in panel.class_rows:
        check.setChecked(True)
    assert loaded.tuning.settings.detection_threshold_list is None  # every class uses the global threshold
    return loaded


def test_every_class_using_the_global_threshold_comes_back_so(tuned, qtbot, tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    settings = settings_at(path)
    settings.remember_tuning(tuned.model, tuned.tuning)
    settings.sync()
    restarted = settings_at(path)  # a new start reads the file
    reopened = read_model(asset_path(LIST_MODEL), restarted.detection_params)
    assert reopened.settings == tuned.tuning.settings
    assert reopened.tuning.is_modified
    panel = TuningPanel(reopened.tuning)
    qtbot.addWidget(panel)
    assert all(check.isChecked() for check, _row in panel.class_rows)
    assert all(row.value == TUNED_THRESHOLD for _check, row in panel.class_rows)


def test_no_list_remembered_by_an_older_version_means_none(tuned, tmp_path: Path) -> None:
    """Older versions stored to_params(), which leaves out a list that is not there: such an entry means no list."""
    settings = settings_at(tmp_path / "settings.ini")
    global_only = tuned.tuning.settings.replace(detection_threshold_list=None)
    old_entry = {"model": file_key(tuned.model), "name": tuned.model.name, "params": global_only.to_params()}
    settings.qsettings.setValue(TUNED, json.dumps([old_entry]))
    reopened = read_model(asset_path(LIST_MODEL), settings.detection_params)
    assert reopened.settings.detection_threshold_list is None
    assert [reopened.tuning.effective_class_threshold(i) for i in range(reopened.tuning.class_count)] == \
        [TUNED_THRESHOLD] * reopened.tuning.class_count
