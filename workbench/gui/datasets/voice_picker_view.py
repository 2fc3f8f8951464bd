"""Which voices a synthetic dataset is spoken by: installed voices to tick, missing engines to install.

Why a child process: finding the voices runs each engine's program and reads the wheels' files (a second
or two); ``kws dataset voices --json`` does it off the GUI thread and gives exactly the list the build
will use. Engines are the top rows (ticking one ticks its voices); a missing engine is a greyed row
whose children are the lines that install it.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QProcess, Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from workbench.child_command import kws_command

ID_ROLE = Qt.ItemDataRole.UserRole
EXPANDED_UP_TO = 8  # engines with more voices (espeak-ng) start collapsed


class VoicePickerView(QTreeWidget):
    """Engines and their voices with check boxes. ``loaded()`` / ``failed(message)`` after :meth:`refresh`."""

    loaded = Signal()
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Voice", "Speaker"])
        self.setToolTip("The voices that will speak the words. Voices of one recorded person under several "
                        "engines share a speaker id, so the dataset split keeps them together.")
        self.setColumnWidth(0, 260)
        self._process: QProcess | None = None
        self.data: dict[str, Any] = {}

    # -- loading --------------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self._process is not None

    def refresh(self, espeak_variants: str = "all") -> None:
        """Ask ``kws dataset voices --json`` for the installed voices (asynchronously)."""
        if self._process is not None:
            return
        self.clear()
        QTreeWidgetItem(self, ["looking for installed voices…"])
        program, *arguments = kws_command("dataset", "voices", "--json", "--espeak-variants", espeak_variants)
        process = QProcess(self)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self._process = process
        process.start(program, arguments)

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        out = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        err = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
        process.deleteLater()
        try:
            data = json.loads(out) if code == 0 else None
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            self.clear()
            self.failed.emit(err.splitlines()[-1] if err else f"listing the voices failed (exit code {code})")
            return
        self.show_voices(data)
        self.loaded.emit()

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            process, self._process = self._process, None
            process.deleteLater()
            self.clear()
            self.failed.emit(f"cannot list the voices: {process.errorString()}")

    def show_voices(self, data: dict[str, Any]) -> None:
        """Fill the tree from ``kws dataset voices --json`` output (every installed voice ticked)."""
        self.data = data
        self.clear()
        voices = data.get("voices", [])
        for engine in data.get("engines", []):
            name = str(engine.get("name", ""))
            row = QTreeWidgetItem(self, [name, ""])
            if not engine.get("available"):
                row.setText(0, f"{name} (not installed)")
                row.setToolTip(0, str(engine.get("detail", "")))
                row.setDisabled(True)
                for line in engine.get("install", []):
                    QTreeWidgetItem(row, [f"add it: {line}", ""]).setDisabled(True)
                continue
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate)
            row.setCheckState(0, Qt.CheckState.Checked)
            row.setToolTip(0, str(engine.get("detail", "")))
            for voice in (v for v in voices if v.get("engine") == name):
                child = QTreeWidgetItem(row, [str(voice["id"]), str(voice.get("speaker", ""))])
                child.setData(0, ID_ROLE, str(voice["id"]))
                child.setToolTip(0, str(voice.get("description", "")))
                child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                child.setCheckState(0, Qt.CheckState.Checked)
        for i in range(self.topLevelItemCount()):
            row = self.topLevelItem(i)
            row.setExpanded(row.childCount() <= EXPANDED_UP_TO)

    # -- selection ------------------------------------------------------------------------------
    def _voice_items(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.topLevelItemCount()):
            row = self.topLevelItem(i)
            items += [row.child(j) for j in range(row.childCount()) if row.child(j).data(0, ID_ROLE)]
        return items

    def selected_ids(self) -> list[str]:
        return [str(item.data(0, ID_ROLE)) for item in self._voice_items()
                if item.checkState(0) == Qt.CheckState.Checked]

    def all_selected(self) -> bool:
        items = self._voice_items()
        return bool(items) and all(item.checkState(0) == Qt.CheckState.Checked for item in items)

    def selected_engines(self) -> list[str]:
        return sorted({voice_id.split(":", 1)[0] for voice_id in self.selected_ids()})

    def set_engine_checked(self, engine: str, checked: bool) -> None:
        for i in range(self.topLevelItemCount()):
            row = self.topLevelItem(i)
            if row.text(0) == engine:
                row.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def stop(self) -> None:
        """End a listing still running (dialog closing)."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.waitForFinished(1000)
            process.deleteLater()
