"""Save mistakes as clips… after a calibration with a background-only recording: the set's false accepts there are
offered and saved too (into _false_accept_, by the real `kws detect --background` child), the status line says how
many clips came from background audio, and a recording gone since is left out and said so -- where before they were
never saved ("only the labelled stream's are"). The dialog's count is what is saved: a gone recording's false accepts
are not in it, but named apart with their number (it used to count the set's false accepts of every recording)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.calibration.conftest import speech_commands  # noqa: F401  (fixture)
from tests.gui.calibration.test_calibration_workspace import stream, workspace  # noqa: F401  (fixtures)
from tests.gui.calibration.test_mistake_clips import answer_the_dialog, edited_report, wait_for_the_child
from workbench.assets import sample_audio_path
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.wording import counted
from workbench.gui.calibration import mistake_clips_dialog
from workbench.gui.calibration.mistake_clips_dialog import ClipsChoice, left_out_sentence

RATE = 16000
TV_REPEATS = 3  # the bundled "yes … no" sample, each followed by a second of silence: keywords in the background
RADIO_REPEATS = 2  # a second recording with fewer of them: its false accepts and the TV's differ in number
FALSE_ACCEPTS = "_false_accept_"
BACKGROUND_CLIPS = "background_nohash_*.wav"  # the clips cut from background audio


def _calibrated(root: Path, stream: Path, model: Path, repeats: dict[str, int]) -> Path:
    """A calibration report of ``stream`` and background recordings (name: repetitions of the bundled "yes … no"
    sample) in which the reference model hears keywords."""
    repetition = np.concatenate([load_audio(sample_audio_path()).samples, np.zeros(RATE, np.int16)])
    backgrounds = []
    for name, count in repeats.items():
        save_wav(root / name, np.tile(repetition, count))
        backgrounds += ["--background", str(root / name)]
    assert main(["calibrate", "--model", str(model), "--stream", str(stream), *backgrounds,
                 "--thresholds", "150:250:50", "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1",
                 "--target-fa-per-hour", "1000", "--out", str(root / "run"), "--progress", "none"]) == 0
    return root / "run"


@pytest.fixture(scope="module")
def background_report(tmp_path_factory: pytest.TempPathFactory, stream: Path,  # noqa: F811
                      reference_model_path: Path) -> Path:
    """A calibration report of the stream and one background recording."""
    return _calibrated(tmp_path_factory.mktemp("background-report"), stream, reference_model_path,
                       {"tv.wav": TV_REPEATS})


@pytest.fixture(scope="module")
def two_backgrounds_report(tmp_path_factory: pytest.TempPathFactory, stream: Path,  # noqa: F811
                           reference_model_path: Path) -> Path:
    """A calibration report of the stream and two background recordings."""
    return _calibrated(tmp_path_factory.mktemp("two-backgrounds-report"), stream, reference_model_path,
                       {"tv.wav": TV_REPEATS, "radio.wav": RADIO_REPEATS})


def answer_with(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[tuple[int, int, int]]:
    """Answer the folder question with ``folder``; returns what it offered (false accepts, misses, background)."""
    offered: list[tuple[int, int, int]] = []

    def ask(_parent: object, _default: Path, false_accepts: int, misses: int, background: int = 0,
            _left_out: object = ()) -> ClipsChoice:
        offered.append((false_accepts, misses, background))
        return ClipsChoice(folder, misses=False)

    monkeypatch.setattr(mistake_clips_dialog, "ask_clips_folder", ask)
    return offered


def _open_with_the_first_recording_gone(  # type: ignore[no-untyped-def]
        view, report: Path, tmp_path: Path) -> tuple[Path, dict]:
    """Open ``report`` with its first background recording moved away; (where it was said to be, the selected set
    with the most background false accepts)."""
    gone = tmp_path / "moved-tv.wav"
    moved = edited_report(report, tmp_path / "report",
                          lambda document: document["background"][0].update(audio=str(gone)))
    assert view.open_report(moved)
    return gone, _select_most_background_false_accepts(view)


def _select_most_background_false_accepts(view) -> dict:  # type: ignore[no-untyped-def]
    pareto = view.output.pareto
    row = max(range(len(pareto)), key=lambda i: pareto[i]["false_accepts_background"])
    assert pareto[row]["false_accepts_background"] > 0
    view.table.select_row(row)
    return pareto[row]


def test_the_background_recordings_false_accepts_are_saved_too(  # type: ignore[no-untyped-def]
        qtbot, workspace, background_report, tmp_path, monkeypatch) -> None:
    view, host, action = workspace, workspace.host, workspace.mistakes
    assert view.open_report(background_report)
    item = _select_most_background_false_accepts(view)
    background = item["false_accepts_background"]
    folder = tmp_path / "clips"
    offered = answer_with(monkeypatch, folder)
    qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    wait_for_the_child(qtbot, view)
    assert host.errors == []
    assert offered == [(item["false_accepts_speech"] + background, item["misses"], background)]
    saved = sorted((folder / FALSE_ACCEPTS).glob(BACKGROUND_CLIPS))
    assert len(saved) == background  # one clip per detection, each the window that ends at it
    status = view.status.text()
    assert (f"wrote {counted(background, 'false-accept clip')} of 1 s from background audio (1 recording) into "
            f"{folder} ({FALSE_ACCEPTS} {background})") in status.splitlines()
    assert "not saved" not in status and host.statuses[-1] == f"saved the mistakes' clips into {folder}"


def test_a_background_recording_gone_is_left_out_and_said(  # type: ignore[no-untyped-def]
        qtbot, workspace, background_report, tmp_path, monkeypatch) -> None:
    view, host, action = workspace, workspace.host, workspace.mistakes
    gone, item = _open_with_the_first_recording_gone(view, background_report, tmp_path)
    folder = tmp_path / "clips"
    offered = answer_with(monkeypatch, folder)
    qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    wait_for_the_child(qtbot, view)
    assert host.errors == []
    assert offered == [(item["false_accepts_speech"], item["misses"], 0)]  # only the stream's can be saved
    assert not list(folder.rglob(BACKGROUND_CLIPS))
    accepts = counted(item["false_accepts_background"], "false accept")
    assert view.status.text().splitlines()[-1] == (f"The set's {accepts} in {gone.name} are left out: that "
                                                   "background recording is not found (moved or deleted).")


def test_the_dialog_counts_only_the_false_accepts_of_recordings_still_there(  # type: ignore[no-untyped-def]
        qtbot, workspace, two_backgrounds_report, tmp_path, monkeypatch) -> None:
    view, host, action = workspace, workspace.host, workspace.mistakes
    gone, item = _open_with_the_first_recording_gone(view, two_backgrounds_report, tmp_path)
    folder = tmp_path / "clips"
    shown = answer_the_dialog(monkeypatch, folder)
    qtbot.mouseClick(action.button, Qt.MouseButton.LeftButton)
    wait_for_the_child(qtbot, view)
    assert host.errors == [] and len(shown) == 1
    written = len(list((folder / FALSE_ACCEPTS).glob(BACKGROUND_CLIPS)))  # one per detection in the radio's audio
    assert 0 < written < item["false_accepts_background"]  # (else the TV's share would prove nothing)
    left_out = [(gone.name, item["false_accepts_background"] - written)]
    kept = counted(item["false_accepts_speech"] + written, "false accept")
    intro = shown[0].intro.text()
    assert intro.startswith(f"The selected set has {kept} ({written} of them in the background recordings, ")
    assert intro.endswith(" " + left_out_sentence(left_out))
    assert view.status.text().splitlines()[-1] == left_out_sentence(left_out)
