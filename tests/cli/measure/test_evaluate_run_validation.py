"""``kws evaluate RUN/MODEL --split validation``: a run that re-split its data by speaker is scored on its own
validation clips -- the figures its summary.json holds -- not on the dataset's split; datasets that do not give
those clips are said to be scored on their own split, and why."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
from training_data import QUICK_SPEC, copy_slice  # noqa: E402

from workbench.cli.main import main  # noqa: E402
from workbench.evaluation.clip_predictions import clips_of_predictions  # noqa: E402
from workbench.run_folder_layout import PLAN_FILE, PLAN_VALIDATION_KEY, SUMMARY_FILE  # noqa: E402
from workbench.training.data.sample_plan import clips_digest  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

MODEL = "quick_kws.tflite"  # the quick spec's model in its run folder
RUN_FILES = (MODEL, "spec.toml", "run.json", PLAN_FILE, SUMMARY_FILE)  # what a copied run folder needs here


@pytest.fixture(scope="module")
def run(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(dataset, run folder): one epoch of the quick spec, which re-splits the non-test clips by speaker."""
    root = tmp_path_factory.mktemp("run_validation")
    dataset = copy_slice(shared_dir / "datasets" / "speech_commands", root / "data")
    spec = root / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=1))
    out = root / "run"
    assert main(["train", "--spec", str(spec), "--dataset", str(dataset), "--out", str(out), "--workers", "2",
                 "--progress", "none"]) == 0
    return dataset, out


def evaluate(capsys: pytest.CaptureFixture[str], model: Path, dataset: Path, *options: str) -> tuple[dict[str, Any],
                                                                                                    str]:
    """kws evaluate's JSON document and what it said on stderr."""
    assert main(["evaluate", str(model), "--dataset", str(dataset), "--format", "json", "--workers", "1",
                 "--progress", "none", *options]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def own_split_clips(capsys: pytest.CaptureFixture[str], dataset: Path, split: str) -> int:
    """How many clips the dataset's own split has: what kws evaluate scores for a model of no run."""
    document, _ = evaluate(capsys, Path("tflite_micro_speech"), dataset, "--split", split)
    return int(document["workbench"]["clips"])


def copy_run(run_folder: Path, to: Path) -> Path:
    to.mkdir()
    for name in RUN_FILES:
        shutil.copy(run_folder / name, to / name)
    return to


def test_the_validation_split_of_a_runs_model_is_the_runs_own(capsys, run: tuple[Path, Path],
                                                              tmp_path: Path) -> None:
    dataset, out = run
    figures = json.loads((out / SUMMARY_FILE).read_text())["validation_evaluation"]
    document, err = evaluate(capsys, out / MODEL, dataset, "--split", "validation", "--out", str(tmp_path / "eval"),
                             "--no-plots")
    assert "warning" not in err  # (only where the report went)
    assert document["workbench"]["clips"] == figures["clips"] != own_split_clips(capsys, dataset, "validation")
    assert document["balanced_accuracy"] == pytest.approx(figures["balanced_accuracy"], abs=1e-12)
    assert dict(zip(document["classes"], document["class_accuracies"])) == pytest.approx(figures["class_accuracies"])
    assert document["workbench"]["evaluated"].startswith(f"the validation clips of the training run in {out}, from ")
    assert "validation_resplit_percent 25" in document["workbench"]["evaluated"]
    scored = clips_of_predictions(tmp_path / "eval" / "predictions.csv")  # the very clips the run recorded
    assert json.loads((out / PLAN_FILE).read_text())[PLAN_VALIDATION_KEY] == {"count": figures["clips"],
                                                                              "sha256": clips_digest(scored)}


def test_the_default_test_split_stays_the_datasets(capsys, run: tuple[Path, Path]) -> None:
    dataset, out = run
    document, err = evaluate(capsys, out / MODEL, dataset)
    assert err == "" and document["workbench"]["evaluated"].startswith(f"the test split of {dataset}")
    assert document["workbench"]["clips"] == own_split_clips(capsys, dataset, "test")
    assert document["workbench"]["clips"] == json.loads((out / SUMMARY_FILE).read_text())["evaluation"]["clips"]


def test_a_moved_copy_of_the_datasets_gives_the_same_clips_and_a_changed_one_is_said(capsys, run: tuple[Path, Path],
                                                                                     tmp_path: Path) -> None:
    dataset, out = run
    moved = Path(shutil.copytree(dataset, tmp_path / "moved"))
    document, err = evaluate(capsys, out / MODEL, moved, "--split", "validation", "--out", str(tmp_path / "eval"),
                             "--no-plots")
    run_clips = json.loads((out / SUMMARY_FILE).read_text())["validation_evaluation"]["clips"]
    assert "warning" not in err and document["workbench"]["clips"] == run_clips
    validated = clips_of_predictions(tmp_path / "eval" / "predictions.csv")[0].path
    validated.unlink()  # one of the run's validation clips gone: the datasets changed since it trained
    document, err = evaluate(capsys, out / MODEL, moved, "--split", "validation")
    assert document["workbench"]["clips"] == own_split_clips(capsys, moved, "validation")
    assert err.startswith(f"kws: warning: the model is of the training run in {out}, and these datasets do not give "
                          f"the clips it validated on ({run_clips} clips; the non-test clips re-split by speaker, "
                          "validation_resplit_percent 25): they are not its datasets, or those changed since it "
                          "trained; this scores their own validation split, which may hold clips the run trained on")
    assert err.count("\n") == 1


def test_a_run_from_before_the_digest_is_checked_by_its_counts_and_a_damaged_plan_is_said(
        capsys, run: tuple[Path, Path], tmp_path: Path) -> None:
    dataset, out = run
    older = copy_run(out, tmp_path / "older")
    record = json.loads((older / PLAN_FILE).read_text())
    del record[PLAN_VALIDATION_KEY]
    (older / PLAN_FILE).write_text(json.dumps(record))
    document, err = evaluate(capsys, older / MODEL, dataset, "--split", "validation")
    run_clips = json.loads((out / SUMMARY_FILE).read_text())["validation_evaluation"]["clips"]
    assert err == "" and document["workbench"]["clips"] == run_clips
    (older / PLAN_FILE).write_text('{"samples": ')  # cut short
    document, err = evaluate(capsys, older / MODEL, dataset, "--split", "validation")
    assert document["workbench"]["clips"] == own_split_clips(capsys, dataset, "validation")
    assert err.startswith(f"kws: warning: the model is of the training run in {older}, but which clips it validated "
                          f"on is not known (cannot read {older / PLAN_FILE}: ")
    assert err.rstrip().endswith("this scores the datasets' own validation split, which may hold clips the run "
                                 "trained on") and err.count("\n") == 1
