"""The installed window opens on a real X server: the bundle's own Qt, xcb platform plugin and fonts work
against the system's X11 libraries the .deb depends on (headless tests never load that plugin)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from package_tools import Installed, user_env
from x11_window_probe import private_x_server, time_to_first_window

pytestmark = pytest.mark.package

WINDOW_TIMEOUT_S = 120.0


def test_installed_gui_opens_its_window(installed: Installed, home: Path) -> None:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    with private_x_server() as display:
        seconds = time_to_first_window([str(installed.gui)], user_env(home), display, WINDOW_TIMEOUT_S)
    assert seconds is not None, "kws-workbench mapped no window"
