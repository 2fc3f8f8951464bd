"""First contact from a source install (issue 12): no display gives one clear message and exit 2 instead of Qt's
abort, an X server that is not there or a missing X11 library is named as such, and stderr of `kws` carries
only the workbench's own messages (LiteRT's "INFO: Created TensorFlow Lite XNNPACK delegate" is gone)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from package_tools import REPO_ROOT, run, user_env

SAMPLE = REPO_ROOT / "resources" / "audio" / "yes_no.wav"
MODEL = REPO_ROOT / "resources" / "models" / "tflite_micro_speech.tflite"
KWS = [sys.executable, "-m", "workbench.cli.main"]
GUI = [sys.executable, "-c", "import sys; from workbench.gui.app import main; sys.exit(main(sys.argv[1:]))"]
PROBE = [sys.executable, "-c", "from workbench.gui.app import display_problem; print(display_problem())"]
UNUSED_DISPLAY = ":87"
FAKE_PLUGIN_C = "int kws_missing_symbol(void);\nint kws_fake_plugin(void) { return kws_missing_symbol(); }\n"


def test_kws_detect_stderr_holds_only_the_workbench_summary(home: Path) -> None:
    done = run([*KWS, "detect", SAMPLE], env=user_env(home), cwd=REPO_ROOT)
    assert done.returncode == 0
    assert re.fullmatch(r"\d+ detections? in 4\.50 s of audio\n", done.stderr), done.stderr
    jsonl = run([*KWS, "detect", SAMPLE, "--format", "jsonl"], env=user_env(home), cwd=REPO_ROOT)
    assert [json.loads(line)["label"] for line in jsonl.stdout.splitlines()] == ["yes", "no"]
    assert jsonl.stderr == ""


def test_kws_info_stderr_is_empty(home: Path) -> None:
    done = run([*KWS, "info", MODEL], env=user_env(home), cwd=REPO_ROOT)
    assert (done.returncode, done.stderr) == (0, "")


def test_other_native_stderr_output_is_kept(home: Path) -> None:
    """Only the runtime's INFO lines are dropped: a warning printed while the interpreter is made still shows."""
    code = ("import os\nfrom workbench.core.model import inference\n"
            "real = inference._interpreter_class\n"
            "def noisy():\n    os.write(2, b'WARNING: kept\\n')\n    return real()\n"
            "inference._interpreter_class = noisy\n"
            f"inference.ModelRunner(open({str(MODEL)!r}, 'rb').read())\n")
    done = run([sys.executable, "-c", code], env=user_env(home), cwd=REPO_ROOT)
    assert (done.returncode, done.stderr) == (0, "WARNING: kept\n")


def test_no_display_is_one_message_and_exit_2(home: Path) -> None:
    done = run(GUI, env=user_env(home), cwd=REPO_ROOT)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kws-workbench: no display")
    for hint in ("desktop session", "xvfb-run", "kws detect --mic"):
        assert hint in lines[0]


def test_headless_qt_platforms_are_left_alone(home: Path) -> None:
    for platform in ("offscreen", "minimal", "wayland;offscreen"):
        done = run(PROBE, env=user_env(home, QT_QPA_PLATFORM=platform), cwd=REPO_ROOT)
        assert done.stdout.strip() == "None", platform


def test_x_server_that_is_not_there(home: Path) -> None:
    if Path(f"/tmp/.X11-unix/X{UNUSED_DISPLAY[1:]}").exists():
        pytest.skip(f"display {UNUSED_DISPLAY} exists on this machine")
    done = run(GUI, env=user_env(home, DISPLAY=UNUSED_DISPLAY), cwd=REPO_ROOT)
    assert done.returncode == 2
    assert done.stderr.startswith(f"kws-workbench: cannot open the X display '{UNUSED_DISPLAY}'")
    assert "xcb-cursor" not in done.stderr


def test_real_x_server_passes(home: Path) -> None:
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        pytest.skip("xvfb-run is not installed (apt-get install xvfb xauth)")
    done = run([xvfb_run, "-a", *PROBE], env=user_env(home), cwd=REPO_ROOT)
    assert (done.returncode, done.stdout.strip()) == (0, "None"), done.stderr


def test_missing_x11_library_is_named_with_its_package(home: Path, tmp_path: Path) -> None:
    """A platform plugin that needs a library the system lacks: the message names that library and its package
    (Qt itself would blame xcb-cursor0). The plugin is a real shared object linked against a library that is
    deleted after linking."""
    xvfb_run, cc = shutil.which("xvfb-run"), shutil.which("cc")
    if xvfb_run is None or cc is None:
        pytest.skip("needs xvfb-run and a C compiler (apt-get install xvfb xauth gcc)")
    libs = tmp_path / "libs"
    libs.mkdir()
    (libs / "missing.c").write_text("int kws_missing_symbol(void) { return 0; }\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", libs / "libkwsgone-x11.so.3", "-Wl,-soname,libkwsgone-x11.so.3",
                    libs / "missing.c"], check=True)
    plugin_dir = tmp_path / "fake" / "PySide6" / "Qt" / "plugins" / "platforms"
    plugin_dir.mkdir(parents=True)
    (tmp_path / "fake" / "PySide6" / "__init__.py").write_text("")
    (libs / "plugin.c").write_text(FAKE_PLUGIN_C)
    subprocess.run([cc, "-shared", "-fPIC", "-o", plugin_dir / "libqxcb.so", libs / "plugin.c",
                    libs / "libkwsgone-x11.so.3"], check=True)
    (libs / "libkwsgone-x11.so.3").unlink()
    env = user_env(home, PYTHONPATH=str(tmp_path / "fake"))
    done = run([xvfb_run, "-a", *PROBE], env=env, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    assert "libkwsgone-x11.so.3 is missing" in done.stdout and "package libkwsgone-x11-3" in done.stdout
