"""Save mistakes as clips… under pytest-qt: after a real `kws calibrate` child, a real `kws detect` child saves the
selected set's false accepts as other words' clips (and its misses as keyword clips), Cancel stops it, a folder
that cannot be written is one sentence, a set without false accepts saves its misses, nothing written is never
said saved, and Open clips folder opens the last folder that holds clips."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from tests.calibration.conftest import speech_commands  # noqa: F401  (fixture)
from tests.gui.calibration.test_calibration_workspace import RUN_TIMEOUT_MS, run_to_end, stream, workspace  # noqa: F401
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.detection.detector import keyword_classes
from workbench.core.wording import counted
from workbench.datasets.splits import TRAINING, split_of
from workbench.gui.calibration import mistake_clips_dialog
from workbench.gui.calibration.mistake_clips_action import detect_arguments
from workbench.gui.calibration.mistake_clips_dialog import ClipsChoice, MistakeClipsDialog

LONG_REPEATS = 20  # 30 minutes of the 1.5-minute stream: seconds of replay for Cancel to land in
LEFT_OUT = re.compile(r"(\d+) false accepts? on keywords not saved")
ONE_PER_WORD = re.compile(r"(\d+) false accepts? in (\d+) clips? \(one per word\)")


@pytest.fixture(scope="module")
def long_report(tmp_path_factory: pytest.TempPathFactory, stream: Path,  # noqa: F811
                reference_model_path: Path) -> Path:
    """A calibration report of a 30-minute stream (the short one repeated; its labels mark the first pass)."""
    root = tmp_path_factory.mktemp("long-report")
    long_stream = root / "long.wav"
    save_wav(long_stream, np.tile(load_audio(stream).samples, LONG_REPEATS))
    events = json.loads(stream.with_suffix(".json").read_text())["events"]  # not its record of a shorter stream
    (root / "long.json").write_text(json.dumps({"events": events}))
    assert main(["calibrate", "--model", str(reference_model_path), "--stream", str(long_stream),
                 "--thresholds", "150:250:50", "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1",
                 "--per-class-thresholds", "--target-fa-per-hour", "1000", "--out", str(root / "run"),
                 "--progress", "none"]) == 0
    return root / "run"


def answer_with(monkeypatch: pytest.MonkeyPatch, choice: ClipsChoice | None) -> list[tuple[Path, int, int]]:
    """Answer the folder question with ``choice``; returns what it offered (folder, false accepts, misses)."""
    offered: list[tuple[Path, int, int]] = []

    def ask(_parent: object, default: Path, false_accepts: int, misses: int, _background: int = 0,
            _left_out: object = ()) -> ClipsChoice | None:
        offered.append((default, false_accepts, misses))
        return choice

    monkeypatch.setattr(mistake_clips_dialog, "ask_clips_folder", ask)
    return offered


def answer_the_dialog(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[MistakeClipsDialog]:
    """Answer the real dialog: ``folder`` typed, its check box left as it comes, Save clips clicked (nothing when it
    is disabled); returns the dialogs shown."""
    shown: list[MistakeClipsDialog] = []

    def execute(dialog: MistakeClipsDialog) -> int:
        shown.append(dialog)
        dialog.folder_edit.setText(str(folder))
        dialog.save_button.click()
        return dialog.result()

    monkeypatch.setattr(MistakeClipsDialog, "exec", execute)
    return shown


def opened_folders(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """What the desktop is asked to open, instead of opening it."""
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    return opened


def wait_for_the_child(qtbot, view) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not view.mistakes.running, timeout=RUN_TIMEOUT_MS)


def test_the_selected_sets_false_accepts_are_saved_as_other_words_clips(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, monkeypatch) -> None:
    view, host, action = workspace, workspace.host, workspace.mistakes
    assert not action.button.isEnabled() and not action.open_button.isVisible()
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    pareto = view.output.pareto
    row = max(range(len(pareto)), key=lambda i: pareto[i]["false_accepts_speech"])
    item = pareto[row]
    assert item["false_accepts_speech"] > 0
    view.table.select_row(row)
    assert action.button.isEnabled()
    folder = tmp_path / "clips"  # missing: kws detect creates it
    offered = answer_with(monkeypatch, ClipsChoice(folder, misses=False))
    qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    assert offered == [(stream.with_name("stream-mistakes"), item["false_accepts_speech"], item["misses"])]
    assert action.running and view.cancel_button.isEnabled()
    assert not view.run_button.isEnabled() and not action.button.isEnabled()
    assert view.progress.maximum() == 0  # busy: kws detect says nothing of how far it is
    wait_for_the_child(qtbot, view)
    assert host.errors == []
    status = view.status.text()
    left_out = LEFT_OUT.search(status)
    saved = sorted(folder.rglob("*.wav"))
    assert saved == sorted(path for path in folder.rglob("*") if path.is_file())
    assert all(clip.parent.parent == folder for clip in saved)  # FOLDER/<word>/<speaker>_nohash_<n>.wav
    words = {clip.parent.name for clip in saved}
    keywords = set(keyword_classes(view.output.document["model"]["classes"]))
    assert words and not words & keywords  # other words' folders, never a keyword's
    to_save = item["false_accepts_speech"] - (int(left_out[1]) if left_out else 0)
    one_per_word = ONE_PER_WORD.search(status)  # several false accepts on one word: one clip
    if one_per_word:
        assert int(one_per_word[1]) == to_save and int(one_per_word[2]) < to_save
    assert len(saved) == (int(one_per_word[2]) if one_per_word else to_save)
    held_out = sum(split_of(clip) != TRAINING for clip in saved)  # the stream is of the testing split
    assert (f"warning: {held_out} of the {len(saved)} clips written keep their speakers" in status) == (held_out > 0)
    assert f"wrote {counted(len(saved), 'false-accept clip')} of 1 s into {folder} (" in status
    assert host.statuses[-1] == f"saved the mistakes' clips into {folder}"
    assert view.status.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse  # the path copies
    assert action.open_button.isVisible() and action.button.isEnabled() and view.run_button.isEnabled()
    assert view.progress.maximum() > 0 and not view.cancel_button.isEnabled()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(action.open_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(folder))]

    # the misses too, into the same folder: keyword clips in their keywords' folders, beside the other words
    both = tmp_path / "both"
    assert action.save(both, misses=True)
    wait_for_the_child(qtbot, view)
    assert host.errors == []
    misses = [clip for clip in both.rglob("*.wav") if clip.parent.name in keywords]
    assert len(misses) == item["misses"] and len(list(both.rglob("*.wav"))) == len(saved) + item["misses"]
    assert (f"wrote {counted(item['misses'], 'missed-keyword clip')} of 1 s into {both}" if item["misses"]
            else f"no missed keywords: nothing written into {both}") in view.status.text()


def test_the_command_line_is_the_sets_reproduce_line(  # type: ignore[no-untyped-def]
        workspace, long_report, tmp_path) -> None:
    assert workspace.open_report(long_report)
    output = workspace.output
    recommended, document = output.recommended, output.document
    assert recommended is not None
    arguments = detect_arguments(output, recommended, Path("m.tflite"), tmp_path, misses=False)
    options = recommended["kws_detect_options"]  # what calibrate's "reproduce:" line prints for it
    start = arguments.index(options[0])
    assert arguments[:start] == ["detect", document["stream"]["audio"], "--model", "m.tflite"]
    assert arguments[start:start + len(options)] == options
    rest = arguments[start + len(options):]
    assert rest == ["--latency-ms", str(output.latency_ms), "--labels", str(long_report / "labels.json"),
                    "--tolerance-s", "1.5", "--format", "jsonl", "--save-false-accepts", str(tmp_path)]
    with_misses = detect_arguments(output, recommended, Path("m.tflite"), tmp_path, misses=True)
    assert with_misses == [*arguments, "--save-misses", str(tmp_path)]


def test_cancel_stops_the_child_and_saves_nothing(  # type: ignore[no-untyped-def]
        qtbot, workspace, long_report, tmp_path, monkeypatch) -> None:
    view, action = workspace, workspace.mistakes
    assert view.open_report(long_report)
    view.table.select_row(len(view.output.pareto) - 1)  # the most false accepts
    folder = tmp_path / "clips"
    answer_with(monkeypatch, ClipsChoice(folder, misses=True))
    with qtbot.waitSignal(action.child.stdout_line, timeout=RUN_TIMEOUT_MS):  # replaying: a detection is out
        qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    pid = action.child.pid
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    wait_for_the_child(qtbot, view)
    assert view.status.text() == "saving the mistakes cancelled: no clips were saved"
    assert view.host.errors == [] and not list(tmp_path.rglob("*.wav"))
    with pytest.raises(ProcessLookupError):  # gone
        os.kill(pid, 0)
    assert action.button.isEnabled() and view.run_button.isEnabled() and not view.cancel_button.isEnabled()
    assert not action.open_button.isVisible()


def test_a_folder_that_cannot_be_written_is_one_sentence(  # type: ignore[no-untyped-def]
        qtbot, workspace, long_report, tmp_path, monkeypatch) -> None:
    view, host = workspace, workspace.host
    assert view.open_report(long_report)
    view.table.select_row(0)
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("")
    answer_with(monkeypatch, ClipsChoice(in_the_way / "clips", misses=False))
    qtbot.mouseClick(view.mistakes.button, Qt.MouseButton.LeftButton)
    wait_for_the_child(qtbot, view)
    assert host.errors == [f"Cannot create the folder {in_the_way / 'clips'}: {in_the_way} is a file, not a folder."]
    assert view.status.text() == f"saving the mistakes failed: {host.errors[0]}"
    assert not view.mistakes.open_button.isVisible() and view.mistakes.button.isEnabled()


def test_cancelling_the_question_starts_nothing(  # type: ignore[no-untyped-def]
        qtbot, workspace, long_report, monkeypatch) -> None:
    view = workspace
    assert view.open_report(long_report)
    view.table.select_row(0)
    status = view.status.text()
    offered = answer_with(monkeypatch, None)
    qtbot.mouseClick(view.mistakes.button, Qt.MouseButton.LeftButton)
    assert len(offered) == 1 and not view.mistakes.running and view.status.text() == status
    assert view.host.errors == []


def edited_report(report: Path, folder: Path, edit: Callable[[dict], object]) -> Path:
    """A copy of the calibration report folder ``report`` in ``folder``, its calibration.json changed by ``edit``."""
    shutil.copytree(report, folder)
    document = json.loads((folder / "calibration.json").read_text())
    edit(document)
    (folder / "calibration.json").write_text(json.dumps(document))
    return folder


def test_a_stream_that_is_gone_is_said_before_the_question(  # type: ignore[no-untyped-def]
        qtbot, workspace, long_report, tmp_path, monkeypatch) -> None:
    gone = tmp_path / "deleted.wav"
    moved = edited_report(long_report, tmp_path / "report", lambda document: document["stream"].update(audio=str(gone)))
    view = workspace
    assert view.open_report(moved)
    view.table.select_row(0)
    offered = answer_with(monkeypatch, ClipsChoice(tmp_path / "clips", misses=False))
    qtbot.mouseClick(view.mistakes.button, Qt.MouseButton.LeftButton)
    assert offered == [] and not view.mistakes.running
    assert view.host.errors == [f"the stream this calibration replayed, {gone}, is not found (moved or deleted): the "
                                "clips are cut from its audio"]


def test_a_set_without_false_accepts_saves_its_misses_and_says_when_none_are_written(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, monkeypatch) -> None:
    view, host, action = workspace, workspace.host, workspace.mistakes
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    pareto = view.output.pareto
    row = next(i for i, item in enumerate(pareto) if not item["false_accepts_speech"] and item["misses"])
    misses = pareto[row]["misses"]
    keywords = set(keyword_classes(view.output.document["model"]["classes"]))
    view.table.select_row(row)

    nothing = tmp_path / "nothing"  # its false accepts alone: none to write
    assert action.save(nothing, misses=False)
    wait_for_the_child(qtbot, view)
    assert host.errors == [] and not nothing.exists()
    first, said = view.status.text().splitlines()[:2]
    assert first.startswith("No clips written for the mistakes of the selected set (")
    assert said == f"no false accepts: nothing written into {nothing}"
    assert host.statuses[-1] == f"no new clips of the mistakes: nothing written into {nothing}"
    assert not action.open_button.isVisible()

    folder = tmp_path / "misses"
    shown = answer_the_dialog(monkeypatch, folder)
    qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    assert [dialog.intro.text().split(":")[0] for dialog in shown] == [
        f"The selected set has no false accepts in the stream, only {counted(misses, 'missed keyword')}"]
    assert shown[0].misses_box.isChecked()  # all there is to save
    wait_for_the_child(qtbot, view)
    assert host.errors == []
    clips = list(folder.rglob("*.wav"))
    assert len(clips) == misses and {clip.parent.name for clip in clips} <= keywords
    lines = view.status.text().splitlines()
    assert lines[0].startswith("Saved the mistakes of the selected set (")
    assert lines[1] == f"no false accepts: nothing written into {folder}"
    assert lines[2].startswith(f"wrote {counted(misses, 'missed-keyword clip')} of 1 s into {folder} (")
    assert host.statuses[-1] == f"saved the mistakes' clips into {folder}"
    tip = f"Open {folder} with the desktop's file manager"
    assert action.open_button.isVisible() and action.open_button.toolTip() == tip

    qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)  # again into the same folder: all there already
    wait_for_the_child(qtbot, view)
    assert len(shown) == 2 and host.errors == [] and len(list(folder.rglob("*.wav"))) == misses
    lines = view.status.text().splitlines()
    assert lines[0].startswith("No clips written for the mistakes of the selected set (")
    assert lines[2] == f"wrote 0 missed-keyword clips of 1 s into {folder}: {misses} already there"
    assert host.statuses[-1] == f"no new clips of the mistakes: nothing written into {folder}"
    assert action.open_button.isVisible() and action.open_button.toolTip() == tip  # it holds the clips


def test_a_set_without_mistakes_is_refused_before_the_question(  # type: ignore[no-untyped-def]
        qtbot, workspace, long_report, tmp_path, monkeypatch) -> None:
    moved = edited_report(long_report, tmp_path / "report",
                          lambda document: document["pareto"][0].update(false_accepts_speech=0, misses=0))
    view = workspace
    assert view.open_report(moved)
    view.table.select_row(0)
    offered = answer_with(monkeypatch, ClipsChoice(tmp_path / "clips", misses=True))
    qtbot.mouseClick(view.mistakes.button, Qt.MouseButton.LeftButton)
    assert offered == [] and not view.mistakes.running
    assert view.host.errors == ["the selected set has no false accepts and no missed keywords in the stream: it has "
                                "no mistakes to save as clips"]


def test_open_clips_folder_opens_the_last_folder_that_holds_clips(  # type: ignore[no-untyped-def]
        qtbot, workspace, long_report, tmp_path, monkeypatch) -> None:
    view, host, action = workspace, workspace.host, workspace.mistakes
    assert view.open_report(long_report)
    view.table.select_row(0)
    saved = tmp_path / "clipsA"
    assert action.save(saved)
    wait_for_the_child(qtbot, view)
    assert host.errors == [] and list(saved.rglob("*.wav"))
    tip = f"Open {saved} with the desktop's file manager"
    assert action.open_button.isVisible() and action.open_button.toolTip() == tip
    opened = opened_folders(monkeypatch)

    cancelled = tmp_path / "clipsB"
    with qtbot.waitSignal(action.child.stdout_line, timeout=RUN_TIMEOUT_MS):  # replaying: a detection is out
        assert action.save(cancelled, misses=True)
    assert not action.open_button.isEnabled()  # while a save runs
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    wait_for_the_child(qtbot, view)
    assert view.status.text() == "saving the mistakes cancelled: no clips were saved" and not cancelled.exists()
    assert action.open_button.isVisible() and action.open_button.isEnabled() and action.open_button.toolTip() == tip
    qtbot.mouseClick(action.open_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(saved))]

    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("")
    assert action.save(in_the_way / "clips")
    wait_for_the_child(qtbot, view)
    assert len(host.errors) == 1 and view.status.text().startswith("saving the mistakes failed: ")
    assert action.open_button.isVisible() and action.open_button.isEnabled() and action.open_button.toolTip() == tip
    qtbot.mouseClick(action.open_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(saved))] * 2

    shutil.rmtree(saved)  # no folder holds clips any more
    assert action.save(in_the_way / "clips")
    wait_for_the_child(qtbot, view)
    assert len(host.errors) == 2 and not action.open_button.isVisible()
