"""The real microphone path under a real X server: PulseAudio virtual mic → PortAudio → engine → window.

Runs ``scripts/screenshot.py`` under ``xvfb-run`` with the xcb platform: the app opens the default
input, the test audio is injected into the virtual source, and "yes" and "no" must appear in the
detection log. The screenshots (Live, then Profile while the stream runs on) go to temporary files,
or to docs/screenshot.png and docs/profile.png when KWS_UPDATE_SCREENSHOT=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from virtmic import missing_tools  # noqa: E402

SCREEN = "-screen 0 1600x1000x24"


def test_virtual_microphone_under_xvfb_detects_and_screenshots(tmp_path: Path) -> None:
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is not installed (apt-get install xvfb xauth)")
    if missing_tools():
        pytest.skip(f"PulseAudio tools missing: {', '.join(missing_tools())}")
    update = os.environ.get("KWS_UPDATE_SCREENSHOT") == "1"
    out = REPO / "docs" / "screenshot.png" if update else tmp_path / "screenshot.png"
    profile = REPO / "docs" / "profile.png" if update else tmp_path / "profile.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", SCREEN, sys.executable, str(REPO / "scripts" / "screenshot.py"), "--out", str(out),
         "--shot", f"profile={profile}"],
        env=env, capture_output=True, text=True, timeout=180, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "platform xcb" in result.stdout
    assert "MicrophoneSource" in result.stdout
    assert "detected  yes" in result.stdout and "detected  no" in result.stdout
    assert out.is_file() and out.stat().st_size > 10_000
    assert profile.is_file() and profile.stat().st_size > 10_000
