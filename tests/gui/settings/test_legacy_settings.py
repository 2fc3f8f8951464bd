"""The tuning the first versions remembered (``[detection] model=… params="{…}"``, one model's every setting) is
moved into the per-model list at the first read, and only then are its keys dropped: the model opens with the
values tuned, and the status says so as for any tuned model. A file not there keeps the keys for a later start.
Real settings files written as the first versions wrote them, real model files."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings

from workbench.assets import default_model_path
from workbench.core.model.model_file import load_model, model_with_params, save_model
from workbench.gui.settings.app_settings import TUNED, AppSettings
from workbench.gui.settings.legacy_settings import LEGACY_DETECTION_KEYS
from workbench.gui.model_loader import own_settings, read_model

TUNED_THRESHOLD, TUNED_COUNT = 222, 2  # what the audit's first-version settings file held
FILE_SUPPRESSION_MS = 700  # the model file's own value: not the bundled model's, so the copy is a file of its own


def tuned_model(folder: Path) -> Path:
    """A model file of its own (not a byte copy of the bundled one)."""
    path = folder / "model.tflite"
    save_model(model_with_params(load_model(default_model_path()), {"suppression_ms": FILE_SUPPRESSION_MS}), path)
    return path


def first_version_ini(path: Path, model: Path, params_text: str) -> Path:
    """A settings file as the first versions left it: the tuned model's resolved path and every setting of it,
    JSON in a quoted INI string."""
    quoted = '"' + params_text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    path.write_text(f"[board]\ncommander=\n\n[detection]\nmodel={model.resolve()}\nparams={quoted}\n\n"
                    f"[model]\nlast={model}\n\n[view]\ndark=false\n", encoding="utf-8")
    return path


def every_setting_tuned(model: Path) -> str:
    """What the first versions stored: every detection setting in use (``to_params``), two of them tuned."""
    settings = own_settings(load_model(model)).replace(detection_threshold=TUNED_THRESHOLD, minimum_count=TUNED_COUNT)
    return json.dumps(settings.to_params())


def settings_at(path: Path) -> AppSettings:
    return AppSettings(QSettings(str(path), QSettings.Format.IniFormat))


def test_the_first_versions_tuning_comes_back_and_only_then_are_its_keys_dropped(qtbot, tmp_path: Path) -> None:
    model = tuned_model(tmp_path)
    ini = first_version_ini(tmp_path / "settings.ini", model, every_setting_tuned(model))
    settings = settings_at(ini)
    opened = read_model(model, settings.detection_params)
    assert opened.settings.detection_threshold == TUNED_THRESHOLD and opened.settings.minimum_count == TUNED_COUNT
    assert opened.settings.suppression_ms == FILE_SUPPRESSION_MS and opened.tuning.is_modified
    assert settings.remembered_sentence(opened.model, opened.tuning) == (
        f"kept your tuning of {opened.model.name}: detection_threshold {TUNED_THRESHOLD}, minimum_count "
        f"{TUNED_COUNT}; Reset gives the file's values")
    on_disk = QSettings(str(ini), QSettings.Format.IniFormat)
    assert not any(on_disk.contains(key) for key in LEGACY_DETECTION_KEYS)
    [entry] = json.loads(on_disk.value(TUNED))
    assert entry["path"] == str(model.resolve()) and entry["params"]["detection_threshold"] == TUNED_THRESHOLD
    restarted = read_model(model, settings_at(ini).detection_params)  # the next start reads the list only
    assert restarted.settings == opened.settings


def test_a_tuned_file_not_there_keeps_the_keys_until_it_is_back(qtbot, tmp_path: Path) -> None:
    model = tuned_model(tmp_path)
    params = every_setting_tuned(model)
    away = model.rename(tmp_path / "unmounted.tflite")
    ini = first_version_ini(tmp_path / "settings.ini", model, params)
    assert read_model(away, settings_at(ini).detection_params).settings.detection_threshold != TUNED_THRESHOLD
    on_disk = QSettings(str(ini), QSettings.Format.IniFormat)
    assert all(on_disk.contains(key) for key in LEGACY_DETECTION_KEYS)
    away.rename(model)
    assert read_model(model, settings_at(ini).detection_params).settings.detection_threshold == TUNED_THRESHOLD


def test_values_no_model_can_take_are_dropped_and_the_list_is_kept(qtbot, tmp_path: Path) -> None:
    model = tuned_model(tmp_path)
    ini = first_version_ini(tmp_path / "settings.ini", model, "{not json")
    settings = settings_at(ini)
    settings.qsettings.setValue(TUNED, json.dumps([{"model": "another", "params": {"detection_threshold": 1}}]))
    assert settings.detection_params(load_model(model)) is None
    on_disk = QSettings(str(ini), QSettings.Format.IniFormat)
    assert not any(on_disk.contains(key) for key in LEGACY_DETECTION_KEYS)
    assert [entry["model"] for entry in json.loads(on_disk.value(TUNED))] == ["another"]
