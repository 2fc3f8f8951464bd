"""Where the workbench keeps its settings: XDG_CONFIG_HOME, else HOME/.config, else (no writable config folder,
e.g. ``env -u HOME``) a private temporary folder with a status-bar notice -- never ``/.config``, where Qt
writes by itself without a HOME. Real QSettings files, a real main window and a real ``kws-workbench`` process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from workbench.gui import app
from workbench.gui.settings.app_settings import APPLICATION, ORGANIZATION, AppSettings

ROOT_SETTINGS = Path("/") / ".config" / ORGANIZATION  # where Qt put them with HOME unset
START_TIMEOUT_S = 60.0
EXIT_TIMEOUT_S = 30.0
POLL_S = 0.1

pytestmark = pytest.mark.skipif(sys.platform in app.NATIVE_SETTINGS_PLATFORMS,
                                reason="Qt's own settings locations are kept on Windows and macOS")


@pytest.fixture
def no_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """HOME and XDG_CONFIG_HOME unset, temporary folders made under the returned one."""
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


def saved_file(folder: Path) -> Path:
    return folder / ORGANIZATION / f"{APPLICATION}.ini"


def test_without_home_the_settings_go_to_xdg_config_home(qapp, no_home: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    assert app.settings_folder() == (config, True)
    assert app.use_settings_folder() is None
    settings = AppSettings()
    assert settings.save_problem() is None
    assert Path(settings.qsettings.fileName()) == saved_file(config) and saved_file(config).is_file()
    assert list(no_home.iterdir()) == []  # no temporary folder was needed


def test_without_home_or_xdg_they_go_to_a_temporary_folder_with_a_notice(qapp, no_home: Path) -> None:
    existed = ROOT_SETTINGS.exists()
    notice = app.use_settings_folder()
    assert notice == app.SETTINGS_NOT_KEPT.format(why=app.NO_CONFIG_FOLDER)
    assert notice.count(". ") == 0 and notice.endswith(".")
    settings = AppSettings()
    assert settings.save_problem() is None
    (private,) = no_home.iterdir()
    assert private.name.startswith(app.SETTINGS_PRIVATE_PREFIX) and oct(private.stat().st_mode)[-3:] == "700"
    assert Path(settings.qsettings.fileName()) == saved_file(private) and saved_file(private).is_file()
    assert ROOT_SETTINGS.exists() == existed


def test_home_config_is_used_and_a_missing_or_root_home_is_not(qapp, no_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert app.settings_folder({"HOME": str(home)}) == (home / ".config", True)  # created by Qt on first save
    for unusable in ("/", "/nonexistent-kws-home", "relative/home"):  # a service user's HOME=/nonexistent
        folder, kept = app.settings_folder({"HOME": unusable})
        assert not kept and folder.parent == no_home, unusable
    folder, kept = app.settings_folder({"HOME": str(home), "XDG_CONFIG_HOME": "relative/config"})
    assert (folder, kept) == (home / ".config", True)  # a relative XDG_CONFIG_HOME is ignored, as the spec says


def test_the_notice_names_the_config_folder_that_cannot_be_written(qapp, no_home: Path, tmp_path: Path) -> None:
    """XDG_CONFIG_HOME set but not writable while HOME is: the notice must not say that neither is usable."""
    home, config = tmp_path / "home", tmp_path / "file-not-folder"
    home.mkdir()
    config.write_text("")
    notice = app.use_settings_folder({"HOME": str(home), "XDG_CONFIG_HOME": str(config)})
    assert notice == app.SETTINGS_NOT_KEPT.format(why=f"{config} cannot be written")


def test_the_notice_stays_in_the_status_bar(window) -> None:
    notice = app.SETTINGS_NOT_KEPT.format(why=app.NO_CONFIG_FOLDER)
    app.show_settings_notice(window, notice)
    window.show_status("model loaded")  # a later message replaces the temporary one ...
    field = window.statusBar().findChild(QLabel, "settings_not_kept")
    assert field is not None and field.isVisible()  # ... the field stays
    assert field.text() == app.SETTINGS_NOT_KEPT_FIELD and field.toolTip() == notice


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the signal mask from /proc")
def test_the_real_app_without_home_writes_nothing_at_the_root(tmp_path: Path) -> None:
    from tests.gui.test_terminal_signals import handles

    temp = tmp_path / "temp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CONFIG_HOME")}
    env.update(QT_QPA_PLATFORM="offscreen", TMPDIR=str(temp), XDG_DATA_HOME=str(tmp_path / "data"))
    existed = ROOT_SETTINGS.exists()
    child = subprocess.Popen([sys.executable, "-m", "workbench.gui.app"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        # the settings file is written at start-up (AppSettings.save_problem); then SIGTERM closes the window
        while not (list(temp.glob(f"{app.SETTINGS_PRIVATE_PREFIX}*/{ORGANIZATION}/*.ini"))
                   and handles(child.pid, signal.SIGTERM)):
            assert child.poll() is None and time.monotonic() < deadline, child.communicate()[1][-2000:]
            time.sleep(POLL_S)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=EXIT_TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0 and "Traceback" not in err, err[-2000:]
    assert ROOT_SETTINGS.exists() == existed
    assert list(temp.glob(f"{app.SETTINGS_PRIVATE_PREFIX}*")) == []  # the session's settings folder went with it
