"""The sweep's output folder: its copy of the sweep file repeats the sweep from any folder, and a folder that
cannot be made gets the sentence kws train gives for one."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from workbench.core.errors import WorkbenchError
from workbench.sweeps.definition.sweep_file import SweepFile, load_sweep
from workbench.sweeps.sweep_preflight import SWEEP_COPY, prepare_out_folder
from workbench.training.run.output_folder import OutputFolder

from sweep_data import sweep_text, write_sweep

SPEC_TEXT = 'extends = "tflite_micro_speech"\nname = "mine"\n'
# every setting of a sweep but where it was read from
SETTINGS = [f.name for f in dataclasses.fields(SweepFile) if f.name not in ("source", "table")]


def _settings(sweep: SweepFile) -> dict[str, object]:
    return {name: getattr(sweep, name) for name in SETTINGS}


def _sweep_with_relative_paths(folder: Path) -> Path:
    """A sweep file in ``folder`` naming a dataset twice (once weighted) and a spec file relative to it, no name."""
    (folder / "data" / "yes").mkdir(parents=True)
    (folder / "specs").mkdir()
    (folder / "specs" / "mine.toml").write_text(SPEC_TEXT, encoding="utf-8")
    text = sweep_text(Path("data")).replace('name = "test_sweep"\n', "").replace(
        "datasets = ['data']", 'datasets = ["data:2.5", "./data"]  # a comment').replace(
        'specs = ["tflite_micro_speech"]', 'specs = ["tflite_micro_speech", "specs/mine.toml"]')
    return write_sweep(folder, text, name="my_search.toml")


def test_the_copy_names_the_same_datasets_and_specs_from_any_folder(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = _sweep_with_relative_paths(tmp_path / "project")
    sweep = load_sweep(source)
    out = tmp_path / "runs" / "out"
    prepare_out_folder(out, sweep)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    copy = load_sweep(Path("..") / "runs" / "out" / SWEEP_COPY)
    assert copy.source == (out / SWEEP_COPY).resolve()
    assert [(d.folder, d.weight) for d in copy.datasets] == [(source.parent / "data", 2.5),
                                                              (source.parent / "data", 1.0)]
    assert copy.specs == ("tflite_micro_speech", str(source.parent / "specs" / "mine.toml"))
    assert copy.name == "my_search"  # the original's name (its file's stem), not the copy's "sweep"
    assert _settings(copy) == _settings(sweep)
    text = (out / SWEEP_COPY).read_text(encoding="utf-8")
    assert text.startswith("# ") and str(source) in text.splitlines()[0]  # the header names the original
    assert [p.name for p in out.iterdir()] == [SWEEP_COPY]  # written atomically: no temporary file left


def test_a_folder_whose_name_reads_as_a_weight_keeps_its_name_in_the_copy(tmp_path: Path) -> None:
    (tmp_path / "takes:2" / "yes").mkdir(parents=True)  # "takes:2" alone would mean folder "takes", weight 2
    text = sweep_text(Path("x")).replace("datasets = ['x']", 'datasets = ["takes:2:1"]')
    sweep = load_sweep(write_sweep(tmp_path, text))
    prepare_out_folder(tmp_path / "out", sweep)
    copy = load_sweep(tmp_path / "out" / SWEEP_COPY)
    assert [(d.folder, d.weight) for d in copy.datasets] == [((tmp_path / "takes:2").resolve(), 1.0)]
    datasets = tomllib.loads((tmp_path / "out" / SWEEP_COPY).read_text(encoding="utf-8"))["datasets"]
    assert datasets == [f"{(tmp_path / 'takes:2').resolve()}:1.0"]


def test_a_sweep_and_a_training_run_say_the_same_of_a_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "project" / "data" / "yes").mkdir(parents=True)
    sweep = load_sweep(write_sweep(tmp_path / "project", sweep_text(Path("data"))))
    (tmp_path / "a_file").write_text("not a folder")
    out = tmp_path / "a_file" / "out"
    expected = f"Cannot create the output folder {out}: a file is in the way (that name, or one above it, is a file)."
    with pytest.raises(WorkbenchError) as swept:
        prepare_out_folder(out, sweep)
    with pytest.raises(WorkbenchError) as trained:
        OutputFolder(out, "m").prepare(resume=False)
    assert str(swept.value) == str(trained.value) == expected
