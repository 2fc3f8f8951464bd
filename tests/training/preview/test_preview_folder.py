"""Where a preview writes: only OUT/augmentation-preview, never into a folder a live run holds; a stopped run's folder
keeps every file of the run, and a previous preview there is replaced, not mixed in."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from preview_files import preview_request, read_index

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from paused_child import PausedChild  # noqa: E402

from workbench.core.atomic_write import stage_beside  # noqa: E402
from workbench.core.errors import WorkbenchError  # noqa: E402
from workbench.core.folder_lock import LOCK_FILE, FolderInUse, in_use_sentence  # noqa: E402
from workbench.run_folder_layout import PLAN_FILE, RUN_FILE, SPEC_FILE  # noqa: E402
from workbench.training.preview.preview_folder import (INDEX_FILE, PREVIEW_DIR, RECORD_FILE,  # noqa: E402
                                                            PreviewFolder)
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
    names = ({INDEX_FILE, RECORD_FILE, notes.name} | {row["audio"] for row in rows}
             | {row["spectrogram"] for row in rows})
    assert len(rows) == 2 and {path.name for path in (out / PREVIEW_DIR).iterdir()} == names


def test_an_output_that_is_a_file_is_refused_before_the_scan(quick_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "take.wav"
    out.write_bytes(b"RIFF")
    with pytest.raises(WorkbenchError, match="is a file, not an output folder"):
        run_preview(preview_request(tmp_path / "no such dataset", out, quick_spec), 4, Progress())
    assert out.read_bytes() == b"RIFF"


# a write of each argv[2:] into the folder argv[1], staged (its hidden temporary file written) and never finished
STAGING = """
from pathlib import Path
from workbench.core.atomic_write import stage_beside

folder = Path(sys.argv[1])
for name in sys.argv[2:]:
    stage_beside(folder / name, folder, b"half a sample")
pause()
"""


def _temps(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_a_killed_previews_temporary_files_go_with_the_next_preview_and_only_they(speech_slice: Path,
                                                                                 quick_spec: Path,
                                                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = out / PREVIEW_DIR
    folder.mkdir(parents=True)
    with PausedChild(STAGING, folder, "003_yes_0a1b2c3d_nohash_0.png", INDEX_FILE, "notes.txt") as killed:
        killed.kill()  # a preview killed mid-write: its temporaries stay, hidden
    with PausedChild(STAGING, folder, "004_no_0a1b2c3d_nohash_1.wav") as running:
        assert len(_temps(folder)) == 4
        run_preview(preview_request(speech_slice, out, quick_spec), 2, Progress())
        left = _temps(folder)
        assert len(left) == 2 and any(name.startswith(".notes.txt.") for name in left)  # not a preview's file
        assert any(f".{running.pid}." in name for name in left)  # its process lives: its write goes on
        running.kill()
    assert len(read_index(folder)) == 2


def test_a_write_an_interrupt_cut_short_leaves_no_file_behind(tmp_path: Path) -> None:
    folder = PreviewFolder(tmp_path / "out")
    with folder:
        folder.write_bytes("1_yes_a.wav", b"RIFF")
        folder.write_bytes("1_yes_a.png", b"PNG")
        folder.write_bytes("2_no_b.wav", b"RIFF")  # its PNG never written
        staged = Path(stage_beside(folder.path / "2_no_b.png", folder.path, b""))  # as Ctrl+C left it
        folder.keep_only({"1_yes_a.wav", "1_yes_a.png"})
        assert staged.exists()  # (a write of this process could still be under way)
    assert sorted(path.name for path in folder.path.iterdir()) == ["1_yes_a.png", "1_yes_a.wav"]
