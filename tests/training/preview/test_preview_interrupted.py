"""A preview stopped while it writes leaves a consistent folder: the samples written so far, each with both its
files, the index and record listing them, and no hidden temporary file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from preview_files import preview_request, read_index

from workbench.training.preview.preview_folder import INDEX_FILE, PREVIEW_DIR, RECORD_FILE
from workbench.training.preview.preview_run import PreviewOutcome, run_preview
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress

COUNT = 12
STOP_AFTER = 3  # samples written when the stop comes


class StopAfter:
    """Progress that stops the preview once ``STOP_AFTER`` samples are written: by the cancel token (Ctrl+C once,
    or SIGTERM) or by raising KeyboardInterrupt (Ctrl+C a second time, or with no token)."""

    def __init__(self, cancel: CancelToken | None) -> None:
        self.cancel = cancel
        self.events: list[dict[str, Any]] = []

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if event.get("event") == "progress" and event.get("done") == STOP_AFTER:
            if self.cancel is None:
                raise KeyboardInterrupt
            self.cancel.set("signal SIGINT")


def _consistent(outcome: PreviewOutcome, count: int) -> list[dict[str, str]]:
    """The index's rows, once the folder holds exactly them, the index and the record (no hidden file)."""
    folder = outcome.folder
    rows = read_index(folder)
    assert len(rows) == count == len(outcome.samples)
    named = {INDEX_FILE, RECORD_FILE} | {row["audio"] for row in rows} | {row["spectrogram"] for row in rows}
    assert sorted(path.name for path in folder.iterdir()) == sorted(named)
    record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
    assert (record["requested"], record["written"], record["interrupted"]) == (COUNT, count, count < COUNT)
    return rows


@pytest.mark.parametrize("with_token", [True, False], ids=["cancel token", "KeyboardInterrupt"])
def test_a_stopped_preview_keeps_and_lists_the_samples_written(speech_slice: Path, quick_spec: Path, tmp_path: Path,
                                                               with_token: bool) -> None:
    cancel = CancelToken() if with_token else None
    sink = StopAfter(cancel)
    outcome = run_preview(preview_request(speech_slice, tmp_path / "out", quick_spec), COUNT, Progress(sink), cancel)
    assert outcome.interrupted and outcome.chosen == COUNT
    _consistent(outcome, STOP_AFTER)
    folder = tmp_path / "out" / PREVIEW_DIR
    assert sink.events[-1] == {"phase": "cancelled", "event": "end", "folder": str(folder),
                               "message": f"interrupted: {STOP_AFTER} of {COUNT} samples written to {folder} "
                                          f"({INDEX_FILE} lists them)"}
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [PREVIEW_DIR]  # no lock file left


def test_a_preview_not_stopped_says_so_in_its_record(speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    cancel = CancelToken()
    outcome = run_preview(preview_request(speech_slice, tmp_path / "out", quick_spec), COUNT, Progress(), cancel)
    assert not outcome.interrupted and not cancel.is_set()
    _consistent(outcome, COUNT)
