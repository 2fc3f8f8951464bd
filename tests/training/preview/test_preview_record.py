"""A preview records what it is of (preview.json), and says so in one line when OUT holds a run of another spec or of
other datasets -- so that a preview written beside a finished run is not taken for that run's own."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from preview_files import preview_request, read_index

from workbench.run_folder_layout import RUN_FILE, SPEC_FILE
from workbench.training.preview.preview_folder import PREVIEW_DIR, RECORD_FILE
from workbench.training.preview.preview_run import run_preview
from workbench.training.run.pipeline import resolve_spec
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest, dumps, repeat_header
from workbench.training.spec.setting_paths import parse_assignment

SHIPPED_SPEC = "default"  # a shipped spec other than the quick one: its name is kws_yes_no
SHIPPED_NAME = "kws_yes_no"
COUNT = 4
RECENT = timedelta(minutes=10)


class Events:
    """Every progress event, kept."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def warnings(self) -> list[str]:
        return [event["message"] for event in self.events if event.get("warning")]


def _write_run(request: TrainRequest) -> dict[str, bytes]:
    """``request.out`` holding the run of ``request`` as a run writes it (spec.toml, run.json); its files."""
    request.out.mkdir(parents=True)
    spec_path = request.out / SPEC_FILE
    spec_path.write_text(repeat_header(request, spec_path) + resolve_spec(request).to_toml(), encoding="utf-8")
    (request.out / RUN_FILE).write_text(dumps(request), encoding="utf-8")
    return {path.name: path.read_bytes() for path in request.out.iterdir()}


def _preview_beside(request: TrainRequest) -> list[str]:
    """The warnings of a preview of ``request``; the run's files in its folder left as they were."""
    before = {path.name: path.read_bytes() for path in request.out.iterdir()}
    events = Events()
    run_preview(request, COUNT, Progress(events))
    assert {path.name: path.read_bytes() for path in request.out.iterdir() if path.name != PREVIEW_DIR} == before
    return events.warnings()


def test_the_record_names_spec_settings_datasets_keywords_seed_and_counts(speech_slice: Path, quick_spec: Path,
                                                                          tmp_path: Path) -> None:
    request = TrainRequest(datasets=(DatasetArg(speech_slice, 2.0),), out=tmp_path / "out", spec=str(quick_spec),
                           settings=(parse_assignment("augmentation.mask_share=0.5"),), keywords=("yes", "no", "go"),
                           seed=11)
    run_preview(request, COUNT, Progress())
    folder = request.out / PREVIEW_DIR
    record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
    when = datetime.fromisoformat(record.pop("date"))
    assert abs(datetime.now().astimezone() - when) < RECENT
    assert record == {"spec": "quick_kws_yes_no_go", "spec_file": str(quick_spec.resolve()),  # named as its run
                      "settings": {"augmentation.mask_share": 0.5},
                      "datasets": [{"path": str(speech_slice.resolve()), "weight": 2.0}],
                      "keywords": ["yes", "no", "go"], "seed": 11, "requested": COUNT, "chosen": COUNT,
                      "written": COUNT, "interrupted": False}
    assert len(read_index(folder)) == COUNT


def test_a_run_of_another_spec_on_other_datasets_is_said_in_one_line(speech_slice: Path, quick_spec: Path,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "finished"
    _write_run(TrainRequest(datasets=(DatasetArg(tmp_path / "other data"),), out=out, spec=SHIPPED_SPEC))
    request = TrainRequest(datasets=(DatasetArg(speech_slice, 2.0),), out=out, spec=str(quick_spec))
    assert _preview_beside(request) == [f"{out} holds a run of spec {SHIPPED_NAME} on other datasets: this preview "
                                        f"is of quick_kws on {speech_slice}:2, written beside it"]


@pytest.mark.parametrize("settings, weight, line", [
    ((), 1.0, None),  # the run's own spec and datasets: nothing to say
    ((), 3.0, "{out} holds a run of spec quick_kws on other datasets: this preview is of quick_kws on {data}:3, "
              "written beside it"),
    (("augmentation.mask_share=0.5",), 1.0, "{out} holds a run of spec quick_kws with other settings: this preview is "
                                            "of quick_kws (--set augmentation.mask_share=0.5) on {data}, written "
                                            "beside it"),
])
def test_a_run_of_the_same_spec_is_said_only_where_settings_or_datasets_differ(
        speech_slice: Path, quick_spec: Path, tmp_path: Path, settings: tuple[str, ...], weight: float,
        line: str | None) -> None:
    out = tmp_path / "run"
    _write_run(preview_request(speech_slice, out, quick_spec))
    preview = preview_request(speech_slice, out, quick_spec, *settings)
    said = _preview_beside(TrainRequest(datasets=(DatasetArg(speech_slice, weight),), out=out, spec=preview.spec,
                                        settings=preview.settings))
    assert said == ([] if line is None else [line.format(out=out, data=speech_slice)])


def test_the_stopped_runs_own_spec_file_previews_as_that_run(speech_slice: Path, quick_spec: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "run"
    _write_run(preview_request(speech_slice, out, quick_spec, "augmentation.mask_share=0.5"))
    assert _preview_beside(preview_request(speech_slice, out, out / SPEC_FILE)) == []  # as the docs advise
