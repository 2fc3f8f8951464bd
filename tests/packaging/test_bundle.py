"""The PyInstaller bundle as built: both executables run headless, the contents are what the packaging promises
(the workbench and its base dependencies, licence notices; no TensorFlow, no copies of system libraries), and
the command line explains a missing or mismatched training runtime in one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import workbench
from package_tools import SAMPLE, Packages, run, user_env

pytestmark = pytest.mark.package

BUNDLE_BUDGET_BYTES = 250_000_000
SYSTEM_LIBRARIES = ("libstdc++.so.6", "libX11.so.6", "libxcb.so.1", "libfontconfig.so.1", "libasound.so.2",
                    "libglib-2.0.so.0", "libGL.so.1")
TRAINING_ONLY = ("tensorflow", "keras", "matplotlib", "h5py", "ray")


def test_kws_version(packages: Packages, home: Path) -> None:
    done = run([packages.bundle / "kws", "--version"], env=user_env(home))
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, f"kws {workbench.__version__}", "")


def test_every_command_loads_in_the_bundle(packages: Packages, home: Path) -> None:
    """``kws`` imports a command's module only when it is named (workbench/cli/command_list.py), which PyInstaller's
    import analysis cannot see: each one's help must still come from its own module inside the bundle."""
    from workbench.cli.command_list import COMMANDS

    listed = run([packages.bundle / "kws", "--help"], env=user_env(home))
    assert listed.returncode == 0 and all(command.name in listed.stdout for command in COMMANDS), listed.stdout
    for command in COMMANDS:
        done = run([packages.bundle / "kws", command.name, "--help"], env=user_env(home))
        assert done.returncode == 0 and f"usage: kws {command.name}" in done.stdout, done.stdout + done.stderr


def test_gui_self_test_headless(packages: Packages, home: Path) -> None:
    """No display at all: --self-test never needs one, and hears both words of the bundled sample."""
    done = run([packages.bundle / "kws-workbench", "--self-test"], env=user_env(home))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "detected  yes" in done.stdout and "detected  no" in done.stdout
    assert done.stdout.rstrip().endswith("OK")


def test_worker_mode_runs_the_cli_from_either_executable(packages: Packages, home: Path) -> None:
    for program in ("kws", "kws-workbench"):
        done = run([packages.bundle / program, "--kws-worker", "detect", packages.bundle / SAMPLE,
                    "--format", "jsonl"], env=user_env(home))
        labels = [json.loads(line)["label"] for line in done.stdout.splitlines()]
        assert (done.returncode, labels, done.stderr) == (0, ["yes", "no"], ""), program


def test_size_within_budget(packages: Packages) -> None:
    size = sum(p.lstat().st_size for p in packages.bundle.rglob("*"))
    assert size <= BUNDLE_BUDGET_BYTES, f"bundle is {size / 1e6:.1f} MB"


def test_contents(packages: Packages) -> None:
    internal = packages.bundle / "_internal"
    names = {p.name for p in internal.rglob("*")}
    assert not [lib for lib in SYSTEM_LIBRARIES if lib in names], "system libraries copied into the bundle"
    assert not [pkg for pkg in TRAINING_ONLY if (internal / pkg).exists()], "training packages in the bundle"
    assert any(internal.glob("workbench/_frontend*")), "native frontend missing"
    assert (internal / "PySide6/Qt/plugins/platforms/libqxcb.so").is_file()
    manifest = json.loads((internal / "kws_bundle.json").read_text())
    assert manifest["workbench"] == workbench.__version__ and set(manifest) >= {"python", "platform", "numpy"}


def test_no_link_points_at_a_missing_file(packages: Packages) -> None:
    """PyInstaller links each library of a subfolder into _internal/; the spec leaves some out (Qt's EGLFS
    libraries), and their links stayed behind, dangling (``find -xtype l``)."""
    links = [p for p in packages.bundle.rglob("*") if p.is_symlink()]
    assert links, "no links at all: the check below would pass for nothing"
    assert [str(p.relative_to(packages.bundle)) for p in links if not p.exists()] == []


def test_licence_notices(packages: Packages) -> None:
    internal = packages.bundle / "_internal"
    notices = (internal / "THIRD-PARTY-NOTICES.txt").read_text()
    for component in ("PySide6", "shiboken6", "numpy", "ai-edge-litert", "Python", "Silicon Labs MLTK", "soxr",
                      "PyInstaller bootloader"):
        assert component in notices, component
    folders = [line.strip() for line in notices.splitlines() if line.strip().startswith("licenses/")]
    assert folders and all(any((internal / folder).iterdir()) for folder in folders)
    assert list(internal.glob("licenses/PySide6*/LGPL-3.0.txt")) and list(internal.glob("licenses/PySide6*/qt-lgpl*"))
    assert list(internal.glob("licenses/Silicon_Labs_MLTK*/MLTK-LICENSE.md"))


def test_train_without_runtime_says_what_to_install(packages: Packages, home: Path) -> None:
    done = run([packages.bundle / "kws", "train", "--dataset", home, "--out", home / "run"], env=user_env(home))
    assert done.returncode == 2
    assert done.stderr.startswith("kws: error: training needs the KWS Workbench training runtime")
    assert "kws-workbench-training" in done.stderr and len(done.stderr.splitlines()) == 1
    user_data = home / ".local/share/kws-workbench"  # where INSTALL.txt unpacks the archive (top: training-runtime/)
    assert f"into the user data folder {user_data} (looked in" in done.stderr
    assert run([packages.bundle / "kws", "train", "--help"], env=user_env(home)).returncode == 0


def test_mismatched_runtime_is_refused(packages: Packages, home: Path) -> None:
    """A runtime built for another numpy/Python would crash inside TensorFlow: the check names both builds."""
    runtime = home / ".local/share/kws-workbench/training-runtime"
    (runtime / "site-packages").mkdir(parents=True)
    bundle_manifest = json.loads((packages.bundle / "_internal/kws_bundle.json").read_text())
    (runtime / "runtime.json").write_text(json.dumps({**bundle_manifest, "numpy": "1.0.0"}))
    done = run([packages.bundle / "kws", "train", "--dataset", home, "--out", home / "run"], env=user_env(home))
    assert done.returncode == 2
    assert "was built for" in done.stderr and "numpy 1.0.0" in done.stderr
    assert f"numpy {bundle_manifest['numpy']}" in done.stderr
