"""A model trained for other keywords than its spec's is named after them, in every file and name the run writes.

Why: ``kws train --spec tflite_micro_speech --keywords go,stop`` wrote ``tflite_micro_speech.tflite`` named
``tflite_micro_speech`` -- the bundled MLTK yes/no model's name -- so the window showed two models under one name.
Real ``kws train`` runs on the training tests' slice and quick spec (whose own keywords are yes and no).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import h5py
import pytest

from workbench.child_command import STOP_FILE_NAME
from workbench.cli.main import main
from workbench.cli.measure.run_validation import run_folder_of
from workbench.core.model.model_file import load_model
from workbench.gui.training.run_folder_state import RunKind, inspect_run_folder
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest
from workbench.training.spec import load_spec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training_data import QUICK_SPEC  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402

SPEC_NAME = "quick_kws"  # QUICK_SPEC's name
OTHER_NAME = "quick_kws_go_left"
MODEL_FILES = (".tflite", ".float32.tflite", ".keras", ".h5", ".mltk.zip")


def _train(dataset: Path, spec: Path, out: Path, *options: str) -> None:
    assert main(["train", "--spec", str(spec), "--dataset", str(dataset), "--out", str(out), "--epochs", "1",
                 "--workers", "1", "--no-evaluate", "--mltk-zip", "--progress", "none", *options]) == 0


def _keras_name(h5: Path) -> str:
    with h5py.File(h5, "r") as file:
        return str(json.loads(file.attrs["model_config"])["config"]["name"])


def _assert_named(out: Path, name: str, keras_name: str | None = None) -> None:
    """Every file and stored name of the finished run in ``out`` is ``name`` (the Keras model's: ``keras_name``
    when given), and its readers find the model."""
    assert sorted(p.name for p in out.iterdir() if p.is_file() and p.name.startswith("quick")) == \
        sorted(f"{name}{suffix}" for suffix in MODEL_FILES)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["name"] == name and summary["model"] == f"{name}.tflite"
    for suffix in (".tflite", ".float32.tflite", ".mltk.zip"):  # SL_PARAMSv1's name, which the window shows
        assert load_model(out / f"{name}{suffix}").name == name, suffix
    assert _keras_name(out / f"{name}.h5") == (keras_name or name)
    with zipfile.ZipFile(out / f"{name}.mltk.zip") as archive:
        assert {f"{name}.tflite", f"{name}.h5"} <= set(archive.namelist())
    state = inspect_run_folder(out)  # the Training workspace's reading of the folder
    assert state.kind is RunKind.FINISHED and state.model_path == out / f"{name}.tflite"
    assert run_folder_of(out / f"{name}.tflite") == out  # kws evaluate --split validation finds the run


def test_other_keywords_name_the_model_and_every_file_after_them(speech_slice: Path, quick_spec: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "run"
    _train(speech_slice, quick_spec, out, "--keywords", "go,left")
    _assert_named(out, OTHER_NAME)
    assert load_model(out / f"{OTHER_NAME}.tflite").classes[:2] == ("go", "left")
    # the run's spec.toml holds the name: training it again (its header's command) gives the same one
    assert load_spec(out / "spec.toml").name == OTHER_NAME
    again = tmp_path / "again"
    _train(speech_slice, out / "spec.toml", again)
    _assert_named(again, OTHER_NAME)


@pytest.mark.parametrize("options", [(), ("--keywords", "yes,no")], ids=["no keywords", "the spec's own"])
def test_the_specs_own_keywords_keep_its_name(speech_slice: Path, quick_spec: Path, tmp_path: Path,
                                               options: tuple[str, ...]) -> None:
    _train(speech_slice, quick_spec, tmp_path / "run", *options)
    _assert_named(tmp_path / "run", SPEC_NAME)


def test_keywords_set_with_set_are_named_as_with_keywords(speech_slice: Path, quick_spec: Path,
                                                          tmp_path: Path) -> None:
    _train(speech_slice, quick_spec, tmp_path / "run", "--set", 'data.keywords=["go", "left"]')
    _assert_named(tmp_path / "run", OTHER_NAME)


class StopInSecondEpoch:
    """Creates the run's stop file in its second epoch (as the window's Cancel does): one epoch is saved."""

    def __init__(self, stop_file: Path) -> None:
        self.stop_file = stop_file

    def emit(self, event: dict[str, Any]) -> None:
        if event["event"] == "batch" and event["epoch"] == 2:
            self.stop_file.touch()


def _stopped_run(dataset: Path, spec: Path, out: Path) -> None:
    request = TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), keywords=("go", "left"),
                           epochs=2, workers=1, evaluate=False)
    assert run_training(request, Progress(StopInSecondEpoch(out / STOP_FILE_NAME)),
                        CancelToken(out / STOP_FILE_NAME)).status == "cancelled"
    (out / STOP_FILE_NAME).unlink()


def _resumed(out: Path) -> None:
    request = TrainRequest(datasets=(), out=out, resume=True, epochs=0, mltk_zip=True)  # finish now
    assert run_training(request, Progress(), CancelToken()).status == "done"


def test_a_resumed_run_keeps_the_name_it_started_with(speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    _stopped_run(speech_slice, quick_spec, out)
    _resumed(out)
    _assert_named(out, OTHER_NAME)


def test_a_run_made_before_keyword_names_resumes_under_its_old_name(speech_slice: Path, quick_spec: Path,
                                                                    tmp_path: Path) -> None:
    """A stopped run of an earlier version: its spec.toml names the model after the spec alone, with the other
    keywords. Resumed, it keeps that name (its files and the window's record of it stay as they were). (Its
    checkpoints, saved before the name was put back, keep their Keras model's name.)"""
    out = tmp_path / "run"
    _stopped_run(speech_slice, quick_spec, out)
    spec_file = out / "spec.toml"
    spec_file.write_text(spec_file.read_text().replace(f'name = "{OTHER_NAME}"', f'name = "{SPEC_NAME}"'))
    assert load_spec(spec_file).name == SPEC_NAME and load_spec(spec_file).data.keywords == ("go", "left")
    _resumed(out)
    _assert_named(out, SPEC_NAME, keras_name=OTHER_NAME)

