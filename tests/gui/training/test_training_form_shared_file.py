"""Two windows' Training forms over one settings file: each writes only the fields changed in it. A form closed
untouched after another window set its output folder, epochs and spec keeps them (it blanked them; the spec list
arriving relabels its spec, which is no change of the user's), and two forms that changed different fields keep
both changes. Real Training workspaces, each with its own `kws specs` child."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings

from tests.gui.training.conftest import SPECS_TIMEOUT_MS
from tests.gui.workspace_host_double import SETTINGS_FILE, WorkspaceHostDouble
from workbench.gui.training.training_workspace import TrainingWorkspace

EPOCHS, OTHER_EPOCHS = 7, 3
OTHER_SPEC = "ds_cnn_small"  # a shipped spec, not the form's default


def started(qtbot, folder: Path) -> TrainingWorkspace:  # type: ignore[no-untyped-def]
    """A window's Training workspace over ``folder``'s settings file, once its spec list arrived."""
    ws = TrainingWorkspace(WorkspaceHostDouble(folder))
    qtbot.addWidget(ws)
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=SPECS_TIMEOUT_MS)
    return ws


def on_disk(folder: Path) -> QSettings:
    """The file as the next start reads it (a copy: QSettings objects of one file in one process share what was set
    but not written)."""
    copy = folder / "restarted"
    copy.mkdir()
    return QSettings(str(shutil.copy(folder / SETTINGS_FILE, copy / SETTINGS_FILE)), QSettings.Format.IniFormat)


def test_a_form_closed_untouched_keeps_what_another_window_set(qtbot, tmp_path: Path) -> None:
    first, second = started(qtbot, tmp_path), started(qtbot, tmp_path)
    out = str(tmp_path / "my-run")
    first.settings.out.setText(out)
    first.settings.epochs.setValue(EPOCHS)
    first.settings.select_spec(OTHER_SPEC)
    assert second.settings.spec.currentData() != OTHER_SPEC
    first.shutdown()
    second.shutdown()  # never touched: its form still shows the empty folder, the spec's epochs, the default spec
    restarted = on_disk(tmp_path)
    assert restarted.value("training/out") == out
    assert restarted.value("training/epochs") == str(EPOCHS)
    assert restarted.value("training/spec") == OTHER_SPEC


def test_two_forms_that_changed_different_fields_keep_both(qtbot, tmp_path: Path) -> None:
    first, second = started(qtbot, tmp_path), started(qtbot, tmp_path)
    out = str(tmp_path / "my-run")
    first.settings.out.setText(out)
    first.memory.autosave.flush()  # written while both windows stay open
    second.settings.epochs.setValue(OTHER_EPOCHS)
    second.shutdown()
    first.shutdown()
    restarted = on_disk(tmp_path)
    assert restarted.value("training/out") == out
    assert restarted.value("training/epochs") == str(OTHER_EPOCHS)
