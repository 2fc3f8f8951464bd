"""A sweep holds its output folder from the preflight on: a second sweep into it, started while the first lives, is
refused at once with the first's PID (it used to pass the preflight, as no trial had started yet, and both
"succeeded" into one folder).

The live sweep is a real :class:`SweepRun` in a second process, stopped at its first message. Its dataset holds
no clips, so that neither sweep could get as far as Ray: the refusal must come before anything is checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paused_child import PausedChild  # noqa: E402

from workbench.core.errors import WorkbenchError  # noqa: E402
from workbench.core.folder_lock import LOCK_FILE, FolderInUse, in_use_sentence  # noqa: E402
from workbench.sweeps.definition.sweep_file import load_sweep  # noqa: E402
from workbench.sweeps.sweep_preflight import SWEEP_COPY  # noqa: E402
from workbench.sweeps.sweep_run import SweepOptions, SweepRun  # noqa: E402

from sweep_data import sweep_text, write_sweep  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: sweeps are not guarded there")

# kws sweep argv[1] --out argv[2], stopped at its first event
SWEEP = """
from pathlib import Path
from workbench.sweeps.definition.sweep_file import load_sweep
from workbench.sweeps.sweep_run import SweepOptions, SweepRun
SweepRun(load_sweep(Path(sys.argv[1])), SweepOptions(out=Path(sys.argv[2])), emit=pause).run()
"""


def test_a_second_sweep_into_a_live_sweeps_folder_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "project" / "data" / "yes").mkdir(parents=True)
    source = write_sweep(tmp_path / "project", sweep_text(Path("data")))
    out = tmp_path / "sw1"
    with PausedChild(SWEEP, source, out) as live:
        copy = (out / SWEEP_COPY).read_bytes()
        with pytest.raises(FolderInUse) as refused:
            SweepRun(load_sweep(source), SweepOptions(out=out)).run()
        assert str(refused.value) == in_use_sentence(out.resolve(), live.pid)
        assert (out / SWEEP_COPY).read_bytes() == copy
        live.kill()
    events: list[dict[str, object]] = []
    with pytest.raises(WorkbenchError, match="No clips found"):  # free once the first is gone: its own error now
        SweepRun(load_sweep(source), SweepOptions(out=out), emit=events.append).run()
    assert events and not (out / LOCK_FILE).exists()
