"""Two workbenches starting at once, each recovering a recording left behind in the same second: both recordings
survive, under two names (both used to pick the same free ``recovered-<time>.wav``, and one was lost).

The first is a real :func:`recover_spools` in a second process, stopped with its WAV written whole, just as it puts
it under a name; while it is stopped the second runs, in a third process, to its end, and takes that name.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from paused_child import PAUSING_AT_FIRST_NAMING, PausedChild, running_child  # noqa: E402

from workbench.core.recording.recording_spool import RECOVERED_PREFIX, spool_name  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows leaves spools of dead processes alone")

RATE = 16000
WAIT_LIMIT_S = 60  # the second start-up never waits for the first: only a hang would reach this
# a start-up recovering the spools of argv[1] into argv[2]; with argv[3] "pause", stopped once, as it first puts a
# file under a name
RECOVERING = PAUSING_AT_FIRST_NAMING + """
from pathlib import Path
from workbench.core.recording import recording_spool
from workbench.core.recording.recordings_folder import RecordingsFolder

if sys.argv[3:] == ["pause"]:
    pause_at_first_naming()
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
    with PausedChild(RECOVERING, spools, recordings, "pause") as first:  # took the first spool, about to name its WAV
        with running_child(RECOVERING, spools, recordings) as second:  # takes the other spool: the first one's is held
            try:
                _, errors = second.communicate(timeout=WAIT_LIMIT_S)
            except subprocess.TimeoutExpired:
                pytest.fail("the second start-up waited for the first one, stopped before naming its recording")
            assert second.returncode == 0, errors
        first.resume()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
    found = {path.name: int(sf.read(path, dtype="int16")[0][0]) for path in recordings.iterdir()}
    assert found == {f"{RECOVERED_PREFIX}{stamp}.wav": 2, f"{RECOVERED_PREFIX}{stamp}-2.wav": 1}
    assert list(spools.iterdir()) == []
