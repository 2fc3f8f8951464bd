"""GUI test fixtures: a main window whose QSettings live in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from tests.gui.typed_numbers import SYSTEM_LOCALES, default_locale  # noqa: E402 (needs Qt: after the skip)

LARGE_FONT_PT = 16.0  # a large desktop font, as a user with poor sight or a HiDPI screen sets it


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp):
    """As in the app, cyclic garbage (old windows of earlier tests among it) is collected only in the GUI
    thread: a worker thread of this test must never destroy a widget (it deadlocks Qt)."""
    from workbench.gui.gui_thread_gc import GuiThreadGarbageCollector

    collector = GuiThreadGarbageCollector()
    yield collector
    collector.stop()
    collector.deleteLater()


@pytest.fixture(autouse=True)
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder, where recordings and kept takes are spooled (and rescued), board records kept: the
    test's own, never the user's (a window of a test killed mid-recording must not leave a spool there)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def settings_dir(tmp_path: Path) -> Path:
    """Point every QSettings (and QStandardPaths) of the test at a fresh temporary directory."""
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    folder = tmp_path / "settings"
    folder.mkdir()
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def window(qtbot, settings_dir: Path):
    """The main window with the bundled kws_yes_no loaded and no stream running yet. Named, not the default: the
    tests are about the window, and a small 4-class model whose figures they may assert keeps them fast."""
    from tests.bundled_model_paths import yes_no_model_path
    from workbench.gui.window.main_window import DEFAULT_SIZE, MainWindow

    win = MainWindow(dark=True)
    win.resize(*DEFAULT_SIZE)  # the offscreen screen is smaller: the first size would be clamped to it
    qtbot.addWidget(win)
    win.show()
    assert win.open_model(yes_no_model_path()), win.last_error
    yield win
    win.close()
    _delete_now(win)


def _delete_now(widget) -> None:  # type: ignore[no-untyped-def]
    """Destroy ``widget`` before the next test builds its window: a closed window left to a later event loop (Qt's
    deleteLater) was still sent the next window's style change, with part of its Python side already collected, and
    its scroll areas' layouts then crashed the interpreter (a focus-chain walk over the whole window made it likely)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def play_file(qtbot):
    """``play_file(window, path)``: play as fast as possible through the controller, wait for the end."""
    return lambda win, path: _play_file(qtbot, win, path)


def _play_file(qtbot, win, path: Path, timeout_ms: int = 30_000) -> None:
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    assert win.controller.set_source(SourceChoice(FILE, path=path, realtime=False, loop=False)), win.last_error
    session = win.controller.session
    qtbot.waitUntil(lambda: session.wait(0) and not win.controller.running, timeout=timeout_ms)
    # let the frame timer pull the last rows
    done = session.inferences.total
    qtbot.waitUntil(lambda: win.live.scores._cursor == done, timeout=2000)
    qtbot.wait(50)


@pytest.fixture
def large_font(qapp):  # type: ignore[no-untyped-def]
    """The application font at LARGE_FONT_PT for one test (restored after it)."""
    from PySide6.QtGui import QFont

    font = qapp.font()
    large = QFont(font)
    large.setPointSizeF(LARGE_FONT_PT)
    qapp.setFont(large)
    yield large
    qapp.setFont(font)


@pytest.fixture(params=sorted(SYSTEM_LOCALES))
def system_locale(request):  # type: ignore[no-untyped-def]
    """Each default locale a system could give the window in turn (:data:`tests.gui.typed_numbers.SYSTEM_LOCALES`):
    for the tests of what a user types into number boxes."""
    with default_locale(SYSTEM_LOCALES[request.param]) as locale:
        yield locale
