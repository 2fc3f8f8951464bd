"""``kws train`` as a user runs it: a real child process, its JSON lines, Ctrl+C/SIGTERM."""

from __future__ import annotations

import json
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.child_command import kws_command
from workbench.cli.main import main

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
from training_data import QUICK_SPEC, SLICE, copy_slice  # noqa: E402

FEW_CLIPS = 12  # fewer than MIN_TRAINING_SAMPLES training samples of "no": a warning of the run
NO_TENSORFLOW = ("import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None; "
                 "from workbench.cli.main import main; sys.exit(main(sys.argv[1:]))")


def test_help_works_and_training_says_what_is_missing_without_tensorflow(tmp_path: Path) -> None:
    help_run = subprocess.run([sys.executable, "-c", NO_TENSORFLOW, "--help"], capture_output=True, text=True,
                              cwd=REPO, timeout=120)
    assert help_run.returncode == 0 and "train" in help_run.stdout
    run = subprocess.run([sys.executable, "-c", NO_TENSORFLOW, "train", "--dataset", str(tmp_path), "--out",
                          str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip() == "kws: error: training needs TensorFlow: pip install kws-workbench[train]"


@pytest.mark.parametrize("args, message", [
    (["--out", "OUT"], "at least one --dataset"),
    (["--out", "OUT", "--dataset", "DATA", "--spec", "no_such_spec"], "no spec named 'no_such_spec'"),
    (["--out", "OUT", "--dataset", "DATA", "--epochs", "0"], "--epochs 0"),
    (["--out", "OUT", "--resume"], "holds no training run to resume"),
    (["--out", "OUT", "--dataset", "MISSING"], "does not exist"),
    (["--out", "AFILE", "--dataset", "DATA"], "is a file, not an output folder"),
    (["--out", "OUT", "--dataset", "DATA", "--set", "augmentation.mask_shar=0.5"], "has no setting 'mask_shar'"),
    (["--out", "OUT", "--dataset", "DATA", "--set", "augmentation.mask_share=2"], "with --set: [augmentation]"),
    (["--out", "OUT", "--dataset", "DATA", "--set", "mask_share"], "SECTION.SETTING=VALUE"),
    (["--out", "OUT", "--resume", "--set", "training.seed=3"], "--set: a resumed run keeps what it started with"),
    (["--out", "OUT", "--resume", "--spec", "default", "--keywords", "up,down"],
     "--spec, --keywords: a resumed run keeps what it started with"),
    (["--out", "OUT", "--resume", "--dataset", "DATA", "--seed", "0"], "--dataset, --seed: a resumed run keeps what"),
    (["--out", "OUT", "--dataset", "DATA", "--keywords", "yes,yes"], "--keywords: keywords must be distinct"),
    (["--out", "OUT", "--dataset", "DATA", "--set", "training.class_weight_scale={ nope = 0.7 }"],
     "class_weight_scale names nope, which the run does not train"),
    (["--out", "OUT", "--dataset", "DATA", "--set", "data.max_clips_per_word=-3"],
     "max_clips_per_word must be at least 1 (or left out for every clip), got -3"),
    (["--out", "OUT", "--dataset", "DATA", "--workers", "0"], "--workers must be at least 1, not 0."),
    (["--out", "OUT", "--dataset", "DATA", "--workers", "-2"], "--workers must be at least 1, not -2."),
    (["--out", "OUT", "--dataset", "DATA", "--features-on-ray", "garbage"],
     "--features-on-ray must be 'auto' or HOST:PORT of the Ray head node, not 'garbage'."),
    (["--out", "OUT", "--dataset", "DATA:abc"], "must be a number, not 'abc'."),
])
def test_mistakes_are_one_line_and_exit_2(tmp_path: Path, capsys, args: list[str], message: str) -> None:
    (tmp_path / "DATA" / "yes").mkdir(parents=True)
    (tmp_path / "take.wav").write_bytes(b"RIFF")  # an existing file named as the output folder
    args = [a.replace("AFILE", str(tmp_path / "take.wav")) for a in args]
    args = [a.replace("OUT", str(tmp_path / "out")).replace("DATA", str(tmp_path / "DATA"))
            .replace("MISSING", str(tmp_path / "missing")) for a in args]
    assert main(["train", *args, "--progress", "none"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kws: error: ") and message in err[0]
    assert not (tmp_path / "out").exists()  # a refused run leaves no folder behind


@pytest.mark.slow
def test_progress_none_prints_only_where_the_model_is_and_the_warnings_on_stderr(shared_dir: Path, tmp_path: Path,
                                                                                 capsys) -> None:
    """The help's promise: the path alone on stdout (model=$(kws train ...)); the run's warnings -- here too few
    "no" clips -- are no progress, so they reach stderr as the CLI's warnings do."""
    pytest.importorskip("tensorflow")
    sparse = copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "data", {**SLICE, "no": FEW_CLIPS})
    broken = sparse / "yes" / "broken_nohash_0.wav"
    broken.write_bytes(b"RIFF this is no audio")  # a clip the scan skips: said, as a bar run says it
    spec = tmp_path / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=1))
    out = tmp_path / "run"
    assert main(["train", "--dataset", str(sparse), "--out", str(out), "--spec", str(spec),
                 "--workers", "1", "--no-evaluate", "--progress", "none"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{out / 'quick_kws.tflite'}\n"
    assert any(line.startswith(f"kws: skipped {broken}") for line in captured.err.splitlines()), captured.err
    warnings = [line for line in captured.err.splitlines() if line.startswith("kws: warning: ")]
    assert len(warnings) == 1 and warnings[0].startswith("kws: warning: no (") and "add clips" in warnings[0]
    assert "[plan]" not in captured.err and "epoch 1/1" not in captured.err  # no progress


@pytest.mark.slow
def test_sigterm_stops_a_child_run_cleanly_with_json_lines_only_on_stdout(shared_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("tensorflow")
    dataset = copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "data")
    spec = tmp_path / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=50))
    out = tmp_path / "my run é"  # a space: the printed command must still paste
    child = subprocess.Popen(kws_command("train", "--dataset", str(dataset), "--out", str(out), "--spec", str(spec),
                                         "--progress", "jsonl", "--workers", "1"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    events = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            events.append(json.loads(line))  # every stdout line is one JSON object
            if events[-1].get("event") == "batch" and events[-1]["epoch"] == 2:
                child.send_signal(signal.SIGTERM)
                break
        rest, errors = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    events += [json.loads(line) for line in rest.splitlines()]
    assert child.returncode == 130, errors[-2000:]
    assert events[-1]["phase"] == "cancelled" and "resume" in events[-1]["message"]
    command = errors.split("resume with: ")[1].splitlines()[0]
    assert shlex.split(command) == ["kws", "train", "--out", str(out), "--resume"]
    assert shlex.split(events[-1]["message"].split("Continue with: ")[1])[3] == str(out)
    state = json.loads((out / "train" / "state.json").read_text())
    assert state["epochs_done"] >= 1 and (out / "train" / "checkpoints" / state["files"]["best"]).is_file()
    assert not (out / "quick_kws.tflite").exists()
    assert {"phase", "event"} <= set(events[0]) and any(e["event"] == "epoch" for e in events)


@pytest.mark.parametrize("progress", [[], ["--progress", "bar"]])
def test_a_refused_run_is_one_line_with_the_progress_bar_too(tmp_path: Path, capsys, progress: list[str]) -> None:
    """The bar (the default) shows progress messages; the error is the CLI's single ``kws: error:`` line,
    not also an ``[error]`` line above it."""
    (tmp_path / "DATA" / "yes").mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text("{}")  # a run is already there
    assert main(["train", "--dataset", str(tmp_path / "DATA"), "--out", str(out), *progress]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"kws: error: {out} already holds a training run: continue it with --resume or give --out "
                   "another folder."]
