"""stored_text: what a real settings file holds under a key, as text -- anything but a string is nothing stored
(a list or a number written by hand or by another version must not reach a path field or a serial number)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from workbench.gui.settings.stored_values import stored_text


def test_a_stored_string_is_read_and_anything_else_is_nothing(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    path.write_text("[board]\nport=/dev/ttyACM0\nserial=440123456\nimages=a, b\n", encoding="utf-8")
    qsettings = QSettings(str(path), QSettings.Format.IniFormat)
    assert stored_text(qsettings, "board/port") == "/dev/ttyACM0"
    assert stored_text(qsettings, "board/serial") == "440123456"  # an INI file's number reads back as text
    assert isinstance(qsettings.value("board/images"), list)  # "a, b" is a list in an INI file
    assert stored_text(qsettings, "board/images") == ""
    assert stored_text(qsettings, "board/missing") == ""
    qsettings.setValue("board/count", 3)
    assert stored_text(qsettings, "board/count") == ""
