"""``kws dataset info --spec``: the plan shown is the training's own plan of the same folders, made without
TensorFlow."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests"))
from dataset_builders import make_dataset, speaker_names  # noqa: E402

from workbench.cli.main import main  # noqa: E402
from workbench.datasets.layout import merge_datasets, scan_dataset  # noqa: E402
from workbench.datasets.splits import SPLITS  # noqa: E402
from workbench.training.data.sample_plan import make_plan  # noqa: E402
from workbench.training.spec.model_spec import load_spec  # noqa: E402

# kws ARGS, then (on stderr, after what the command printed) the modules of interest it loaded
LOADED_AFTER_KWS = ("import sys; from workbench.cli.main import main; code = main(sys.argv[1:]); "
                    "print('loaded:', sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras') "
                    "or m == 'workbench.training.data.sample_plan'), file=sys.stderr); sys.exit(code)")


@pytest.fixture()
def dataset(tmp_path: Path) -> Path:
    """Keywords, other words and _silence_ clips enough for every split after the default recipe's re-split."""
    return make_dataset(tmp_path / "data", {
        "yes": speaker_names(30), "no": speaker_names(25, start=100), "go": speaker_names(12, start=200),
        "left": speaker_names(8, start=300), "_silence_": [f"{i}.wav" for i in range(20)]})


def training_plan(dirs: list[Path], spec_name: str, keywords: tuple[str, ...] | None = None) -> dict[str, dict]:
    """What the training's planning code makes of ``dirs`` with the spec, scanned as kws train scans them."""
    data = load_spec(spec_name).data
    data = dataclasses.replace(data, keywords=keywords) if keywords else data
    index = merge_datasets([scan_dataset(d, validation_percent=data.validation_percent,
                                         testing_percent=data.testing_percent, split_method=data.split_method)
                            for d in dirs])
    plan = make_plan(index, data, load_spec(spec_name).training.seed)
    return {split: plan.counts(split) for split in SPLITS}


def table_rows(text: str, after: str) -> dict[str, list[int]]:
    """The rows of the first class table after the line starting with ``after``: class -> counts."""
    lines = text[text.index(after):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("class"))
    rows = {}
    for line in lines[start + 2:]:
        if not line.strip() or line.startswith("("):
            break
        name, *numbers = line.split()
        rows[name] = [int(n) for n in numbers]
    return rows


def test_the_json_plan_is_the_trainings_plan_with_the_re_split(capsys, dataset: Path) -> None:
    assert main(["dataset", "info", str(dataset), "--spec", "default", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = training_plan([dataset], "default")
    assert data["plan"]["samples"] == expected
    assert data["plan"]["classes"] == ["yes", "no", "_unknown_", "_silence_"] and data["plan"]["error"] is None
    assert data["plan"]["data"]["validation_resplit_percent"] == 20.0 and data["plan"]["spec"] == "kws_yes_no"
    own_split = {c["label"]: c["counts"] for c in data["classes"]}
    assert expected["training"]["yes"] != own_split["yes"]["training"]  # the re-split moved clips: a real test
    assert expected["testing"]["yes"] == own_split["yes"]["testing"]  # ... never the test split


def test_the_text_plan_shows_the_same_counts_and_the_settings(capsys, dataset: Path) -> None:
    assert main(["dataset", "info", str(dataset), "--spec", "tflite_micro_speech"]) == 0
    out = capsys.readouterr().out
    expected = training_plan([dataset], "tflite_micro_speech")
    rows = table_rows(out, "plan of a kws train run with spec tflite_micro_speech")
    assert {name: counts for name, counts in rows.items() if name != "all"} == {
        name: [expected[split][name] for split in SPLITS] for name in expected["training"]}
    assert "the dataset's split as it is (no validation_resplit_percent)" in out
    assert "_unknown_: unknown_percentage = 3 x the mean keyword count of each split, drawn from 2 other words" in out
    assert "_silence_ samples generated; testing counts clips)" in out  # silence_percentage 0.2 generates some


def test_keywords_replace_the_specs_and_the_table_counts_them_too(capsys, dataset: Path) -> None:
    assert main(["dataset", "info", str(dataset), "--spec", "default", "--keywords", "yes,go", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["keywords"] == ["yes", "go"] and data["plan"]["classes"] == ["yes", "go", "_unknown_", "_silence_"]
    assert data["plan"]["samples"] == training_plan([dataset], "default", ("yes", "go"))
    assert main(["dataset", "info", str(dataset), "--spec", "default", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["keywords"] == ["yes", "no"]  # the spec's, not the defaults


def test_a_spec_file_with_its_own_split_and_cap(capsys, dataset: Path, tmp_path: Path) -> None:
    """The folders are scanned again with the spec's split (not the command's) and its cap is applied."""
    spec = tmp_path / "capped.toml"
    spec.write_text('extends = "tflite_micro_speech"\n\n[data]\nvalidation_percent = 30.0\nmax_clips_per_word = 12\n')
    assert main(["dataset", "info", str(dataset), "--spec", str(spec), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = training_plan([dataset], str(spec))
    assert data["plan"]["samples"] == expected and data["plan"]["spec_file"] == str(spec)
    assert sum(expected[split]["yes"] for split in SPLITS) == 12
    assert list(data["split_rules"].values()) == ["hash of speaker: validation 15 %, testing 10 %"]  # the table's


def test_a_plan_the_run_would_refuse_is_its_sentence(capsys, tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "data", {"yes": speaker_names(2), "no": speaker_names(30)})
    assert main(["dataset", "info", str(root), "--spec", "tflite_micro_speech"]) == 0
    out = capsys.readouterr().out
    assert "  no plan: the run would stop (the warning below says why)" in out
    assert "\nwarning: the run would stop: The training split has no samples of" in out
    assert main(["dataset", "info", str(root), "--spec", "tflite_micro_speech", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"]["error"].startswith("The training split has no samples of") and data["plan"]["samples"] == {}
    assert data["warnings"][-1] == {"kind": "run_would_stop", "names": [],
                                    "message": f"the run would stop: {data['plan']['error']}"}


def test_spec_errors_are_one_line(capsys, dataset: Path) -> None:
    for argv, start in ((["--spec", "nonesuch"], "kws: error: no spec named 'nonesuch'"),
                        (["--spec", "default", "--keywords", "yes,yes"], "kws: error: --keywords: keywords must be")):
        assert main(["dataset", "info", str(dataset), *argv]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith(start) and captured.err.count("\n") == 1


def test_the_plan_and_the_check_import_no_tensorflow(dataset: Path) -> None:
    run = subprocess.run([sys.executable, "-c", LOADED_AFTER_KWS, "dataset", "info", str(dataset), "--spec", "default",
                          "--check", "--json"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["plan"]["samples"]["training"]["yes"] > 0
    assert run.stderr.strip().splitlines()[-1] == "loaded: ['workbench.training.data.sample_plan']"
    run = subprocess.run([sys.executable, "-c", LOADED_AFTER_KWS, "dataset", "info", str(dataset), "--check"],
                         capture_output=True, text=True, cwd=REPO, timeout=300)
    assert run.returncode == 0 and run.stderr.strip().splitlines()[-1] == "loaded: []"  # without --spec: as light


def test_the_shared_subset_trains_on_more_than_its_split_says(capsys, shared_dir: Path) -> None:
    """The case that asked for this: 7 and 5 training clips in the subset's own split, far more after the re-split."""
    speech = shared_dir / "datasets" / "speech_commands"
    assert main(["dataset", "info", str(speech)]) == 0
    out = capsys.readouterr().out
    assert ("warning: yes (7) and no (5) have fewer than 20 training clips in the dataset's split, too few for a "
            "model to learn them: kws train --spec default re-splits the non-test clips by speaker "
            "(validation_resplit_percent); add --spec default") in out
    assert main(["dataset", "info", str(speech), "--spec", "default", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"]["samples"] == training_plan([speech], "default")
    assert data["plan"]["samples"]["training"]["yes"] > 100 and data["plan"]["samples"]["training"]["no"] > 100
    assert data["warnings"][0]["message"].endswith("the spec re-splits the non-test clips by speaker "
                                                   "(validation_resplit_percent): the plan shows what a run gets")


def test_a_run_kws_train_would_refuse_at_its_start_is_said_with_its_sentence(capsys, dataset: Path,
                                                                              tmp_path: Path) -> None:
    """The default recipe starts from MLTK's yes/no model and keeps its keyword outputs frozen: with other keywords
    kws train refuses the run before it trains, and dataset info --spec says so in the same words (its plan still
    shown: what the datasets give)."""
    argv = ["--spec", "default", "--keywords", "yes,go"]
    assert main(["train", *argv, "--dataset", str(dataset), "--out", str(tmp_path / "out"), "--progress", "none"]) == 2
    refusal = capsys.readouterr().err.strip().removeprefix("kws: error: ")
    assert "so go could never learn" in refusal  # the run's own sentence, as kws train says it
    assert main(["dataset", "info", str(dataset), *argv]) == 0
    out = capsys.readouterr().out
    assert f"\nwarning: the run would stop: {refusal}\n" in out
    assert "  kws train would refuse this run before it trains (the warning below says why)" in out
    assert main(["dataset", "info", str(dataset), *argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"]["error"] == refusal and data["plan"]["samples"] == training_plan([dataset], "default",
                                                                                        ("yes", "go"))
    assert data["warnings"][-1] == {"kind": "run_would_stop", "names": [], "message": f"the run would stop: {refusal}"}
    assert main(["dataset", "info", str(dataset), "--spec", "default", "--json"]) == 0  # its own keywords: no word
    assert json.loads(capsys.readouterr().out)["plan"]["error"] is None


def test_renamed_outputs_that_learn_are_the_runs_warning(capsys, dataset: Path, tmp_path: Path) -> None:
    """A spec starting from the yes/no model that trains every output: the run goes ahead and warns where go
    starts; dataset info says it among the run's warnings."""
    from workbench.cli.data.dataset_plan import info_spec
    from workbench.training.spec.init_classes import check_init_classes, init_source

    spec_file = tmp_path / "from_mltk.toml"
    spec_file.write_text('extends = "tflite_micro_speech"\ninit_from = "bundled:models/tflite_micro_speech.tflite"\n'
                         '\n[data]\nvalidation_resplit_percent = 20.0\n')
    spec = info_spec(str(spec_file), ["yes", "go"])
    expected = check_init_classes(init_source(spec.init_from, spec), spec)  # what kws train warns before training
    assert expected is not None and "go as its no" in expected
    assert main(["dataset", "info", str(dataset), "--spec", str(spec_file), "--keywords", "yes,go", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"]["error"] is None
    assert {"kind": "run_plan", "names": [],
            "message": "the run: " + expected.removeprefix("warning: ")} in data["warnings"]
