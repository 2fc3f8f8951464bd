"""Help ▸ About KWS Workbench, in the real window: the version, the versions a bug report needs (copied to the real
clipboard), and the licence texts, opened through Qt's desktop services (a URL handler stands in for the desktop)."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import ai_edge_litert
import PySide6
import pytest
from PySide6.QtCore import QObject, QUrl, Slot, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QLabel, QWidget

import workbench
from workbench.gui.window import about_dialog, window_menus
from workbench.gui.window.about_dialog import AboutDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import SLACK_PX, cut_off_words  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
INSTALLED = Path("home/someone/.local/opt/kws-workbench-0.1.0-linux-x86_64/_internal")  # a tarball install


class OpenedUrls(QObject):
    """What the dialog asked the desktop to open (registered for file: URLs with QDesktopServices)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened_urls():
    receiver = OpenedUrls()
    QDesktopServices.setUrlHandler("file", receiver, "open")
    yield receiver
    QDesktopServices.unsetUrlHandler("file")


def _about(qtbot, window) -> AboutDialog:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert window.about_action in help_menu.actions()
    window.about_action.trigger()
    dialog = window.findChild(AboutDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_about_names_the_version_and_copies_what_a_bug_report_needs(qtbot, window) -> None:
    dialog = _about(qtbot, window)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert f"Version {workbench.__version__}" in texts and about_dialog.SUMMARY in texts
    assert any("MIT licence" in text for text in texts)
    dialog.copy_button.click()
    copied = QApplication.clipboard().text().splitlines()
    assert copied[:4] == [f"KWS Workbench: {workbench.__version__}", f"Python: {platform.python_version()}",
                          f"Qt: {qVersion()} (PySide6 {PySide6.__version__})", f"LiteRT: {ai_edge_litert.__version__}"]
    assert copied[4] == f"System: {platform.platform()}" and dialog.copy_button.text() == about_dialog.COPIED_TEXT
    dialog.reject()


def test_the_licence_button_opens_the_licence_texts(qtbot, window, opened_urls) -> None:
    dialog = _about(qtbot, window)
    assert dialog.licence_path == REPO / "LICENSE"  # a source checkout: the workbench's own licence
    assert f"Licence texts: {REPO / 'LICENSE'}" == dialog.licence_label.text()
    dialog.licences_button.click()
    assert [url.toLocalFile() for url in opened_urls.urls] == [str(REPO / "LICENSE")]
    dialog.reject()


def test_a_bundle_points_at_its_third_party_notices(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(REPO / "packaging"))
    from kwspack import licenses

    notices = tmp_path / licenses.NOTICES_NAME  # as the packages' build writes it into the bundle (_internal/)
    notices.write_text("KWS Workbench is distributed under the MIT licence.\n")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert about_dialog.licence_file() == notices


def test_help_opens_this_installs_guides(window, opened_urls) -> None:
    """A source checkout has docs/: Help lists its guides above About, and each opens its own file."""
    help_menu = window.help_menu
    titles = [action.text() for action in window.guide_actions]
    assert titles == [title for title, _name in window_menus.GUIDES]
    assert help_menu.actions().index(window.about_action) > len(titles)  # the guides first, then a separator
    for action, (_title, name) in zip(window.guide_actions, window_menus.GUIDES):
        action.trigger()
        assert opened_urls.urls[-1].toLocalFile() == str(REPO / "docs" / name)
        assert (REPO / "docs" / name).is_file()


def squeezed_lines(root: QWidget) -> list[str]:
    """Single-line labels given less height than one line of their text (cut_off_words measures their width)."""
    return [f"label {label.text()[:60]!r}: {label.height()} px high, needs {label.minimumSizeHint().height()}"
            for label in root.findChildren(QLabel) if label.isVisibleTo(root) and label.text()
            and not label.wordWrap() and label.minimumSizeHint().height() > label.height() + SLACK_PX]


def test_the_dialog_grows_when_nothing_opens_the_licence_texts(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    """Offscreen, as on a desktop without a file viewer, nothing opens the texts: the line that says where they
    are wraps onto more lines, and the dialog kept its height, so the Versions box under it was squeezed until
    its rows ("3.11.7", "x86_64", "glibc2.36") were cut off at the bottom."""
    notices = tmp_path / INSTALLED / about_dialog.NOTICES_NAME
    notices.parent.mkdir(parents=True)
    notices.write_text("KWS Workbench is distributed under the MIT licence.\n")
    monkeypatch.setattr(about_dialog, "licence_file", lambda: notices)
    dialog = _about(qtbot, window)
    assert (cut_off_words(dialog), squeezed_lines(dialog)) == ([], [])
    lines_before = dialog.licence_label.height()
    dialog.licences_button.click()
    assert dialog.licence_label.text().startswith("Nothing on this desktop opens the licence texts")
    qtbot.wait(50)  # the layout settles
    assert dialog.licence_label.height() > lines_before
    assert (cut_off_words(dialog), squeezed_lines(dialog)) == ([], [])
    dialog.reject()
