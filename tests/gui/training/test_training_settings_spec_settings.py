"""The Training form's "Settings" row: the dialog's changes become ``kws train --set`` options, another spec
drops them, and a run folder's ``run.json`` settings come back into the form.

The dialog's children are real ``kws specs --settings`` processes; the run folder's ``run.json`` is the record
``kws train`` writes (its own :class:`TrainRequest`), so a renamed key shows up here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workbench.gui.training.spec_settings_dialog import SETTING_COLUMN, VALUE_COLUMN, SpecSettingsDialog
from workbench.gui.training.training_settings_view import TrainingSettingsView
from workbench.gui.training.training_settings_words import SPEC_OWN_SETTINGS
from workbench.gui.training.run_folder_state import run_spec
from workbench.run_folder_layout import RUN_FILE, SPEC_FILE
from workbench.training.run.run_request import TrainRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import cut_off_texts  # noqa: E402

CHILD_TIMEOUT_MS = 60_000  # a safety net for a hung child, not a timing of the test
MASK = "augmentation.mask_share"
KEYWORDS = "data.keywords"  # the setting the form's Keywords field owns
FORM_WIDTH_PX = 450  # the Training workspace's column of inputs is this narrow


@pytest.fixture
def settings(qtbot):  # type: ignore[no-untyped-def]
    view = TrainingSettingsView()
    qtbot.addWidget(view)
    view.resize(FORM_WIDTH_PX, view.sizeHint().height())
    view.show()
    yield view
    view.shutdown()


def _change_settings(qtbot, view: TrainingSettingsView, values: dict[str, str]) -> SpecSettingsDialog:
    """Open the dialog from the form's button, type ``values``, press OK and wait until it accepted them."""
    view.settings_button.click()
    dialog = _open_dialog(view)
    qtbot.waitUntil(lambda: dialog.row(MASK) is not None or dialog.message.is_error, timeout=CHILD_TIMEOUT_MS)
    for path, text in values.items():
        dialog.set_value(path, text)
    with qtbot.waitSignal(dialog.accepted, timeout=CHILD_TIMEOUT_MS):
        dialog.ok_button.click()
    return dialog


def _open_dialog(view: TrainingSettingsView) -> SpecSettingsDialog:
    dialogs = [d for d in view.findChildren(SpecSettingsDialog) if d.isVisible()]
    assert len(dialogs) == 1, "the Change… button opened no dialog"
    return dialogs[0]


def test_changed_settings_become_set_options_and_the_summary(settings, qtbot) -> None:
    assert settings.settings_summary.text() == SPEC_OWN_SETTINGS and "--set" not in settings.arguments()
    assert settings.settings_button.accessibleName() and settings.settings_button.toolTip()
    _change_settings(qtbot, settings, {MASK: "0.5"})
    assert settings.spec_settings == {MASK: "0.5"}
    assert settings.settings_summary.text() == f"1 changed: {MASK} = 0.5"
    args = settings.arguments()
    assert args[args.index("--set"):args.index("--set") + 2] == ["--set", f"{MASK}=0.5"]
    settings.epochs.setValue(7)
    assert settings.resume_arguments() == ["--epochs", "7"]  # a resumed run keeps its stored settings

    dialog = _change_settings(qtbot, settings, {"layers.1.filters": "12"})  # the dialog opens with the change
    assert dialog.row(MASK).text(VALUE_COLUMN) == "0.5" and dialog.row(MASK).font(VALUE_COLUMN).bold()
    assert settings.spec_settings == {MASK: "0.5", "layers.1.filters": "12"}
    args = settings.arguments()
    assert args[args.index("--set"):args.index("--set") + 4] == ["--set", f"{MASK}=0.5", "--set", "layers.1.filters=12"]


def test_a_bad_value_changes_nothing_in_the_form(settings, qtbot) -> None:
    settings.settings_button.click()
    dialog = _open_dialog(settings)
    qtbot.waitUntil(lambda: dialog.row(MASK) is not None, timeout=CHILD_TIMEOUT_MS)
    dialog.set_value(MASK, "5")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.message.is_error, timeout=CHILD_TIMEOUT_MS)
    assert "mask_share must be between 0 and 1" in dialog.message.text()
    dialog.reject()
    assert settings.spec_settings == {} and "--set" not in settings.arguments()


def test_a_long_summary_is_elided_with_the_whole_text_in_its_tooltip(settings) -> None:
    changes = {f"augmentation.setting_{i}": f"0.{i}" for i in range(10)}
    settings.set_spec_settings(changes)
    summary = settings.settings_summary
    assert summary.text().startswith("10 changed: augmentation.setting_0 = 0.0, ")
    assert summary.toolTip() == summary.text() and summary.elided()
    assert cut_off_texts(summary.parentWidget()) == []  # the row still fits the form: the button is whole
    settings.set_spec_settings({})
    assert summary.text() == SPEC_OWN_SETTINGS and not summary.elided()


def test_choosing_another_spec_drops_the_changes(settings, qtbot) -> None:
    settings.set_spec_settings({MASK: "0.5"})
    settings.select_spec("tflite_micro_speech")  # the same spec again: the changes stay
    assert settings.spec_settings == {MASK: "0.5"}
    settings.select_spec("default")
    assert settings.spec_settings == {} and settings.settings_summary.text() == SPEC_OWN_SETTINGS
    assert "--set" not in settings.arguments()

    with qtbot.waitSignal(settings.specs_loaded, timeout=CHILD_TIMEOUT_MS):
        settings.load_specs()
    settings.set_spec_settings({MASK: "0.5"})
    other = settings.spec.findData("ds_cnn_small")
    settings.spec.setCurrentIndex(other)
    settings.spec.activated.emit(other)  # as the user's choice in the list
    assert settings.spec_settings == {} and "--set" not in settings.arguments()


# -- a run folder's settings --------------------------------------------------------------------------
def _stopped_run(folder: Path, spec: str, settings: tuple[tuple[str, object], ...]) -> Path:
    """A run folder as ``kws train --set`` leaves it when stopped early: its run.json (the request's record)."""
    folder.mkdir()
    record = TrainRequest(datasets=(), out=folder, spec=spec, settings=settings).to_record()
    (folder / RUN_FILE).write_text(json.dumps(record), encoding="utf-8")
    return folder


def test_a_run_folders_settings_come_back_into_the_form(training_workspace, tmp_path: Path) -> None:
    ws = training_workspace
    changed = _stopped_run(tmp_path / "changed", "default", ((MASK, 0.5), ("augmentation.pitch_range", [-1.0, 1.0]),
                                                             ("augmentation.loudness_range", "off")))
    ws.settings.choose_out_folder(changed)
    assert ws.settings.spec.currentData() == "default"
    assert ws.settings.spec_settings == {MASK: "0.5", "augmentation.pitch_range": "[-1.0, 1.0]",
                                         "augmentation.loudness_range": '"off"'}
    assert ws.settings.settings_summary.text().startswith(f"3 changed: {MASK} = 0.5, ")
    assert ["--set", "augmentation.pitch_range=[-1.0, 1.0]"] == ws.settings.arguments()[-4:-2]

    plain = _stopped_run(tmp_path / "plain", "default", ())
    ws.settings.choose_out_folder(plain)  # the same spec, but this run changed nothing
    assert ws.settings.spec_settings == {} and ws.settings.settings_summary.text() == SPEC_OWN_SETTINGS


def test_a_run_from_a_spec_file_brings_back_its_own_spec_toml_which_holds_the_changes(tmp_path: Path) -> None:
    folder = _stopped_run(tmp_path / "from_file", "mine.toml", ((MASK, 0.5),))
    (folder / SPEC_FILE).write_text('extends = "default"\nname = "mine"\n[augmentation]\nmask_share = 0.5\n')
    ran_with = run_spec(folder)
    assert ran_with is not None and ran_with.spec == str(folder / SPEC_FILE) and ran_with.settings == {}
    assert run_spec(_stopped_run(tmp_path / "shipped", "default", ((MASK, 0.5),))).settings == {MASK: 0.5}


def test_feature_workers_go_to_the_run_and_to_a_resumed_one(settings) -> None:
    """A run that died of memory is resumed with fewer workers: the field reaches both command lines."""
    assert "--workers" not in settings.arguments() and settings.resume_arguments() == []  # one per CPU
    settings.workers.setValue(1)
    args = settings.arguments()
    assert args[args.index("--workers") + 1] == "1" and settings.resume_arguments() == ["--workers", "1"]


def test_keywords_changed_in_the_dialog_are_the_keywords_field(settings, qtbot) -> None:
    """data.keywords set in the dialog is what trains: it goes into the Keywords field (and so the Data table), not
    into a --set value the field would contradict; the dialog opens with the field's keywords, and a reset there
    gives the field the spec's keywords again."""
    assert settings.keyword_list() == ["yes", "no"]
    _change_settings(qtbot, settings, {KEYWORDS: '["go", "left"]'})
    assert settings.keywords.text() == "go,left" and settings.spec_settings == {}
    assert settings.settings_summary.text() == SPEC_OWN_SETTINGS
    args = settings.arguments()
    assert args[args.index("--keywords") + 1] == "go,left" and "--set" not in args

    settings.keywords.setText("up,down")
    settings.settings_button.click()
    dialog = _open_dialog(settings)
    qtbot.waitUntil(lambda: dialog.row(KEYWORDS) is not None, timeout=CHILD_TIMEOUT_MS)
    assert dialog.row(KEYWORDS).text(VALUE_COLUMN) == '["up", "down"]' and dialog.is_changed(KEYWORDS)
    assert "Keywords field" in dialog.row(KEYWORDS).toolTip(SETTING_COLUMN)
    dialog.reset_all()
    with qtbot.waitSignal(dialog.accepted, timeout=CHILD_TIMEOUT_MS):
        dialog.ok_button.click()
    assert settings.keywords.text() == "yes,no" and "--keywords" not in settings.arguments()


def test_a_run_folders_seed_and_starting_weights_come_back_locked(training_workspace, tmp_path: Path) -> None:
    """A stopped run's seed and starting weights are what Resume keeps: the form shows them, locked with the spec
    and keywords, and says why."""
    ws = training_workspace
    folder = tmp_path / "seeded"
    folder.mkdir()
    record = TrainRequest(datasets=(), out=folder, spec="default", seed=99, init_from="kws_yes_no").to_record()
    (folder / RUN_FILE).write_text(json.dumps(record), encoding="utf-8")
    ws.settings.choose_out_folder(folder)
    assert ws.settings.seed.value() == 99 and ws.settings.init_from.text() == "kws_yes_no"
    assert ws.resume_button.isEnabled() and ws.settings.resume_note.isVisible()
    assert not ws.settings.seed.isEnabled() and not ws.settings.init_from.isEnabled()
