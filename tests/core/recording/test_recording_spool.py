"""A recording outlives the process that made it: its spool on disk becomes a WAV at the next start, a spool a live
process holds is left alone, and a recording that ends normally leaves nothing behind."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.audio.file_source import FileSource
from workbench.core.recording.recording_spool import (RECOVERED_PREFIX, RecordingSpool, recover_spools,
                                                  spool_name)
from workbench.core.recording.recordings_folder import RecordingsFolder
from workbench.core.engine import Engine
from workbench.core.live_session import LiveSession
from workbench.core.model.model_file import load_model

REPO_ROOT = Path(__file__).resolve().parents[3]
RATE = 16000
RECORD_BEFORE_KILL_S = 1.0
CHILD_TIMEOUT_S = 60

# A workbench recording a file into SPOOL: in real time until it has recorded SECONDS, or as fast as it can to the
# file's end (then nothing more arrives: only the writer's flush when idle puts the last samples on disk). It prints
# how many samples it had recorded, waits three flush intervals (so the spool holds at least those) and goes on
# until it is killed. With a fourth argument "ended" it ends the recording first, as the record button's stop does
# before the take is saved.
RECORDING_CHILD = """
import sys, time
from pathlib import Path
from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.file_source import FileSource
from workbench.core.recording.recording_spool import FLUSH_INTERVAL_S
from workbench.core.engine import Engine
from workbench.core.live_session import LiveSession
from workbench.core.model.model_file import load_model

realtime = sys.argv[3] == "realtime"
session = LiveSession(Engine(load_model(default_model_path())), FileSource(sample_audio_path(), realtime=realtime),
                      spool_folder=Path(sys.argv[1]))
session.start_recording()
session.start()
while session.recorded_seconds < float(sys.argv[2]) if realtime else not session.wait(0.01):
    time.sleep(0.01)
recorded = round(session.recorded_seconds * session.engine.sample_rate)
if sys.argv[4:] == ["ended"]:
    ended = session.end_recording()  # never released: the process dies before the take is saved
time.sleep(3 * FLUSH_INTERVAL_S)
print(recorded, flush=True)
time.sleep(60)
"""


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path())


def default(folder: Path) -> RecordingsFolder:
    """``folder`` as the workbench's own recordings folder (made when missing): what start-up recovers into."""
    return RecordingsFolder.workbench_default(folder)


def spools(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pcm"))


def left_behind(folder: Path, samples: np.ndarray, rate: int = RATE, started: float | None = None) -> Path:
    """A spool no process holds, as a workbench that died leaves it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / spool_name(rate, time.time() if started is None else started)
    path.write_bytes(samples.astype("<i2").tobytes())
    return path


@pytest.mark.parametrize("pace", ["realtime", "fast", "ended"])
def test_a_recording_killed_with_its_process_is_recovered_up_to_the_last_flush(tmp_path: Path, pace: str) -> None:
    """Killed while recording, or after the recording ended but before its take was saved ("ended")."""
    spool_folder, recordings = tmp_path / "spool", tmp_path / "recordings"
    args = ["realtime"] if pace == "realtime" else ["fast"] + (["ended"] if pace == "ended" else [])
    child = subprocess.Popen([sys.executable, "-c", RECORDING_CHILD, str(spool_folder), str(RECORD_BEFORE_KILL_S),
                              *args], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip().isdigit(), child.stderr.read() if child.poll() is not None else line
        recorded = int(line)
        # while the workbench lives its spool is its own: nothing is recovered, nothing removed
        alive = recover_spools(spool_folder, default(recordings))
        assert alive.recovered == [] and alive.left == [] and alive.sentence() is None
        assert len(spools(spool_folder)) == 1 and not recordings.exists()
    finally:
        child.kill()  # SIGKILL: no handler, no atexit, no flush
        child.wait(CHILD_TIMEOUT_S)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -9

    recovery = recover_spools(spool_folder, default(recordings))
    assert recovery.left == [] and len(recovery.recovered) == 1
    found = recovery.recovered[0]
    assert found.path.parent == recordings and found.path.name.startswith(RECOVERED_PREFIX)
    samples, rate = sf.read(found.path, dtype="int16")
    clip = load_audio(sample_audio_path()).samples
    if pace == "realtime":
        assert rate == RATE and recorded <= samples.size < clip.size  # killed before the file ended
    else:
        assert rate == RATE and recorded == samples.size == clip.size  # all of it, though nothing came after
    np.testing.assert_array_equal(samples, clip[: samples.size])  # what was heard from the first sample on
    assert found.seconds == samples.size / RATE
    assert str(found.path) in recovery.sentence()
    assert spools(spool_folder) == []
    assert recover_spools(spool_folder, default(recordings)).recovered == []  # recovered once


def test_a_recording_that_ends_normally_leaves_no_spool(model, tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    session = LiveSession(Engine(model), FileSource(sample_audio_path(), realtime=False), spool_folder=folder)
    session.start_recording()
    assert session.spool_problem is None and len(spools(folder)) == 1
    assert folder.stat().st_mode & 0o077 == 0  # a private folder
    session.start()
    assert session.wait(30)
    session.close()  # the spool is flushed; a recording nobody took yet stays on disk
    clip = load_audio(sample_audio_path()).samples
    on_disk = np.frombuffer(spools(folder)[0].read_bytes(), "<i2")
    np.testing.assert_array_equal(on_disk, clip)
    np.testing.assert_array_equal(session.stop_recording(), clip)
    assert list(folder.iterdir()) == []


def test_an_ended_recording_keeps_its_copy_on_disk_until_it_is_released(model, tmp_path: Path) -> None:
    folder, recordings = tmp_path / "spool", tmp_path / "recordings"
    session = LiveSession(Engine(model), FileSource(sample_audio_path(), realtime=False), spool_folder=folder)
    session.start_recording()
    session.start()
    assert session.wait(30)
    ended = session.end_recording()
    clip = load_audio(sample_audio_path()).samples
    np.testing.assert_array_equal(ended.samples, clip)
    assert not session.recording and ended.spool is not None and spools(folder) == [ended.spool.path]
    np.testing.assert_array_equal(np.frombuffer(ended.spool.path.read_bytes(), "<i2"), clip)  # all of it, flushed
    assert recover_spools(folder, default(recordings)).recovered == []  # this process still holds it
    ended.release()
    assert spools(folder) == []
    session.close()


def test_a_new_recording_drops_the_spool_of_the_one_it_replaces(model, tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    session = LiveSession(Engine(model), FileSource(sample_audio_path(), realtime=False), spool_folder=folder)
    session.start_recording()
    first = spools(folder)
    session.start_recording()
    assert len(spools(folder)) == 1 and spools(folder) != first
    session.close()
    session.stop_recording()
    assert spools(folder) == []


def test_without_a_spool_folder_the_recording_is_kept_in_memory(model, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the folder should be")
    session = LiveSession(Engine(model), FileSource(sample_audio_path(), realtime=False),
                          spool_folder=blocker / "spool")
    session.start_recording()
    assert session.spool_problem is not None and str(blocker / "spool") in session.spool_problem
    session.start()
    assert session.wait(30)
    session.close()
    np.testing.assert_array_equal(session.stop_recording(), load_audio(sample_audio_path()).samples)


def test_a_spool_this_process_holds_is_left_alone_until_it_is_dropped(tmp_path: Path) -> None:
    folder, recordings = tmp_path / "spool", tmp_path / "recordings"
    spool = RecordingSpool.create(folder, RATE)
    spool.append(np.arange(RATE, dtype=np.int16))
    spool.finish()
    assert recover_spools(folder, default(recordings)).recovered == [] and spools(folder) == [spool.path]
    del spool  # an owner dropped without ending its recording: the lock goes with it, the samples stay
    gc.collect()
    recovery = recover_spools(folder, default(recordings))
    assert len(recovery.recovered) == 1 and spools(folder) == []
    np.testing.assert_array_equal(sf.read(recovery.recovered[0].path, dtype="int16")[0], np.arange(RATE))


def test_recovered_recordings_never_overwrite_and_empty_spools_just_go(tmp_path: Path) -> None:
    folder, recordings = tmp_path / "spool", tmp_path / "recordings"
    started = time.time()
    left_behind(folder, np.full(800, 1, np.int16), started=started)
    left_behind(folder, np.full(1600, 2, np.int16), rate=8000, started=started)  # the same second
    empty = left_behind(folder, np.empty(0, np.int16))
    odd = left_behind(folder, np.full(10, 3, np.int16))
    with odd.open("ab") as handle:
        handle.write(b"\x01")  # killed in the middle of a sample
    recovery = recover_spools(folder, default(recordings))
    assert recovery.left == [] and spools(folder) == [] and not empty.exists()
    found = []
    for recovered in recovery.recovered:
        samples, rate = sf.read(recovered.path, dtype="int16")
        assert np.all(samples == samples[0])
        found.append((int(samples[0]), samples.size, rate, recovered.seconds))
    assert sorted(found) == [(1, 800, RATE, 0.05), (2, 1600, 8000, 0.2), (3, 10, RATE, 10 / RATE)]
    assert len({r.path for r in recovery.recovered}) == 3
    assert recovery.sentence() == (f"Recovered 3 recordings a workbench that stopped unexpectedly left behind, "
                                   f"into {recordings}.")


def test_a_spool_that_cannot_be_saved_stays_for_the_next_start(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    spool = left_behind(folder, np.full(800, 4, np.int16))
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the recordings folder should be")
    recovery = recover_spools(folder, default(blocker / "recordings"))
    assert recovery.recovered == [] and recovery.left == [spool] and spool.exists()
    sentence = recovery.sentence()
    assert sentence is not None and sentence.startswith("1 recording left behind by a workbench")
    assert str(blocker / "recordings") in sentence and str(folder) in sentence
    assert len(recover_spools(folder, default(tmp_path / "recordings")).recovered) == 1 and not spool.exists()


def test_names_say_the_rate_start_and_process(tmp_path: Path) -> None:
    started = time.mktime((2025, 1, 2, 13, 45, 1, 0, 0, -1))
    name = spool_name(RATE, started)
    assert name.startswith(f"recording-20250102-134501-16000hz-{os.getpid()}-") and name.endswith(".pcm")


def test_spools_stay_while_the_chosen_recordings_folder_is_gone_and_go_there_once_it_is_back(tmp_path: Path) -> None:
    """An unmounted drive: the recording is neither made a WAV at the old path (inside the empty mount point) nor
    lost; the sentence says the folder is missing and where the recording waits."""
    folder, mount_point = tmp_path / "spool", tmp_path / "media" / "usb"
    mount_point.mkdir(parents=True)
    spool = left_behind(folder, np.full(800, 5, np.int16))
    chosen = RecordingsFolder.user_chosen(mount_point / "takes")
    recovery = recover_spools(folder, chosen)
    assert recovery.recovered == [] and recovery.left == [spool] and spool.exists()
    assert list(mount_point.iterdir()) == []
    assert recovery.sentence() == (f"1 recording left behind by a workbench that stopped unexpectedly could not be "
                                   f"saved into {chosen.path} (it is missing: moved, or its drive is not mounted): "
                                   f"they stay in {folder} for the next start.")
    chosen.path.mkdir()  # the drive is mounted again
    again = recover_spools(folder, chosen)
    assert [found.path.parent for found in again.recovered] == [chosen.path] and not spool.exists()
