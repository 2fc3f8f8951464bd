"""A dataset built with "Synthesize…" trains its own words: the form's Keywords become them (the builder's last line
says "Train with the keywords hey_lamp,lamp_off"), where they stayed the spec's yes,no and the Data table counted
the new words as _unknown_. A real `kws dataset synth` child with the flite voice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workbench.gui.training.training_workspace import TrainingWorkspace

VOICE = "flite:kal16"
BUILD_TIMEOUT_MS = 180_000


def tick_only(tree, voice: str) -> None:  # type: ignore[no-untyped-def]
    for i in range(tree.topLevelItemCount()):
        row = tree.topLevelItem(i)
        for j in range(row.childCount()):
            child = row.child(j)
            if child.data(0, Qt.ItemDataRole.UserRole):
                on = child.data(0, Qt.ItemDataRole.UserRole) == voice
                child.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def build_in_dialog(qtbot, ws: TrainingWorkspace, words: str, out: Path,  # type: ignore[no-untyped-def]
                    clip_ms: int | None = None):
    """Build ``words`` (one take of one flite voice, "camp" as the negative) into ``out`` with the workspace's
    Synthesize… dialog, as a user fills it; the dialog is returned open, its build done (the caller shuts it)."""
    if shutil.which("flite") is None:
        pytest.skip("speech engine not installed: flite")
    dialog = ws.open_dataset_builder()
    dialog.ask = lambda _parent, _question: True  # a test failing mid-build is closed without a modal question
    qtbot.waitUntil(lambda: not dialog.voices.loading, timeout=60_000)
    dialog.words_edit.setText(words)
    dialog.negatives_edit.setText("camp")
    dialog.similar_spin.setValue(0)
    dialog.takes_spin.setValue(1)
    if clip_ms is not None:
        dialog.clip_ms_spin.setValue(clip_ms)
    dialog.out_edit.setText(str(out))
    tick_only(dialog.voices, VOICE)
    with qtbot.waitSignal(dialog.built, timeout=BUILD_TIMEOUT_MS):
        assert dialog.build()
    return dialog


def test_a_built_dataset_puts_its_keywords_in_the_form(qtbot, training_workspace: TrainingWorkspace,
                                                       tmp_path: Path) -> None:
    ws = training_workspace
    assert ws.settings.keyword_list() == ["yes", "no"]  # the spec's own
    dialog = build_in_dialog(qtbot, ws, "hey lamp, lamp off", tmp_path / "lamp")
    assert ws.datasets.folders() == [tmp_path / "lamp"]
    assert ws.settings.keyword_list() == ["hey_lamp", "lamp_off"]
    assert ws.datasets.keywords == ["hey_lamp", "lamp_off"]  # the Data table counts them as keywords
    dialog.shutdown()
    dialog.close()


def test_a_run_in_the_output_folder_keeps_its_keywords(qtbot, training_workspace: TrainingWorkspace,
                                                       tmp_path: Path) -> None:
    ws = training_workspace
    ws.settings.keywords.setEnabled(False)  # as a stopped run's Resume holds it (lock_to_run)
    built = tmp_path / "lamp"
    built.mkdir()
    (built / "synth.json").write_text('{"settings": {"words": ["hey lamp"]}}', encoding="utf-8")
    ws.settings.take_built_keywords(str(built))
    assert ws.settings.keyword_list() == ["yes", "no"]


def _built(folder: Path, *words: str) -> Path:
    folder.mkdir()
    (folder / "synth.json").write_text(json.dumps({"settings": {"words": list(words)}}), encoding="utf-8")
    return folder


def test_keywords_typed_on_purpose_keep_theirs(qtbot, training_workspace: TrainingWorkspace, tmp_path: Path) -> None:
    """Keywords the user typed (Speech Commands' yes,no beside a wake word; a second phrase built after the first)
    are not dropped: the built words are added to them. Only the spec's own keywords, untouched, give way."""
    ws = training_workspace
    ws.settings.keywords.clear()
    qtbot.keyClicks(ws.settings.keywords, "yes,no,hey_lamp")
    ws.settings.take_built_keywords(str(_built(tmp_path / "lamp", "hey lamp")))
    assert ws.settings.keyword_list() == ["yes", "no", "hey_lamp"]
    ws.settings.take_built_keywords(str(_built(tmp_path / "off", "lamp off")))
    assert ws.settings.keyword_list() == ["yes", "no", "hey_lamp", "lamp_off"]
    assert ws.datasets.keywords == ["yes", "no", "hey_lamp", "lamp_off"]
