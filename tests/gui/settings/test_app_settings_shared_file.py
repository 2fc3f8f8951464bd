"""Two windows (processes) share one settings file: each writes only what it changed there. A window closed
untouched keeps another window's tuning of another model, and of its own model; two windows tuning two models
keep both; a window's geometry, microphone, workspace and clip label, unchanged since it read them, do not undo
another window's newer choice; File > Recent keeps what either window opened. Real QSettings files, a real second
process (:mod:`other_window_settings`) where a window's own copy of the file matters, the bundled model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from tests.gui import other_window_settings
from workbench.assets import default_model_path, sample_audio_path
from workbench.gui.settings.app_settings import TUNED, AppSettings
from workbench.gui.model_loader import read_model

A_THRESHOLD, B_THRESHOLD = 222, 199  # each differs from the bundled model's own threshold


def settings_at(path: Path) -> AppSettings:
    return AppSettings(QSettings(str(path), QSettings.Format.IniFormat))


def on_disk(path: Path, folder: Path) -> AppSettings:
    """The settings as a window started now reads them: the file on disk (a copy, as QSettings objects of one file
    in one process share what was set but not written)."""
    folder.mkdir(exist_ok=True)
    return settings_at(Path(shutil.copy(path, folder / path.name)))


def thresholds(settings: AppSettings, *models: Path) -> list[int | None]:
    """The remembered threshold of each model (None: the file's own)."""
    remembered = [settings.detection_params(read_model(model).model) for model in models]
    return [None if params is None else params["detection_threshold"] for params in remembered]


@pytest.fixture
def models(tmp_path: Path) -> tuple[Path, Path]:
    """A.tflite and B.tflite: two files (two tunings), both the bundled model."""
    own = read_model(default_model_path()).settings.detection_threshold
    assert own not in (A_THRESHOLD, B_THRESHOLD)  # the premise: each tuning differs from the file's value
    for name in ("A.tflite", "B.tflite"):
        shutil.copy(default_model_path(), tmp_path / name)
    return tmp_path / "A.tflite", tmp_path / "B.tflite"


def test_a_window_closed_untouched_keeps_another_windows_tuning(models, tmp_path: Path) -> None:
    a, b = models
    path = tmp_path / "settings.ini"
    window_b = settings_at(path)
    opened_b = read_model(b, window_b.detection_params)  # B opens its model, then A is tuned in another window
    other_window_settings.run(path, "tune", str(a), str(A_THRESHOLD))
    window_b.remember_tuning(opened_b.model, opened_b.tuning)  # B closes, never tuned
    window_b.sync()
    assert thresholds(on_disk(path, tmp_path / "restarted"), a, b) == [A_THRESHOLD, None]


def test_two_windows_tuning_two_models_keep_both(models, tmp_path: Path) -> None:
    a, b = models
    path = tmp_path / "settings.ini"
    window_b = settings_at(path)
    opened_b = read_model(b, window_b.detection_params)
    other_window_settings.run(path, "tune", str(a), str(A_THRESHOLD))
    opened_b.tuning.set(detection_threshold=B_THRESHOLD)
    window_b.remember_tuning(opened_b.model, opened_b.tuning)
    window_b.sync()
    restarted = on_disk(path, tmp_path / "restarted")
    assert thresholds(restarted, a, b) == [A_THRESHOLD, B_THRESHOLD]
    names = [entry["path"] for entry in json.loads(str(restarted.qsettings.value(TUNED)))]
    assert names == [str(b.resolve()), str(a.resolve())]  # the most recently tuned first, as before


def test_a_model_open_in_two_windows_keeps_the_tuning_of_the_one_that_changed_it(models, tmp_path: Path) -> None:
    """The untouched window's copy (the file's values) is older than the other's tuning; a reset in it is a change
    of its own, and forgets the tuning as before."""
    a, _b = models
    path = tmp_path / "settings.ini"
    first, second = settings_at(path), settings_at(path)
    in_first, in_second = read_model(a, first.detection_params), read_model(a, second.detection_params)
    in_first.tuning.set(detection_threshold=A_THRESHOLD)
    first.remember_tuning(in_first.model, in_first.tuning)
    second.remember_tuning(in_second.model, in_second.tuning)  # closed untouched
    second.sync()
    assert thresholds(on_disk(path, tmp_path / "untouched"), a) == [A_THRESHOLD]
    in_second.tuning.set(detection_threshold=B_THRESHOLD)
    second.remember_tuning(in_second.model, in_second.tuning)
    in_second.tuning.reset_to_model()
    second.remember_tuning(in_second.model, in_second.tuning)
    second.sync()
    assert thresholds(on_disk(path, tmp_path / "reset"), a) == [None]


STATE = {  # window state a window reads at its start and writes again: (read, write, the first window's value)
    "geometry": (AppSettings.geometry, AppSettings.save_geometry, QByteArray(b"first")),
    "device": (AppSettings.device, AppSettings.set_device, "2"),
    "workspace": (AppSettings.workspace, AppSettings.set_workspace, "training"),
    "clip label": (AppSettings.clip_label, AppSettings.set_clip_label, "stop"),
}


@pytest.mark.parametrize("kind", STATE)
def test_window_state_unchanged_since_it_was_read_does_not_undo_another_windows_choice(kind: str,
                                                                                     tmp_path: Path) -> None:
    read, write, newer = STATE[kind]
    path = tmp_path / "settings.ini"
    first, second = settings_at(path), settings_at(path)
    held = read(second)  # both windows start over the same file
    read(first)
    write(first, newer)  # the first window's choice
    first.sync()
    write(second, held)  # the second closes with what it read at its start
    second.sync()
    restarted = on_disk(path, tmp_path / "restarted")
    assert str(read(restarted)) == str(newer)
    changed = QByteArray(b"second") if kind == "geometry" else "1"
    write(second, changed)  # the second window's own change is written
    second.sync()
    assert str(read(on_disk(path, tmp_path / "changed"))) == str(changed)


def test_files_opened_in_two_windows_are_both_in_the_recent_list(models, tmp_path: Path) -> None:
    a, _b = models
    path = tmp_path / "settings.ini"
    window = settings_at(path)
    assert window.recent_files() == []  # its start read the list
    other_window_settings.run(path, "recent", str(a))
    window.add_recent(sample_audio_path())
    window.sync()
    assert on_disk(path, tmp_path / "restarted").recent_files() == [sample_audio_path().resolve(), a.resolve()]
