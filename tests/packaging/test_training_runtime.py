"""Train works from the installed app: the kws-workbench-training .deb unpacked beside kws-workbench, and a
two-epoch training on a slice of the real Speech Commands clips run the way the window starts it -- through
``workbench.child_command.kws_command`` as it answers inside the frozen GUI (the bundle's ``kws --kws-worker``),
with the spawned feature workers of the frozen interpreter. The trained model then runs in the installed ``kws``.
A sweep works too: ``kws sweep`` imports Ray Tune from the runtime and Ray's own processes (dashboard,
workers) run as the bundle's ``kws`` in its Python mode.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from package_tools import REPO_ROOT, Installed, Packages, build, run, user_env

pytestmark = [pytest.mark.package, pytest.mark.slow]

sys.path.insert(0, str(REPO_ROOT / "tests" / "training"))
sys.path.insert(0, str(REPO_ROOT / "tests" / "sweeps"))
from sweep_data import copy_slice as sweep_slice, sweep_text  # noqa: E402
from training_data import QUICK_SPEC, copy_slice  # noqa: E402

EPOCHS = 2
TRAIN_TIMEOUT_S = 1800
SWEEP_CPUS = "2"
# kws_command as the frozen window computes it: sys.frozen set and sys.executable the installed GUI program.
FROZEN_ARGV = ("import json, sys; sys.frozen = True; sys.executable = sys.argv[1]; "
               "from workbench.child_command import kws_command; print(json.dumps(kws_command(*sys.argv[2:])))")


@pytest.fixture(scope="session")
def installed_training(packages: Packages, installed: Installed) -> Installed:
    """The training runtime package (uncompressed: it only lives for this session) unpacked into the root."""
    build("training-deb", "--deb-compression", "none", "--dist", packages.dist, "--work", packages.work)
    deb = next(packages.dist.glob("kws-workbench-training_*.deb"))
    version = json.loads((installed.app / "_internal/kws_bundle.json").read_text())["workbench"]
    assert run(["dpkg-deb", "--field", deb, "Depends"]).stdout.startswith(f"kws-workbench (= {version})")
    done = run(["dpkg-deb", "-x", deb, installed.root])
    assert done.returncode == 0, done.stderr
    assert (installed.app / "training/runtime.json").is_file()
    return installed


def worker_argv(installed: Installed, *args: str) -> list[str]:
    done = run([sys.executable, "-c", FROZEN_ARGV, installed.gui, *args])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


def test_two_epoch_training_through_the_worker_mode(installed_training: Installed, shared_dir: Path,
                                                     tmp_path: Path, home: Path) -> None:
    dataset = copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "data")
    spec = tmp_path / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=EPOCHS))
    out = tmp_path / "run"
    argv = worker_argv(installed_training, "train", "--dataset", str(dataset), "--out", str(out), "--spec",
                       str(spec), "--epochs", str(EPOCHS), "--progress", "jsonl", "--workers", "2")
    assert argv[:2] == [str(installed_training.kws), "--kws-worker"]
    before = snapshot(installed_training.app)
    done = subprocess.run(argv, env=user_env(home), capture_output=True, text=True, timeout=TRAIN_TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-4000:]
    events = [json.loads(line) for line in done.stdout.splitlines()]  # stdout carries JSON lines only
    epochs = [e["epoch"] for e in events if (e["phase"], e["event"]) == ("train", "epoch")]
    assert epochs == list(range(1, EPOCHS + 1))
    model = Path(next(e for e in events if e["phase"] == "done")["model"])
    assert model.is_file() and model.parent == out
    detect = run([installed_training.kws, "detect", "--model", model, installed_training.sample,
                  "--format", "jsonl"], env=user_env(home))
    assert (detect.returncode, detect.stderr) == (0, "")
    assert snapshot(installed_training.app) == before, "training wrote into the installed folder"


def test_a_sweep_runs_on_ray_from_the_installed_app(installed_training: Installed, shared_dir: Path,
                                                     tmp_path: Path, home: Path) -> None:
    dataset = sweep_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "data")
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(sweep_text(dataset, epochs=1), encoding="utf-8")
    out = tmp_path / "sweep"
    before = snapshot(installed_training.app)
    done = run([installed_training.kws, "sweep", sweep, "--out", out, "--num-cpus", SWEEP_CPUS, "--format", "jsonl"],
               env=user_env(home), timeout=TRAIN_TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-4000:]
    ends = [e["trial"] for e in map(json.loads, done.stdout.splitlines()) if e["event"] == "trial_end"]
    assert [t["status"] for t in ends] == ["finished", "finished"], ends
    assert (out / "results.csv").is_file() and (out / "best-spec.toml").is_file()
    assert snapshot(installed_training.app) == before, "the sweep wrote into the installed folder"
