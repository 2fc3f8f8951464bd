"""`kws calibrate` warns when the stream was split otherwise than the model's run split its dataset: real streams
made by `kws stream make` from a small real dataset, the bundled model copied into a folder with a `spec.toml`
written beside it as `kws train` writes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bundled_model_paths import yes_no_model_path
from tests.calibration.conftest import small_dataset, speech_commands  # noqa: F401  (fixtures)
from workbench.cli.main import main
from workbench.calibration.streams.labels import load_labels
from workbench.cli.measure.stream_split_check import split_mismatch
from workbench.training.spec.model_spec import load_spec

GRID = ("--thresholds", "150,200", "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1")
WARNING = "kws: warning: kws_yes_no: "
TESTING_30 = (f"{WARNING}the stream was split with testing 30 %, the model's run (spec.toml beside it) with "
              "testing 10 %: the stream may hold clips the model trained on; make it with kws stream make "
              "--testing-percent 10 --validation-percent 15 --split-method hash\n")


def make_stream(capsys, dataset: Path, wav: Path, *options: str) -> Path:  # type: ignore[no-untyped-def]
    assert main(["stream", "make", "--dataset", str(dataset), "--out", str(wav), "--keywords", "yes,no",
                 "--minutes", "0.5", "--progress", "none", *options]) == 0
    capsys.readouterr()
    return wav


@pytest.fixture(scope="module")
def run_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled model in a run folder whose spec.toml split with the training defaults (15 %, 10 %, hash)."""
    folder = tmp_path_factory.mktemp("run")
    model = Path(shutil.copy(yes_no_model_path(), folder / "kws_yes_no.tflite"))
    (folder / "spec.toml").write_text(load_spec("tflite_micro_speech").to_toml(), encoding="utf-8")
    return model


def calibrate(capsys, stream: Path, model: Path, *options: str) -> str:  # type: ignore[no-untyped-def]
    assert main(["calibrate", "--stream", str(stream), "--model", str(model), *GRID, *options]) == 0
    return capsys.readouterr().err


def test_a_stream_split_with_other_percentages_is_warned_of_once(capsys, small_dataset: Path,  # noqa: F811
                                                                 run_model: Path, tmp_path: Path) -> None:
    stream = make_stream(capsys, small_dataset, tmp_path / "testing30.wav", "--testing-percent", "30")
    assert calibrate(capsys, stream, run_model, "--progress", "none") == TESTING_30
    messages = [json.loads(line) for line in calibrate(capsys, stream, run_model, "--progress", "jsonl").splitlines()]
    assert [m["message"] for m in messages if "message" in m] == [TESTING_30.removeprefix("kws: ").rstrip("\n")]


def test_every_difference_is_named_and_the_fix_is_the_runs_options(capsys, small_dataset: Path,  # noqa: F811
                                                                   run_model: Path, tmp_path: Path) -> None:
    stream = make_stream(capsys, small_dataset, tmp_path / "other.wav", "--validation-percent", "20",
                         "--testing-percent", "30", "--split-method", "stratified")
    assert calibrate(capsys, stream, run_model, "--progress", "none") == (
        f"{WARNING}the stream was split with validation 20 %, testing 30 % and the stratified method, the model's "
        "run (spec.toml beside it) with validation 15 %, testing 10 % and the hash method: the stream may hold clips "
        "the model trained on; make it with kws stream make --testing-percent 10 --validation-percent 15 "
        "--split-method hash\n")


def test_nothing_is_said_when_the_splits_agree_or_either_is_unknown(capsys, small_dataset: Path,  # noqa: F811
                                                                    run_model: Path, tmp_path: Path) -> None:
    same = make_stream(capsys, small_dataset, tmp_path / "same.wav")  # the defaults: the run's split
    assert calibrate(capsys, same, run_model, "--progress", "none") == ""
    other = make_stream(capsys, small_dataset, tmp_path / "testing30.wav", "--testing-percent", "30")
    assert calibrate(capsys, other, yes_no_model_path(), "--progress", "none") == ""  # no spec.toml beside it
    document = json.loads(other.with_suffix(".json").read_text(encoding="utf-8"))
    del document["stream"]["testing_percent"]  # labels of a stream made before the split was recorded
    other.with_suffix(".json").write_text(json.dumps(document), encoding="utf-8")
    assert calibrate(capsys, other, run_model, "--progress", "none") == ""
    assert calibrate(capsys, other, run_model, "--labels", str(other.with_suffix(".csv")), "--progress", "none") == ""


def test_streams_of_every_clip_or_listed_splits_and_unloadable_specs_are_no_mismatch(
        capsys, small_dataset: Path, run_model: Path, tmp_path: Path) -> None:  # noqa: F811
    every = make_stream(capsys, small_dataset, tmp_path / "all.wav", "--split", "all", "--testing-percent", "30")
    assert split_mismatch(load_labels(every.with_suffix(".json")), run_model) == ""  # no split chose its clips
    listed = Path(shutil.copytree(small_dataset, tmp_path / "listed"))
    for name, words in (("testing_list.txt", ("yes", "no", "cat")), ("validation_list.txt", ("up",))):  # they decide
        (listed / name).write_text("\n".join(f"{clip.parent.name}/{clip.name}" for word in words
                                             for clip in sorted((listed / word).glob("*.wav"))))
    by_lists = make_stream(capsys, listed, tmp_path / "lists.wav", "--testing-percent", "30")
    assert split_mismatch(load_labels(by_lists.with_suffix(".json")), run_model) == ""
    labels_path = by_lists.with_suffix(".json")
    document = json.loads(labels_path.read_text(encoding="utf-8"))
    assert document["stream"]["split_by_lists"] is True
    document["stream"]["split_rules"] = ["another wording"]  # the recorded flag decides, not how rules are worded
    labels_path.write_text(json.dumps(document), encoding="utf-8")
    assert split_mismatch(load_labels(labels_path), run_model) == ""
    del document["stream"]["split_by_lists"]  # labels of an older kws stream make: the rules' wording is all there is
    document["stream"]["split_rules"] = ["lists: testing=3 clips, validation=1 clips"]
    labels_path.write_text(json.dumps(document), encoding="utf-8")
    assert split_mismatch(load_labels(labels_path), run_model) == ""
    split = make_stream(capsys, small_dataset, tmp_path / "testing30.wav", "--testing-percent", "30")
    said = split_mismatch(load_labels(split.with_suffix(".json")), run_model)
    assert said == TESTING_30.removeprefix(WARNING).rstrip("\n")
    broken = tmp_path / "broken" / "model.tflite"
    broken.parent.mkdir()
    shutil.copy(run_model, broken)
    (broken.parent / "spec.toml").write_text("[data]\ntesting_percent = 30.0\n", encoding="utf-8")  # no layers
    assert split_mismatch(load_labels(split.with_suffix(".json")), broken) == ""


def test_the_labels_are_read_once_for_all_the_models_compared(capsys, monkeypatch, small_dataset: Path,  # noqa: F811
                                                              run_model: Path, tmp_path: Path) -> None:
    """The command reads the labels for its checks and hands them to every model's run (parse once)."""
    import workbench.calibration.calibration_run as calibration_run
    import workbench.calibration.streams.labels as labels_module

    stream = make_stream(capsys, small_dataset, tmp_path / "same.wav")
    reads: list[Path] = []
    real = labels_module.load_labels

    def counting(path):  # type: ignore[no-untyped-def]
        reads.append(Path(path))
        return real(path)

    monkeypatch.setattr(labels_module, "load_labels", counting)
    monkeypatch.setattr(calibration_run, "load_labels", counting)
    assert calibrate(capsys, stream, run_model, "--compare", str(yes_no_model_path()), "--progress", "none") == ""
    assert reads == [stream.with_suffix(".json")]
