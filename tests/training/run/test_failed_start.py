"""A run that fails before its first epoch leaves no run.json: the folder is free for the next attempt."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import WorkbenchError
from workbench.training.run.cancel import CancelToken
from workbench.training.run.output_folder import OutputFolder
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402


def _request(dataset: Path, out: Path, spec: Path, **changes: object) -> TrainRequest:
    base = dict(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), epochs=1, workers=1, evaluate=False)
    base.update(changes)
    return TrainRequest(**base)  # type: ignore[arg-type]


def _free_for_a_new_run(out: Path) -> None:
    assert not out.exists()  # not even the empty folders the failed start made
    assert not (out / "run.json").exists()
    assert not (out / "spec.toml").exists() and not (out / "plan.json").exists()  # nothing of the attempt is left
    OutputFolder(out, "quick_kws").prepare(resume=False)  # does not say "already holds a training run"
    with pytest.raises(WorkbenchError, match="holds no training run to resume"):
        run_training(TrainRequest(datasets=(), out=out, resume=True), Progress(), CancelToken())


def test_a_dataset_without_clips_leaves_no_run(tmp_path: Path, quick_spec: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "run"
    with pytest.raises(WorkbenchError, match="No clips found"):
        run_training(_request(empty, out, quick_spec), Progress(), CancelToken())
    _free_for_a_new_run(out)


def test_a_failure_before_the_first_epoch_forgets_the_run(speech_slice: Path, tmp_path: Path,
                                                          quick_spec: Path) -> None:
    out = tmp_path / "run"
    with pytest.raises(WorkbenchError, match="model to start from not found"):
        run_training(_request(speech_slice, out, quick_spec, init_from=str(tmp_path / "missing.tflite")),
                     Progress(), CancelToken())
    _free_for_a_new_run(out)


def test_a_failed_run_keeps_the_spec_file_it_was_started_with(speech_slice: Path, tmp_path: Path,
                                                              quick_spec: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    spec = out / "spec.toml"  # the user's spec, kept in the folder the run writes into
    spec.write_text(quick_spec.read_text())
    with pytest.raises(WorkbenchError, match="model to start from not found"):
        run_training(_request(speech_slice, out, spec, init_from=str(tmp_path / "missing.tflite")),
                     Progress(), CancelToken())
    assert spec.is_file() and not (out / "run.json").exists() and not (out / "plan.json").exists()
    assert sorted(p.name for p in out.iterdir()) == ["spec.toml"]  # the folder was there: only train/ goes


@pytest.mark.parametrize("setting", ["data.max_clips_per_word=1", "data.keywords=[\"yes\", \"maybe\"]"])
def test_a_start_refused_by_the_plan_leaves_no_folder_and_keeps_one_that_was_there(
        speech_slice: Path, tmp_path: Path, quick_spec: Path, setting: str) -> None:
    from workbench.training.spec.setting_paths import parse_assignment

    nested = tmp_path / "new" / "run"
    kept = tmp_path / "kept"
    (kept / "train").mkdir(parents=True)
    for out in (nested, kept):
        with pytest.raises(WorkbenchError, match="has no samples of"):
            run_training(_request(speech_slice, out, quick_spec, settings=(parse_assignment(setting),)),
                         Progress(), CancelToken())
    assert not (tmp_path / "new").exists()  # every folder the start made, parents too
    assert (kept / "train").is_dir()  # never what was there before
