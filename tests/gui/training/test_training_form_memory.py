"""The Training form is written to its settings file a moment after it is typed (a path typed letter by letter is
one write), is back in a workspace started over that file without the first having shut down, and a start
that only shows the remembered form writes nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from tests.gui.training.conftest import SPECS_TIMEOUT_MS
from tests.gui.workspace_host_double import SETTINGS_FILE, WorkspaceHostDouble
from workbench.gui.settings.settings_autosave import SAVE_DELAY_MS
from workbench.gui.training.training_workspace import TrainingWorkspace

WRITE_TIMEOUT_MS = SAVE_DELAY_MS + 4000  # the debounce, and a busy machine's slack


def test_a_typed_output_folder_and_keywords_are_written_once_and_come_back_without_a_shutdown(
        qtbot, training_workspace, tmp_path: Path) -> None:
    ws = training_workspace
    writes: list[str] = []
    ws.memory.autosave.saved.connect(lambda: writes.append(ws.settings.out.text()))
    out = str(tmp_path / "runs" / "run1")
    qtbot.keyClicks(ws.settings.keywords, ",stop")
    qtbot.keyClicks(ws.settings.out, out)
    assert writes == [] and ws.memory.autosave.pending
    qtbot.waitUntil(lambda: writes != [], timeout=WRITE_TIMEOUT_MS)
    qtbot.wait(SAVE_DELAY_MS)
    assert writes == [out]
    keywords = ws.settings.keywords.text()
    assert keywords.endswith(",stop")
    on_disk = tmp_path / "restarted"  # another folder: a QSettings of the same file would share unwritten values
    on_disk.mkdir()
    (on_disk / SETTINGS_FILE).write_bytes((tmp_path / SETTINGS_FILE).read_bytes())

    again = TrainingWorkspace(WorkspaceHostDouble(on_disk))
    qtbot.addWidget(again)
    assert again.settings.out.text() == out and again.settings.keywords.text() == keywords
    again.shutdown()


def test_showing_the_remembered_form_at_start_writes_nothing(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / SETTINGS_FILE), QSettings.Format.IniFormat)
    settings.setValue("training/out", str(tmp_path / "runs" / "run1"))
    settings.setValue("training/keywords", "up,down")
    settings.sync()
    ws = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(ws)
    writes: list[bool] = []
    ws.memory.autosave.saved.connect(lambda: writes.append(True))
    assert ws.settings.out.text() == str(tmp_path / "runs" / "run1") and ws.settings.keywords.text() == "up,down"
    assert not ws.memory.autosave.pending
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=SPECS_TIMEOUT_MS)
    qtbot.wait(SAVE_DELAY_MS)
    assert writes == [] and ws.settings.keywords.text() == "up,down"  # the spec list arriving changes nothing
    ws.shutdown()
