"""The .deb, unpacked into a scratch root as dpkg lays it out: control fields, launchers, menu entry, icons and
AppStream metadata that validate, and the installed programs working as a new user meets them -- headless
self-test, `kws detect` on the bundled sample, stderr free of runtime chatter, a clear message without a
display, and nothing written next to the installed program."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import workbench
from package_tools import Installed, require_tool, run, user_env

pytestmark = pytest.mark.package

APP_ID = "io.github.kwsworkbench.KwsWorkbench"
DEB_BUDGET_BYTES = 100_000_000
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SUMMARY_LINE = re.compile(r"^\d+ detections? in \d+\.\d+ s of audio$")


def control_fields(deb: Path) -> dict[str, str]:
    text = run(["dpkg-deb", "--field", deb]).stdout
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith(" "):
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def test_control(deb: Path) -> None:
    fields = control_fields(deb)
    assert fields["Package"] == "kws-workbench" and fields["Version"] == workbench.__version__
    depends = [d.strip() for d in fields["Depends"].split(",")]
    assert re.fullmatch(r"libc6 \(>= \d+\.\d+\)", depends[0])
    for needed in ("libportaudio2", "libxcb1", "libxcb-cursor0", "libgl1", "libstdc++6"):
        assert needed in depends, needed
    assert "kws-workbench-training" in fields["Suggests"]
    assert deb.stat().st_size <= DEB_BUDGET_BYTES, f".deb is {deb.stat().st_size / 1e6:.1f} MB"
    scripts = run(["dpkg-deb", "--info", deb]).stdout
    assert "postrm" not in scripts and "prerm" not in scripts, "no maintainer script may touch user data"


def test_layout(installed: Installed) -> None:
    for name in ("kws", "kws-workbench"):
        launcher = installed.root / "usr/bin" / name
        assert launcher.is_symlink() and os.readlink(launcher) == f"/opt/kws-workbench/{name}"
        assert os.access(installed.app / name, os.X_OK)
    share = installed.root / "usr/share"
    for size in ICON_SIZES:
        assert (share / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file(), size
    assert (share / f"icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    assert (share / "doc/kws-workbench/copyright").read_text().startswith("Format: ")


def test_desktop_entry_validates(installed: Installed) -> None:
    tool = require_tool("desktop-file-validate", "apt-get install desktop-file-utils")
    desktop = installed.root / f"usr/share/applications/{APP_ID}.desktop"
    done = run([tool, desktop])
    assert (done.returncode, done.stdout.strip()) == (0, "")
    text = desktop.read_text()
    assert f"Icon={APP_ID}\n" in text and "Exec=kws-workbench %f\n" in text


def test_metainfo_validates(installed: Installed) -> None:
    tool = require_tool("appstreamcli", "apt-get install appstream")
    done = run([tool, "validate", "--no-net", installed.root / f"usr/share/metainfo/{APP_ID}.metainfo.xml"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert not re.search(r"^[EW]:", done.stdout, re.MULTILINE), done.stdout


def test_installed_self_test_and_version(installed: Installed, home: Path) -> None:
    done = run([installed.gui, "--self-test"], env=user_env(home))
    assert done.returncode == 0 and done.stdout.rstrip().endswith("OK"), done.stdout + done.stderr
    done = run([installed.kws, "--version"], env=user_env(home))
    assert (done.returncode, done.stdout.strip()) == (0, f"kws {workbench.__version__}")


def test_installed_detect_on_the_bundled_sample(installed: Installed, home: Path) -> None:
    done = run([installed.kws, "detect", installed.sample], env=user_env(home))
    assert done.returncode == 0, done.stderr
    assert [line.split()[2] for line in done.stdout.splitlines()] == ["yes", "no"]
    assert SUMMARY_LINE.match(done.stderr.strip()) and len(done.stderr.splitlines()) == 1, done.stderr
    jsonl = run([installed.kws, "detect", installed.sample, "--format", "jsonl"], env=user_env(home))
    assert [json.loads(line)["label"] for line in jsonl.stdout.splitlines()] == ["yes", "no"]
    assert jsonl.stderr == ""


def test_installed_info_keeps_stderr_empty(installed: Installed, home: Path) -> None:
    model = installed.app / "_internal/workbench/resources/models/tflite_micro_speech.tflite"
    done = run([installed.kws, "info", model], env=user_env(home))
    assert (done.returncode, done.stderr) == (0, "")
    assert "yes, no, _unknown_, _silence_" in done.stdout


def test_installed_gui_without_display(installed: Installed, home: Path) -> None:
    done = run([installed.gui], env=user_env(home))
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for hint in ("no display", "desktop session", "xvfb-run", "kws detect --mic"):
        assert hint in done.stderr, hint
    assert "xcb-cursor" not in done.stderr and "Traceback" not in done.stderr


def test_installed_app_writes_nothing_next_to_itself(installed: Installed, home: Path) -> None:
    def snapshot() -> dict[str, tuple[int, int]]:
        return {str(p.relative_to(installed.app)): (p.lstat().st_size, p.lstat().st_mtime_ns)
                for p in installed.app.rglob("*")}

    before = snapshot()
    env = user_env(home)
    for command in ([installed.kws, "--version"], [installed.kws, "detect", installed.sample],
                    [installed.kws, "models"], [installed.gui, "--self-test"]):
        assert run(command, env=env).returncode == 0, command
    assert snapshot() == before
