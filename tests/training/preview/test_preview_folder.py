"""Where a preview writes: only OUT/augmentation-preview, never into a folder a live run holds; a stopped run's folder
keeps every file of the run, and a previous preview there is replaced, not mixed in."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from preview_files import preview_request, read_index

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from paused_child import PausedChild  # noqa: E402

from workbench.core.errors import WorkbenchError  # noqa: E402
from workbench.core.folder_lock import LOCK_FILE, FolderInUse, in_use_sentence  # noqa: E402
from workbench.run_folder_layout import PLAN_FILE, RUN_FILE, SPEC_FILE  # noqa: E402
from workbench.training.preview.preview_folder import INDEX_FILE, PREVIEW_DIR  # noqa: E402
from workbench.training.preview.preview_run import run_preview  # noqa: E402
from workbench.training.run.progress import Progress  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: folders are not guarded there")

# a real kws train into argv[2], stopped once it has planned (it holds the folder and wrote run.json), no TensorFlow
LIVE_RUN = """
from pathlib import Path
from workbench.training.run.cancel import CancelToken
from workbench.training.run.pipeline import run_training
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

class PauseAtPlan:
    def emit(self, event):
        if event["phase"] == "plan":
            pause()

request = TrainRequest(datasets=(DatasetArg(Path(sys.argv[1])),), out=Path(sys.argv[2]), spec=sys.argv[3], epochs=1,
                       workers=1, evaluate=False)
run_training(request, Progress(PauseAtPlan()), CancelToken())
"""


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` but a lock file (a killed run's is taken over and removed by the next holder)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != LOCK_FILE}


def test_a_folder_a_live_run_holds_is_refused_and_left_as_it_was(speech_slice: Path, quick_spec: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "t3"
    with PausedChild(LIVE_RUN, speech_slice, out, quick_spec) as live:
        before = _files(out)
        assert RUN_FILE in before
        with pytest.raises(FolderInUse) as refused:
            run_preview(preview_request(speech_slice, out, quick_spec), 4, Progress())
        assert str(refused.value) == in_use_sentence(out, live.pid)
        assert _files(out) == before and not (out / PREVIEW_DIR).exists()
        live.kill()


def test_a_stopped_runs_folder_gains_the_preview_folder_and_nothing_else(speech_slice: Path, quick_spec: Path,
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "t3"
    with PausedChild(LIVE_RUN, speech_slice, out, quick_spec) as live:
        live.kill()  # stopped: its run.json, spec and plan stay, its hold is gone
    before = _files(out)
    assert {RUN_FILE, SPEC_FILE, PLAN_FILE} <= set(before)
    run_preview(preview_request(speech_slice, out, quick_spec), 4, Progress())
    after = _files(out)
    assert {name: data for name, data in after.items() if not name.startswith(PREVIEW_DIR + "/")} == before
    assert len(read_index(out / PREVIEW_DIR)) == 4 and not (out / LOCK_FILE).exists()


def test_a_previous_preview_is_replaced_and_other_files_stay(speech_slice: Path, quick_spec: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_preview(preview_request(speech_slice, out, quick_spec), 10, Progress())
    notes = out / PREVIEW_DIR / "notes.txt"
    notes.write_text("what I heard\n")
    run_preview(preview_request(speech_slice, out, quick_spec), 2, Progress())
    rows = read_index(out / PREVIEW_DIR)
    names = {INDEX_FILE, notes.name} | {row["audio"] for row in rows} | {row["spectrogram"] for row in rows}
    assert len(rows) == 2 and {path.name for path in (out / PREVIEW_DIR).iterdir()} == names


def test_an_output_that_is_a_file_is_refused_before_the_scan(quick_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "take.wav"
    out.write_bytes(b"RIFF")
    with pytest.raises(WorkbenchError, match="is a file, not an output folder"):
        run_preview(preview_request(tmp_path / "no such dataset", out, quick_spec), 4, Progress())
    assert out.read_bytes() == b"RIFF"
