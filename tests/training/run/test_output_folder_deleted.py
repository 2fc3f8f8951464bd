"""A run's output folder deleted (or replaced) while the run goes on: the run stops with one sentence, recreates
nothing at the old path, writes nothing into what is there now, and never says "model written".

The audit's case: ``rm -rf OUT`` from another shell while ``kws train`` evaluated its model on the test split; the
evaluation report's folder was made with its parents, so ``OUT`` came back holding a ``summary.json`` and a model
beside no run at all, and the run said it had written the model. The folder is deleted by the test at a chosen
progress event of a real short run (in process, or a ``kws train`` child as a user runs it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from workbench.child_command import kws_command
from workbench.core.folder_lock import FolderGone, gone_sentence
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
CHILD_LIMIT_S = 600  # a safety net for a hung child, not a timing of the test
THEIRS = "theirs.txt"  # in the folder someone else made at the run's path


class ChangeAt:
    """Runs ``change`` at the first progress event ``matches`` accepts; keeps every event (phase, event)."""

    def __init__(self, matches: Callable[[dict[str, Any]], bool], change: Callable[[], None]) -> None:
        self.matches, self.change = matches, change
        self.changed_at: int | None = None
        self.events: list[tuple[str, str]] = []

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append((str(event.get("phase")), str(event.get("event"))))
        if self.changed_at is None and self.matches(event):
            self.changed_at = len(self.events)
            self.change()

    @property
    def after(self) -> list[tuple[str, str]]:
        """The events that came after the change."""
        assert self.changed_at is not None, "the run never reached the event"
        return self.events[self.changed_at:]


def _request(dataset: Path, out: Path, spec: Path, epochs: int, evaluate: bool) -> TrainRequest:
    return TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), epochs=epochs, workers=1,
                        evaluate=evaluate)


def _test_split_evaluation(event: dict[str, Any]) -> bool:
    return event.get("phase") == "evaluate" and event.get("event") == "start" and \
        "testing clips" in str(event.get("message"))


def test_a_folder_deleted_during_the_evaluation_is_not_made_again_and_the_run_fails(
        speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    deleter = ChangeAt(_test_split_evaluation, lambda: shutil.rmtree(out))
    with pytest.raises(FolderGone) as gone:
        run_training(_request(speech_slice, out, quick_spec, epochs=1, evaluate=True), Progress(deleter),
                     CancelToken())

    assert str(gone.value) == gone_sentence(out)
    assert not out.exists()  # no OUT/eval, no summary.json, no model: nothing made again at the old path
    assert ("write", "start") not in deleter.after and ("done", "end") not in deleter.after


def test_a_folder_replaced_between_epochs_is_left_as_its_new_owner_made_it(
        speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"

    def replace() -> None:  # another folder at the same path: that it exists must not fool the run
        shutil.rmtree(out)
        out.mkdir()
        (out / THEIRS).write_text("someone else's")

    replacer = ChangeAt(lambda e: e.get("phase") == "train" and e.get("event") == "epoch", replace)
    with pytest.raises(FolderGone) as gone:
        run_training(_request(speech_slice, out, quick_spec, epochs=2, evaluate=False), Progress(replacer),
                     CancelToken())

    assert str(gone.value) == gone_sentence(out)
    assert [p.name for p in out.iterdir()] == [THEIRS]  # no log, checkpoint, history or model of the run in it
    assert ("train", "epoch") not in replacer.after  # the second epoch's end never came: it stopped at its write


def test_kws_train_stops_at_the_next_step_with_the_sentence_and_exit_2(speech_slice: Path, quick_spec: Path,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "run"
    child = subprocess.Popen(kws_command("train", "--dataset", str(speech_slice), "--out", str(out), "--spec",
                                         str(quick_spec), "--epochs", "1", "--workers", "1", "--progress", "jsonl"),
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    after: list[dict[str, Any]] = []
    for line in child.stdout:
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if after or event.get("phase") == "convert":  # deleted as the conversion starts: "rm -rf OUT"
            if not after:  # (moved away first: in one step, whatever the child writes just then)
                shutil.rmtree(out.rename(tmp_path / "deleted"))
            after.append(event)
    _out, err = child.communicate(timeout=CHILD_LIMIT_S)

    assert child.returncode == 2, err
    sentence = gone_sentence(out)
    assert err.strip().splitlines()[-1] == f"kws: error: {sentence}", err
    assert "Traceback" not in err
    assert (after[-1]["phase"], after[-1]["message"]) == ("error", sentence), after[-1]  # the GUI's error line
    # stopped between the finishing steps: no threshold chosen, no clip evaluated for a folder that was gone
    assert not [e for e in after if e.get("phase") in ("threshold", "evaluate", "write", "done")], after
    assert not out.exists()
