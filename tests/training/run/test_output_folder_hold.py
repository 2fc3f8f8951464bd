"""A training run holds its --out for its whole life: a second start of the same command, and --resume, are refused
at once naming the live run's PID, and touch none of its files; once it is killed, the folder is free again.

The live run is a real ``run_training`` in a second process, stopped at a phase of its start (:data:`RUN`), before
it ever imports TensorFlow.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from paused_child import PausedChild  # noqa: E402

from workbench.core.folder_lock import LOCK_FILE, FolderInUse, in_use_sentence  # noqa: E402
from workbench.run_folder_layout import PLAN_FILE, RUN_FILE, SPEC_FILE  # noqa: E402
from workbench.training.run.cancel import CancelToken  # noqa: E402
from workbench.training.run.output_folder import OutputFolder  # noqa: E402
from workbench.training.run.pipeline import run_training  # noqa: E402
from workbench.training.run.progress import Progress  # noqa: E402
from workbench.training.run.run_request import DatasetArg, TrainRequest  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: runs are not guarded there")

# kws train --dataset argv[1] --out argv[2] --spec argv[3] --epochs 1, stopped at the first event of phase argv[4]
RUN = """
from pathlib import Path
from workbench.training.run.cancel import CancelToken
from workbench.training.run.pipeline import run_training
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

class PauseAt:
    def emit(self, event):
        if event["phase"] == sys.argv[4]:
            pause()

request = TrainRequest(datasets=(DatasetArg(Path(sys.argv[1])),), out=Path(sys.argv[2]), spec=sys.argv[3], epochs=1,
                       workers=1, evaluate=False)
run_training(request, Progress(PauseAt()), CancelToken())
"""


def _request(dataset: Path, out: Path, spec: Path, resume: bool = False) -> TrainRequest:
    if resume:
        return TrainRequest(datasets=(), out=out, resume=True)
    return TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), epochs=1, workers=1, evaluate=False)


def _contents(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in (RUN_FILE, SPEC_FILE, PLAN_FILE)}


def test_a_second_start_and_resume_are_refused_while_the_run_lives(speech_slice: Path, quick_spec: Path,
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "t3"
    with PausedChild(RUN, speech_slice, out, quick_spec, "plan") as live:  # its run.json, spec and plan written
        before = _contents(out)
        expected = in_use_sentence(out, live.pid)
        with pytest.raises(FolderInUse) as again:  # not "already holds a training run: continue it with --resume"
            run_training(_request(speech_slice, out, quick_spec), Progress(), CancelToken())
        assert str(again.value) == expected
        with pytest.raises(FolderInUse) as resumed:  # never a second training into the live run's folder
            run_training(_request(speech_slice, out, quick_spec, resume=True), Progress(), CancelToken())
        assert str(resumed.value) == expected
        assert _contents(out) == before  # nothing of the live run rewritten or removed
        live.kill()
    folder = OutputFolder(out, "quick_kws")
    folder.prepare(resume=True)  # the killed run left no lock: --resume may continue it now
    folder.release()
    assert not (out / LOCK_FILE).exists()


def test_resume_is_refused_while_the_run_still_scans(speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "t3"
    with PausedChild(RUN, speech_slice, out, quick_spec, "scan") as live:  # held, no run.json yet
        expected = in_use_sentence(out, live.pid)
        with pytest.raises(FolderInUse) as resumed:  # not "holds no training run to resume"
            run_training(_request(speech_slice, out, quick_spec, resume=True), Progress(), CancelToken())
        assert str(resumed.value) == expected
        with pytest.raises(FolderInUse) as again:
            run_training(_request(speech_slice, out, quick_spec), Progress(), CancelToken())
        assert str(again.value) == expected
        assert not (out / RUN_FILE).exists()  # the refused start wrote nothing
        live.kill()
