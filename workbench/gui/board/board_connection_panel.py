"""Which board: the debugger and serial-port pickers (hot-plug refreshed), Commander's path, the chip's info.

Why pickers that also take typed text: a kit's J-Link shows up by itself, but a port behind a symlink,
a USB-serial adapter or a Commander on a network adapter does not; the user can always type it. The
choices (debugger serial number, port, Commander path) are remembered in the window's QSettings under
``board/…`` keys, so the next session starts with the same board.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from workbench.board.commander.locate import find_commander
from workbench.board.errors import CommanderNotFound
from workbench.board.platforms import DeviceInfo
from workbench.board.ports import SerialPortInfo, list_debuggers
from workbench.gui.board.board_outcomes import in_window_terms
from workbench.gui.settings.stored_values import stored_text

SERIALNO_KEY = "board/serialno"
PORT_KEY = "board/port"
COMMANDER_KEY = "board/commander"
ANY_DEBUGGER = ""  # the only one connected
AUTO_PORT = ""  # the chosen debugger's J-Link port
NO_INFO = "not read yet"  # beside the "Read board info" button: one line at a large font


class BoardConnectionPanel(QGroupBox):
    """``serialno()``, ``port()``, ``commander_path()`` for the runs; ``info_requested`` for the workspace."""

    info_requested = Signal()

    def __init__(self, qsettings: Any, parent: QWidget | None = None) -> None:
        super().__init__("Board", parent)
        self._qsettings = qsettings
        self.debugger = QComboBox(self)
        self.debugger.setEditable(True)
        self.debugger.setToolTip("J-Link serial number of the board to use (empty: the only one connected)")
        self.debugger.lineEdit().setPlaceholderText("the only one connected")
        self.port = QComboBox(self)
        self.port.setEditable(True)
        self.port.setToolTip("Serial port of the board (empty: the chosen debugger's J-Link VCOM port)")
        self.port.lineEdit().setPlaceholderText("the board's J-Link port")
        self.commander = QLineEdit(self)
        self.commander.setPlaceholderText("found on PATH or in Simplicity Studio")
        self.commander.setToolTip("Simplicity Commander executable (empty: $KWS_COMMANDER, PATH, Simplicity Studio)")
        browse = QPushButton("Browse…", self)
        browse.setToolTip("Choose the Simplicity Commander executable")
        browse.clicked.connect(self._browse_commander)
        self.commander_state = QLabel(self)
        self.commander_state.setWordWrap(True)
        self.info = QLabel(NO_INFO, self)
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_button = QPushButton("Read board info", self)
        self.info_button.setToolTip("Ask the chip what it is (commander device info)")
        self.info_button.clicked.connect(self.info_requested)

        commander_row = QHBoxLayout()
        commander_row.addWidget(self.commander, 1)
        commander_row.addWidget(browse)
        info_row = QHBoxLayout()
        info_row.addWidget(self.info, 1)
        info_row.addWidget(self.info_button, 0, Qt.AlignmentFlag.AlignTop)
        form = QFormLayout()
        form.addRow("Debugger:", self.debugger)
        form.addRow("Serial port:", self.port)
        form.addRow("Commander:", commander_row)
        form.addRow(self.commander_state)  # the whole width: a missing Commander takes a paragraph to explain
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(info_row)

        self.debugger.setEditText(stored_text(self._qsettings, SERIALNO_KEY))
        self.port.setEditText(stored_text(self._qsettings, PORT_KEY))
        self.commander.setText(stored_text(self._qsettings, COMMANDER_KEY))
        self.debugger.currentTextChanged.connect(lambda text: self._store(SERIALNO_KEY, text.strip()))
        self.port.currentTextChanged.connect(lambda text: self._store(PORT_KEY, text.strip()))
        self.commander.textChanged.connect(self._commander_changed)
        self._commander_changed(self.commander.text())

    # -- settings ----------------------------------------------------------------------------------
    def _store(self, key: str, value: str) -> None:
        self._qsettings.setValue(key, value)

    # -- what the runs use -------------------------------------------------------------------------
    def serialno(self) -> str | None:
        return self.debugger.currentText().strip() or None

    def port_name(self) -> str | None:
        return self.port.currentText().strip() or None

    def commander_path(self) -> str | None:
        return self.commander.text().strip() or None

    # -- hot-plug ----------------------------------------------------------------------------------
    def set_ports(self, ports: list[SerialPortInfo]) -> None:
        """New lists from the watcher; what the user chose or typed stays."""
        for combo, entries in ((self.debugger, [(d.serialno, f"{d.serialno} ({', '.join(d.ports)})")
                                                for d in list_debuggers(ports)]),
                               (self.port, [(p.device, f"{p.device} — {p.description}"
                                             + (" [J-Link]" if p.is_jlink else "")) for p in ports])):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("", "")
            for value, label in entries:
                combo.addItem(value, value)
                combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
            combo.setEditText(text)
            combo.blockSignals(False)

    def known_ports(self) -> list[str]:
        return [self.port.itemText(i) for i in range(self.port.count()) if self.port.itemText(i)]

    def known_debuggers(self) -> list[str]:
        return [self.debugger.itemText(i) for i in range(self.debugger.count()) if self.debugger.itemText(i)]

    # -- Commander ---------------------------------------------------------------------------------
    def _commander_changed(self, text: str) -> None:
        self._store(COMMANDER_KEY, text.strip())
        self.check_commander()

    def check_commander(self) -> None:
        """Say under the box which Commander a job would run, or why none: looked up again each time.

        Why again: the lookup also goes by PATH, ``$KWS_COMMANDER`` and Simplicity Studio's folders, which change
        without the box changing (Commander installed while the window is open); the workspace asks after each job,
        else "was not found" stayed up under a run that had just used Commander."""
        try:
            found = find_commander(self.commander_path())
        except CommanderNotFound as exc:
            self.commander_state.setText(in_window_terms(str(exc)))
        else:
            self.commander_state.setText(f"using {found}")

    def _browse_commander(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Simplicity Commander executable", self.commander.text())
        if path:
            self.commander.setText(path)

    # -- info ----------------------------------------------------------------------------------------
    def show_info(self, info: DeviceInfo | None, text: str | None = None) -> None:
        if info is None:
            self.info.setText(text or NO_INFO)
            return
        base = info.to_dict()["flash_base"]
        self.info.setText(f"{info.part_number} — {info.platform or 'not an MLTK platform'}; "
                          f"flash {info.flash_size // 1024} kB" + (f" at {base}" if base else "") + ", "
                          f"RAM {info.sram_size // 1024} kB; unique ID {info.unique_id}")

    def focus_commander(self) -> None:
        """Commander was not found when a job ran: check again (it may have gone since) and point at the box."""
        self.check_commander()
        self.commander.setFocus()
        self.commander.selectAll()

    def focus_debugger(self) -> None:
        self.debugger.setFocus()
        self.debugger.lineEdit().selectAll()
