"""Help ▸ About KWS Workbench: what this is, which version, under which licence, and the versions a bug report needs.

Why it exists: "which version is this?" had no answer in the window, and a bug report needs the workbench,
Python, Qt and LiteRT versions together, so Copy puts them on the clipboard as plain text. Why the licence button:
the packages ship third-party components under their own licences (Qt under the LGPL among them), and a user must
be able to find those texts from the application: the button opens the notices the packages install beside the
program (``THIRD-PARTY-NOTICES.txt``, which names the ``licenses/`` folder), or the ``LICENSE`` of a source
checkout or wheel, and the dialog shows that path as selectable text too (for a desktop that opens nothing).
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import platform
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QVBoxLayout, QWidget)

import workbench
from workbench import __version__
from workbench.child_command import bundle_data_folder
from workbench.core.model.inference import RUNTIMES  # in the order the engine tries them

APP_NAME = "KWS Workbench"
SUMMARY = "Listen to, tune, train and profile tiny keyword-spotting models for microcontrollers."
LICENCE_TEXT = ("KWS Workbench is free software under the MIT licence. The components it uses keep their own "
                "licences: Qt and PySide6 the LGPL-3.0, LiteRT the Apache-2.0, Python the PSF licence, and others.")
NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"  # what packaging/kwspack/licenses.py writes into the bundle
LICENSE_NAME = "LICENSE"  # the workbench's own licence, at the top of a source checkout and in a wheel
NO_LICENCE_FILE = "The licence texts are not installed with this copy."
DISTRIBUTION = "kws-workbench"
NO_RUNTIME = "not installed"
ICON_PX = 64
TITLE_SCALE = 1.6  # the name, larger than the dialog's text
SECTION_SPACING_PX = 12  # between the title, the text and the versions
VERSIONS_TITLE = "Versions (for bug reports)"
COPY_TEXT, COPIED_TEXT = "&Copy versions", "Copied"
LICENCES_TEXT = "&Licences…"


def _distribution_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def runtime_version() -> tuple[str, str]:
    """The TensorFlow Lite runtime the engine uses and its version (the module's own, else its distribution's:
    a frozen bundle keeps the module but not always its metadata)."""
    for module_name, distribution, label in RUNTIMES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        return label, str(getattr(module, "__version__", None) or _distribution_version(distribution) or "unknown")
    return RUNTIMES[0][2], NO_RUNTIME


def version_facts() -> list[tuple[str, str]]:
    """What a bug report needs to know about this copy: (name, value) rows, in the order shown."""
    import PySide6
    from PySide6.QtCore import qVersion

    return [(APP_NAME, __version__), ("Python", platform.python_version()),
            ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"), runtime_version(),
            ("System", platform.platform())]


def facts_text(facts: list[tuple[str, str]]) -> str:
    """The facts as the plain text Copy puts on the clipboard: one "name: value" line each."""
    return "\n".join(f"{name}: {value}" for name, value in facts) + "\n"


def licence_file() -> Path | None:
    """Where this copy's licence texts are: the bundle's third-party notices, else the workbench's LICENSE in the
    source checkout or the installed wheel; None when there is none."""
    frozen = bundle_data_folder()
    candidates = [frozen / NOTICES_NAME] if frozen is not None else []
    candidates.append(Path(workbench.__file__).resolve().parent.parent / LICENSE_NAME)
    try:
        files = metadata.distribution(DISTRIBUTION).files or []
        candidates += [Path(str(f.locate())) for f in files if f.name == LICENSE_NAME]
    except metadata.PackageNotFoundError:
        pass
    return next((path for path in candidates if path.is_file()), None)


class AboutDialog(QDialog):
    """Name, version, what it is, the licence (with a way to the texts) and the versions a bug report needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.facts = version_facts()
        self.licence_path = licence_file()
        layout = QVBoxLayout(self)
        layout.setSpacing(SECTION_SPACING_PX)
        layout.addLayout(self._title_row())
        for text in (SUMMARY, LICENCE_TEXT):
            label = QLabel(text)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.licence_label = QLabel(f"Licence texts: {self.licence_path}" if self.licence_path else NO_LICENCE_FILE)
        self.licence_label.setWordWrap(True)
        self.licence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.licence_label)
        versions = QGroupBox(VERSIONS_TITLE)
        form = QFormLayout(versions)
        for name, value in self.facts[1:]:  # the workbench's own version is in the title
            field = QLabel(value)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{name}:", field)
        layout.addWidget(versions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(COPY_TEXT)
        self.copy_button.setToolTip("Copy these versions to the clipboard, for a bug report")
        self.copy_button.clicked.connect(self.copy_facts)
        self.licences_button = QPushButton(LICENCES_TEXT)
        self.licences_button.setToolTip("Open the licence texts of KWS Workbench and the components it ships")
        self.licences_button.setEnabled(self.licence_path is not None)
        self.licences_button.clicked.connect(self.open_licences)
        for button in (self.copy_button, self.licences_button):
            button.setAutoDefault(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _title_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        icon = QLabel()
        window_icon = QGuiApplication.windowIcon()
        if not window_icon.isNull():
            icon.setPixmap(window_icon.pixmap(ICON_PX, ICON_PX))
            row.addWidget(icon)
        name = QLabel(APP_NAME)
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * TITLE_SCALE)
        font.setBold(True)
        name.setFont(font)
        self.version_label = QLabel(f"Version {__version__}")
        column = QVBoxLayout()
        column.addWidget(name)
        column.addWidget(self.version_label)
        row.addLayout(column, 1)
        return row

    def copy_facts(self) -> None:
        """Put the versions on the clipboard as plain text (what a bug report asks for)."""
        QGuiApplication.clipboard().setText(facts_text(self.facts))
        self.copy_button.setText(COPIED_TEXT)

    def open_licences(self) -> bool:
        """Open the licence texts with the desktop's viewer; say so in the dialog when nothing opens them."""
        if self.licence_path is None:
            return False
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.licence_path)))
        if not opened:
            self.licence_label.setText(f"Nothing on this desktop opens the licence texts; they are in "
                                       f"{self.licence_path}")
            self._grow_to_fit()
        return opened

    def _grow_to_fit(self) -> None:
        """Grow to the height the laid-out text needs at this width. Why: a window's minimum size ignores
        wrapped text (height-for-width), so the longer licence line squeezed the Versions box below it until its
        rows were cut off at the bottom."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)


def show_about(parent: QWidget) -> AboutDialog:
    """The About dialog over ``parent`` (window-modal, not blocking the stream; deleted when closed)."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
