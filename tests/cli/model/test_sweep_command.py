"""``kws sweep`` as a user meets it before any trial runs: help, a bad sweep file, no Ray, bad options.

The sweep itself (trials on a local Ray, cancel) is tested in tests/sweeps/test_sweep_on_ray.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main

REPO = Path(__file__).resolve().parents[3]
NO_RAY = ("import sys; sys.modules['ray'] = None; "
          "from workbench.cli.main import main; sys.exit(main(sys.argv[1:]))")
GOOD = """
datasets = ["data"]
epochs = 2
[search]
"training.learning_rate" = { loguniform = [1e-3, 1e-2] }
"""


@pytest.fixture()
def sweep_file(tmp_path: Path) -> Path:
    (tmp_path / "data" / "yes").mkdir(parents=True)
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    return path


def test_help_describes_the_command(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["sweep", "--help"])
    assert caught.value.code == 0
    text = capsys.readouterr().out
    for option in ("--address", "--max-concurrent", "--out", "--format", "kws-workbench[cluster]"):
        assert option in text


def test_a_bad_sweep_file_is_one_error_line_and_exit_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('datasets = ["nowhere"]\n')
    assert main(["sweep", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kws: error: bad.toml: the dataset folder ")
    assert err.endswith("does not exist: set datasets in bad.toml to your dataset folder ('nowhere' is relative, "
                        "and a relative path is read beside the sweep file)")
    assert "\n" not in err


def test_a_bad_sweep_file_is_an_error_event_for_jsonl_readers(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('datasets = ["nowhere"]\n')
    assert main(["sweep", str(bad), "--format", "jsonl"]) == 2
    captured = capsys.readouterr()
    events = [json.loads(line) for line in captured.out.splitlines()]
    assert len(events) == 1 and events[0]["event"] == "error"
    assert events[0]["message"] == captured.err.strip().removeprefix("kws: error: ")
    assert events[0]["message"].startswith("bad.toml: the dataset folder ")


def test_ray_features_without_a_cpu_to_spare_is_refused_before_ray_starts(sweep_file: Path, tmp_path: Path,
                                                                          capsys) -> None:
    sweep_file.write_text(GOOD + "[resources]\nray_features = true\n")
    out = tmp_path / "out"
    assert main(["sweep", str(sweep_file), "--num-cpus", "1", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no start line: Ray never started
    assert captured.err.strip() == (
        "kws: error: good.toml: [resources] ray_features needs a CPU for the feature tasks besides the 1 CPU each "
        "trial reserves (cpus_per_trial), so at least 2 CPUs, but the local Ray instance has 1 CPU (--num-cpus 1): "
        "give Ray more CPUs, lower [resources] cpus_per_trial or set ray_features = false.")
    assert not out.exists()


def test_without_ray_the_command_says_how_to_get_it(sweep_file: Path, tmp_path: Path) -> None:
    help_run = subprocess.run([sys.executable, "-c", NO_RAY, "--help"], capture_output=True, text=True, cwd=REPO,
                              timeout=120)
    assert help_run.returncode == 0 and "sweep" in help_run.stdout
    run = subprocess.run([sys.executable, "-c", NO_RAY, "sweep", str(sweep_file), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip() == "kws: error: kws sweep needs Ray (Ray Tune): pip install kws-workbench[cluster]"
    assert not (tmp_path / "out").exists()


def test_bad_options_are_refused_before_anything_runs(sweep_file: Path, capsys) -> None:
    assert main(["sweep", str(sweep_file), "--max-concurrent", "0"]) == 2
    assert "--max-concurrent must be at least 1" in capsys.readouterr().err
    assert main(["sweep", str(sweep_file), "--num-cpus", "0"]) == 2
    assert "--num-cpus must be at least 1" in capsys.readouterr().err


def test_an_output_folder_holding_a_sweep_is_refused(sweep_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    (out / "trials" / "abc_00000").mkdir(parents=True)
    assert main(["sweep", str(sweep_file), "--out", str(out), "--format", "jsonl"]) == 2
    captured = capsys.readouterr()
    assert "already holds a sweep: choose another output folder" in captured.err
    assert '"event":"error"' in captured.out  # jsonl readers get the error as an event too
