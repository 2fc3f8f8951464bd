"""Two workbenches starting at once, each recovering a recording left behind in the same second: both recordings
survive, under two names (both used to pick the same free ``recovered-<time>.wav``, and one was lost).

The first is a real :func:`recover_spools` in a second process, stopped once it chose its name and before it
wrote it; while it is stopped, a writer of the recordings folder must wait; the second runs in a third.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from paused_child import PausedChild, another_writer_must_wait, finish_child, running_child  # noqa: E402

from workbench.core.audio.recording_spool import RECOVERED_PREFIX, spool_name  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows leaves spools of dead processes alone")

RATE = 16000
# a start-up recovering the spools of argv[1] into argv[2]; with argv[3] "pause", stopped before it writes a WAV
RECOVERING = """
from pathlib import Path
from workbench.core.audio import recording_spool
from workbench.core.audio.recordings_folder import RecordingsFolder

saved = recording_spool.save_wav

def pause_then_save(*args):
    pause()
    return saved(*args)

if sys.argv[3:] == ["pause"]:
    recording_spool.save_wav = pause_then_save
recording_spool.recover_spools(Path(sys.argv[1]), RecordingsFolder.workbench_default(Path(sys.argv[2])))
"""


def _left_behind(folder: Path, value: int, started: float) -> None:
    """A spool no process holds, as a workbench that died leaves it (this process's ID in its name is no holder)."""
    name = re.sub(r"[0-9a-f]+\.pcm$", f"{value:06x}.pcm", spool_name(RATE, started))  # in a known order
    (folder / name).write_bytes(np.full(RATE // 10, value, "<i2").tobytes())


def test_two_start_ups_recovering_at_once_keep_both_recordings(tmp_path: Path) -> None:
    spools, recordings = tmp_path / "spool", tmp_path / "recordings"
    spools.mkdir()
    recordings.mkdir()
    started = time.time()
    for value in (1, 2):
        _left_behind(spools, value, started)
    with PausedChild(RECOVERING, spools, recordings, "pause") as first:  # took the first spool, chose its name
        assert another_writer_must_wait(recordings)
        with running_child(RECOVERING, spools, recordings) as second:  # takes the other spool: the first one's is held
            first.resume()
            finish_child(second)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
    found = {path.name: int(sf.read(path, dtype="int16")[0][0]) for path in recordings.iterdir()}
    assert found == {f"{RECOVERED_PREFIX}{stamp}.wav": 1, f"{RECOVERED_PREFIX}{stamp}-2.wav": 2}
    assert list(spools.iterdir()) == []
