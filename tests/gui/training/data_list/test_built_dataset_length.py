"""A dataset built with clips longer than the model hears (the builder's Clip length, for a long phrase) trains at
their length: the form's Settings row shows ``frontend.sample_length_ms``, and ``kws train`` gets it as a --set
value, where the run kept the spec's 1 s and cut every clip to it. The length follows the Data list afterwards:
the built folder removed, the spec's own length comes back, and the status line says so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.gui.training.child_command_line import CHILD_TIMEOUT_MS
from tests.gui.training.data_list.test_built_dataset_keywords import build_in_dialog
from workbench.gui.training.run_folder_state import RUN_FILE
from workbench.gui.training.spec_settings_dialog import SpecSettingsDialog
from workbench.gui.training.training_workspace import TrainingWorkspace
from workbench.synthesis.dataset_builder import MANIFEST

LENGTH = "frontend.sample_length_ms"
LONG_CLIP_MS = 1500
SAMPLE_RATE = 16_000
MS_PER_SECOND = 1000


def _built(folder: Path, clip_ms: int, *words: str) -> Path:
    """A folder as a build with ``clip_ms`` clips leaves it (its manifest; the clips are not read)."""
    folder.mkdir()
    placement = {"sample_length": SAMPLE_RATE * clip_ms // MS_PER_SECOND, "sample_rate": SAMPLE_RATE}
    (folder / MANIFEST).write_text(json.dumps({"settings": {"words": list(words), "placement": placement}}),
                                   encoding="utf-8")
    return folder


def _length_arguments(ws: TrainingWorkspace) -> list[str]:
    return [arg for arg in ws.settings.arguments() if arg.startswith(LENGTH)]


def test_a_build_of_long_clips_trains_at_their_length(qtbot, training_workspace: TrainingWorkspace,
                                                      tmp_path: Path) -> None:
    ws = training_workspace
    assert _length_arguments(ws) == []  # the spec's own 1 s
    dialog = build_in_dialog(qtbot, ws, "hey lamp turn on", tmp_path / "phrase", LONG_CLIP_MS)
    dialog.shutdown()
    dialog.close()
    assert _length_arguments(ws) == [f"{LENGTH}={LONG_CLIP_MS}"]
    assert f"{LENGTH} = {LONG_CLIP_MS}" in ws.settings.settings_summary.text()
    assert any(f"{LONG_CLIP_MS} ms" in status and str(tmp_path / "phrase") in status for status in ws.host.statuses)
    assert ws.settings.keyword_list() == ["hey_lamp_turn_on"]


def test_the_length_follows_the_data_list(qtbot, training_workspace: TrainingWorkspace, tmp_path: Path) -> None:
    ws = training_workspace
    speech = tmp_path / "speech"  # clips of the model's length: no manifest
    speech.mkdir()
    ws.datasets.add_folder(speech)
    ws.builds.take(str(_built(tmp_path / "short", 1000, "lamp")))  # no longer than the spec's: nothing to change
    assert _length_arguments(ws) == []
    ws.builds.take(str(_built(tmp_path / "long", 2000, "hey lamp")))
    ws.builds.take(str(_built(tmp_path / "longish", LONG_CLIP_MS, "lamp off")))  # the longest clips keep theirs
    assert _length_arguments(ws) == [f"{LENGTH}=2000"]

    ws.datasets.list.selectRow(ws.datasets.folders().index(tmp_path / "long"))
    qtbot.mouseClick(ws.datasets.remove_button, Qt.MouseButton.LeftButton)
    assert _length_arguments(ws) == [f"{LENGTH}={LONG_CLIP_MS}"]  # the longest left: the next longest's

    ws.datasets.set_folders([speech])  # another dataset chosen instead
    assert _length_arguments(ws) == []
    assert ws.settings.settings_summary.text() == "the spec's own"
    assert "spec's own 1000 ms again" in ws.host.statuses[-1]


def test_a_length_the_user_set_stays_theirs(qtbot, training_workspace: TrainingWorkspace, tmp_path: Path) -> None:
    ws = training_workspace
    ws.builds.take(str(_built(tmp_path / "long", LONG_CLIP_MS, "hey lamp")))
    ws.settings.set_spec_settings({LENGTH: "3000"})  # as "Change…" sets it
    ws.datasets.set_folders([])
    assert _length_arguments(ws) == [f"{LENGTH}=3000"]


def test_a_length_accepted_unchanged_in_change_stays_the_users(qtbot, training_workspace: TrainingWorkspace,
                                                                tmp_path: Path) -> None:
    """The length set for a build, seen in "Change…" and kept there with OK, is the user's: it no longer follows the
    Data list (it did, as the value was the one set for the build)."""
    ws = training_workspace
    ws.builds.take(str(_built(tmp_path / "long", LONG_CLIP_MS, "hey lamp")))
    ws.settings.settings_button.click()
    dialog = ws.settings.findChild(SpecSettingsDialog)
    qtbot.waitUntil(lambda: dialog.row(LENGTH) is not None, timeout=CHILD_TIMEOUT_MS)
    assert dialog.changes().get(LENGTH) == str(LONG_CLIP_MS)
    with qtbot.waitSignal(dialog.accepted, timeout=CHILD_TIMEOUT_MS):
        dialog.ok_button.click()  # checked by its child
    ws.datasets.set_folders([])
    assert _length_arguments(ws) == [f"{LENGTH}={LONG_CLIP_MS}"]


def test_a_stopped_runs_settings_are_left_alone(qtbot, training_workspace: TrainingWorkspace, tmp_path: Path) -> None:
    ws = training_workspace
    stopped = tmp_path / "run"
    stopped.mkdir()
    (stopped / RUN_FILE).write_text("{}", encoding="utf-8")  # a run without its summary: Resume continues it
    ws.settings.choose_out_folder(stopped)
    assert not ws.settings.settings_button.isEnabled()  # Resume keeps the run's settings
    ws.builds.take(str(_built(tmp_path / "long", LONG_CLIP_MS, "hey lamp")))
    assert _length_arguments(ws) == []


@pytest.mark.parametrize(("rebuilt_ms", "trained_at", "said"), [
    (LONG_CLIP_MS, [f"{LENGTH}={LONG_CLIP_MS}"], f"Sample length set to {LONG_CLIP_MS} ms"),
    (1000, [], "spec's own 1000 ms again")])  # the spec's own length: no setting
def test_a_listed_folder_built_again_at_another_length_trains_at_that(
        qtbot, training_workspace: TrainingWorkspace, tmp_path: Path, rebuilt_ms: int, trained_at: list[str],
        said: str) -> None:
    """The builder's folder emptied and built again, shorter: the Data list already held it (no change of the list),
    and the form kept training at the first build's length, hearing only padding past the new clips."""
    ws = training_workspace
    folder = tmp_path / "phrase"
    ws.builds.take(str(_built(folder, 2000, "hey lamp")))
    shutil.rmtree(folder)
    ws.builds.take(str(_built(folder, rebuilt_ms, "hey lamp")))
    assert ws.datasets.folders() == [folder]
    assert _length_arguments(ws) == trained_at
    assert said in ws.host.statuses[-1]
