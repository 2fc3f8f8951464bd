"""A take that could not be saved is also on disk until it is saved or discarded, so a workbench killed while it
waits for the user loses nothing: the next start recovers it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtWidgets import QWidget

from workbench.core.recording.recording_spool import recover_spools
from workbench.core.recording.recordings_folder import RecordingsFolder
from workbench.gui.stream.take_keeper import Take, TakeKeeper

REPO_ROOT = Path(__file__).resolve().parents[3]
RATE = 16000
CHILD_TIMEOUT_S = 60

# A window's keeper that fails to save one take into BLOCKED, says how many it keeps, and waits to be killed.
KEEPING_CHILD = """
import sys, time
from pathlib import Path
import numpy as np
from PySide6.QtWidgets import QApplication, QWidget
from workbench.gui.stream.take_keeper import Take, TakeKeeper

app = QApplication([])
parent = QWidget()
keeper = TakeKeeper(parent, spool_folder=Path(sys.argv[1]))
keeper.save(Take(np.arange(-8000, 8000, dtype=np.int16), 16000), Path(sys.argv[2]) / "yes" / "clip.wav")
print(len(keeper.unsaved), flush=True)
time.sleep(60)
"""


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A dataset folder that cannot be written: a file stands where the folder should be."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    return blocker


def default(folder: Path) -> RecordingsFolder:
    """``folder`` as the workbench's own recordings folder (made when missing): what start-up recovers into."""
    return RecordingsFolder.workbench_default(folder)


def on_disk(folder: Path) -> list[np.ndarray]:
    return [np.frombuffer(path.read_bytes(), "<i2") for path in sorted(folder.glob("*.pcm"))]


def test_a_kept_take_is_on_disk_until_it_is_saved_elsewhere_or_discarded(qtbot, blocked, tmp_path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    spool = tmp_path / "spool"
    keeper = TakeKeeper(parent, spool_folder=spool)
    first, second = Take(np.full(RATE, 1, np.int16), RATE), Take(np.arange(RATE, dtype=np.int16), RATE)
    assert not keeper.save(first, blocked / "yes" / "a.wav")
    assert not keeper.save(first, blocked / "yes" / "a.wav")  # tried again: still one copy
    assert [copy.tolist() for copy in on_disk(spool)] == [first.samples.tolist()]
    assert not keeper.save(second, blocked / "no" / "b.wav")
    assert len(on_disk(spool)) == 2
    assert keeper.save(second, tmp_path / "b.wav")  # saved: its copy goes, the other stays
    assert [copy.tolist() for copy in on_disk(spool)] == [first.samples.tolist()]
    keeper.discard_unsaved()
    assert on_disk(spool) == [] and keeper.unsaved == []


def test_adopted_takes_keep_their_copies_and_a_rescue_removes_them(qtbot, blocked, tmp_path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog, window = TakeKeeper(parent, spool_folder=tmp_path / "spool"), TakeKeeper(parent)
    dialog.save(Take(np.full(800, 3, np.int16), RATE), blocked / "clip.wav")
    window.adopt(dialog)  # the guided dialog closes: its take is the window's now
    assert len(on_disk(tmp_path / "spool")) == 1 and len(window.unsaved) == 1 and dialog.unsaved == []
    assert window.rescue(tmp_path / "rescue") == [tmp_path / "rescue" / "unsaved-clip.wav"]
    assert on_disk(tmp_path / "spool") == []


def test_a_kept_take_outlives_a_killed_workbench(blocked, tmp_path) -> None:
    spool, recordings = tmp_path / "spool", tmp_path / "recordings"
    child = subprocess.Popen([sys.executable, "-c", KEEPING_CHILD, str(spool), str(blocked)], cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "1", child.stderr.read() if child.poll() is not None else line
        assert recover_spools(spool, default(recordings)).recovered == []  # the live workbench still holds it
    finally:
        child.kill()
        child.wait(CHILD_TIMEOUT_S)
        child.stdout.close()
        child.stderr.close()
    recovery = recover_spools(spool, default(recordings))
    assert len(recovery.recovered) == 1 and recovery.left == []
    samples, rate = sf.read(recovery.recovered[0].path, dtype="int16")
    assert rate == RATE and np.array_equal(samples, np.arange(-8000, 8000))


def test_a_recording_without_a_copy_on_disk_says_so(qtbot, window, user_data: Path) -> None:
    """No spool can be made (a file where its folder should be): the take is kept in memory, and the status says
    that a crash would lose it rather than only "recording…"."""
    from workbench.assets import sample_audio_path
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    user_data.mkdir(parents=True, exist_ok=True)
    (user_data / "kws-workbench").write_bytes(b"in the way")
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    said: list[str] = []
    window.controller.status.connect(said.append)
    assert window.controller.start_recording()
    assert said and said[-1].startswith("recording… (in memory only: cannot write into ")
    ended = window.controller.take_recording()
    assert ended is not None and ended.spool is None


def test_a_take_stays_on_disk_until_the_window_has_saved_it(qtbot, window, user_data: Path, blocked: Path,
                                                             tmp_path: Path, monkeypatch) -> None:
    """The record button's stop hands the take over with its recording's copy on disk, which goes once the take is
    saved (a workbench dying during a save that hangs loses nothing); a take that cannot be saved keeps that copy
    (not a second one)."""
    from workbench.assets import sample_audio_path
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    spool = user_data / "kws-workbench" / "recording-spool"
    panel, save = window.source_panel, window.takes.save
    copies_while_saving: list[int] = []
    monkeypatch.setattr(window.takes, "save", lambda take, path, into=None, **how: copies_while_saving.append(
                        len(on_disk(spool))) or save(take, path, into, **how))
    panel.recording.set_label("yes")
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    (tmp_path / "dataset").mkdir()  # chosen in a folder dialog: it exists
    for folder in (tmp_path / "dataset", blocked):
        panel.recording.set_folder(folder)
        panel.record_toggled.emit(True)
        qtbot.waitUntil(lambda: window.controller.session.recorded_seconds > 0.5, timeout=10_000)
        panel.record_toggled.emit(False)
    assert copies_while_saving == [1, 1]
    assert len(list((tmp_path / "dataset").rglob("*.wav"))) == 1 and len(window.takes.unsaved) == 1
    copies = on_disk(spool)
    assert len(copies) == 1 and np.array_equal(copies[0], window.takes.unsaved[0].samples)
    assert window.takes.save_unsaved_as(tmp_path / "take.wav")
    assert on_disk(spool) == [] and (tmp_path / "take.wav").is_file()
