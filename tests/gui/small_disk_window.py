"""A started main window whose settings file lives on a small real disk that the test fills (root only: a tmpfs is
mounted; see :mod:`tests.small_disk`)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator


@contextlib.contextmanager
def window_with_settings_on_a_small_disk(qtbot: Any, settings_dir: Path) -> Iterator[tuple[Any, Path]]:
    """A started window whose settings file is on a 64k tmpfs (that the test fills): (window, the disk)."""
    from PySide6.QtCore import QSettings

    from tests.small_disk import mounted_tmpfs
    from workbench.assets import sample_audio_path
    from workbench.gui.window.main_window import MainWindow

    with mounted_tmpfs(settings_dir.parent / "filling", "64k") as config:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config))
        window = MainWindow(dark=True)
        qtbot.addWidget(window)
        window.show()
        window.start_up(audio=sample_audio_path())
        yield window, config
