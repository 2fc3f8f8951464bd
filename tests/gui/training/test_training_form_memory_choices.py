"""Every choice of the Training form -- spec, changed settings, epochs, seed, feature workers, starting weights, the
MLTK archive -- is written a second after it is made and is back in a workspace started over a copy of the settings
file; a remembered spec that is gone, and remembered settings the spec no longer takes, are dropped with a status
sentence, never an error box.

The settings dialog and the check of remembered settings are real ``kws specs --settings`` children.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.gui.training.conftest import SPECS_TIMEOUT_MS
from tests.gui.workspace_host_double import SETTINGS_FILE, WorkspaceHostDouble
from workbench.gui.settings.settings_autosave import SAVE_DELAY_MS
from workbench.gui.training.spec_settings_dialog import SpecSettingsDialog
from workbench.gui.training.training_settings_view import AUTO, DEFAULT_SPEC
from workbench.gui.training.training_settings_words import SPEC_OWN_SETTINGS
from workbench.gui.training.training_workspace import TrainingWorkspace

WRITE_TIMEOUT_MS = SAVE_DELAY_MS + 4000  # the debounce, and a busy machine's slack
CHILD_TIMEOUT_MS = 60_000  # a safety net for a hung child, not a timing of the test
BATCH = "training.batch_size"
SPEC_TEXT = """
extends = "tflite_micro_speech"
name = "kws_up_down"

[data]
keywords = ["up", "down"]
"""
SPEC_LABEL = "kws_up_down (run0/spec.toml)"  # as a run folder's spec.toml is shown in the list


def _spec_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spec.toml"
    path.write_text(SPEC_TEXT, encoding="utf-8")
    return path


def _restarted(qtbot, tmp_path: Path, name: str = "restarted") -> TrainingWorkspace:  # type: ignore[no-untyped-def]
    """A new workspace on a copy of the settings file, once its spec list and its check of the remembered settings
    are done (another folder: a QSettings of the same file would share values not yet written)."""
    folder = tmp_path / name
    folder.mkdir()
    shutil.copyfile(tmp_path / SETTINGS_FILE, folder / SETTINGS_FILE)
    ws = TrainingWorkspace(WorkspaceHostDouble(folder))
    qtbot.addWidget(ws)
    qtbot.waitUntil(lambda: ws.settings._process is None and not ws.memory.check.running, timeout=SPECS_TIMEOUT_MS)
    return ws


def _remember(tmp_path: Path, values: dict[str, object]) -> None:
    """Write ``values`` (keys after "training/") into the settings file, as an earlier session left them."""
    settings = QSettings(str(tmp_path / SETTINGS_FILE), QSettings.Format.IniFormat)
    for key, value in values.items():
        settings.setValue(f"training/{key}", value)
    settings.sync()


def _written(qtbot, ws: TrainingWorkspace, key: str) -> object:  # type: ignore[no-untyped-def]
    """The value of ``key`` (after "training/") in ``ws``'s settings file once its pending write is done."""
    qtbot.waitUntil(lambda: not ws.memory.autosave.pending, timeout=WRITE_TIMEOUT_MS)
    return QSettings(ws.host.settings.qsettings.fileName(), QSettings.Format.IniFormat).value(f"training/{key}")


def test_every_choice_of_the_form_is_written_once_and_comes_back(qtbot, training_workspace, tmp_path: Path) -> None:
    ws = training_workspace
    form = ws.settings
    spec = _spec_file(tmp_path / "run0")
    form.show_run(str(spec), None, SPEC_LABEL)  # as a run folder shows its spec.toml
    form.settings_button.click()
    dialog = form.findChild(SpecSettingsDialog)
    qtbot.waitUntil(lambda: dialog.row(BATCH) is not None, timeout=CHILD_TIMEOUT_MS)
    dialog.set_value(BATCH, "64")
    with qtbot.waitSignal(dialog.accepted, timeout=CHILD_TIMEOUT_MS):
        dialog.ok_button.click()  # checked by its child
    assert form.spec_settings == {BATCH: "64"} and ws.memory.autosave.pending
    qtbot.waitUntil(lambda: not ws.memory.autosave.pending, timeout=WRITE_TIMEOUT_MS)

    writes: list[bool] = []
    ws.memory.autosave.saved.connect(lambda: writes.append(True))
    form.epochs.setValue(12)
    form.seed.setValue(7)
    form.workers.setValue(3)
    qtbot.keyClicks(form.init_from, str(tmp_path / "start.tflite"))
    form.mltk_zip.click()
    qtbot.keyClicks(form.keywords, ",left")
    qtbot.keyClicks(form.out, str(tmp_path / "runs" / "run1"))
    assert form.mltk_zip.isChecked() and writes == [] and ws.memory.autosave.pending
    qtbot.waitUntil(lambda: writes != [], timeout=WRITE_TIMEOUT_MS)
    qtbot.wait(SAVE_DELAY_MS)
    assert writes == [True]  # one write, a second after the last change

    again = _restarted(qtbot, tmp_path)
    shown = again.settings
    assert shown.spec.currentData() == str(spec) and shown.spec.currentText() == SPEC_LABEL
    assert shown.spec_settings == {BATCH: "64"} and shown.settings_summary.text() == f"1 changed: {BATCH} = 64"
    assert (shown.epochs.value(), shown.seed.value(), shown.workers.value()) == (12, 7, 3)
    assert shown.init_from.text() == str(tmp_path / "start.tflite") and shown.mltk_zip.isChecked()
    assert shown.keywords.text() == "up,down,left" and shown.out.text() == str(tmp_path / "runs" / "run1")
    assert shown.arguments() == form.arguments()  # kws train gets what it got before the restart
    assert again.host.statuses == [] and again.host.errors == [] and not again.memory.autosave.pending
    again.shutdown()


def test_a_deleted_spec_file_gives_way_to_the_default_with_a_sentence(qtbot, training_workspace,
                                                                      tmp_path: Path) -> None:
    ws = training_workspace
    spec = _spec_file(tmp_path / "run0")
    ws.settings.show_run(str(spec), None, SPEC_LABEL, settings={BATCH: 64}, seed=5)
    with qtbot.waitSignal(ws.memory.autosave.saved, timeout=WRITE_TIMEOUT_MS):
        ws.settings.epochs.setValue(30)
    spec.unlink()

    again = _restarted(qtbot, tmp_path)
    shown = again.settings
    assert shown.spec.currentData() == DEFAULT_SPEC and shown.spec_settings == {}
    assert shown.settings_summary.text() == SPEC_OWN_SETTINGS
    assert (shown.seed.value(), shown.epochs.value()) == (5, 30)  # the other choices stay
    assert again.host.errors == [] and len(again.host.statuses) == 1
    assert "is gone" in again.host.statuses[0] and str(spec) in again.host.statuses[0]
    assert _written(qtbot, again, "spec") == DEFAULT_SPEC  # the next start has nothing to say
    again.shutdown()


@pytest.mark.parametrize("remembered, kept, said", [
    ({BATCH: "64", "layers.99.filters": "8"}, {BATCH: "64"}, "no longer has are dropped: layers.99.filters"),
    ({BATCH: "many"}, {}, "must be a whole number"),
], ids=["not-a-setting-any-more", "refused-value"])
def test_remembered_settings_the_spec_no_longer_takes_are_dropped_with_a_sentence(
        qtbot, tmp_path: Path, remembered: dict[str, str], kept: dict[str, str], said: str) -> None:
    _remember(tmp_path, {"spec": DEFAULT_SPEC, "spec_settings": json.dumps(remembered), "seed": 9})
    ws = _restarted(qtbot, tmp_path)
    assert ws.settings.spec.currentData() == DEFAULT_SPEC and ws.settings.spec_settings == kept
    assert ws.settings.seed.value() == 9
    assert ws.host.errors == [] and len(ws.host.statuses) == 1 and said in ws.host.statuses[0]
    assert _written(qtbot, ws, "spec_settings") == json.dumps(kept)  # what is left, for the next start
    ws.shutdown()


def test_a_damaged_record_gives_the_fields_the_spec_s_own_values_or_their_limit(qtbot, tmp_path: Path) -> None:
    _remember(tmp_path, {"spec_settings": "{not json", "seed": "many", "epochs": "9" * 30, "workers": "-4",
                         "mltk_zip": "perhaps"})
    ws = _restarted(qtbot, tmp_path)
    form = ws.settings
    assert form.spec.currentData() == DEFAULT_SPEC and form.spec_settings == {}
    assert (form.seed.value(), form.epochs.value(), form.workers.value()) == (AUTO, form.epochs.maximum(), AUTO)
    assert not form.mltk_zip.isChecked() and ws.host.errors == []
    ws.shutdown()
