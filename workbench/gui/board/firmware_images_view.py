"""The Board workspace's firmware images: one box per app -- the model profiler's, which Profile flashes, and the
audio classifier's, which Classify and Flash flash -- each empty for MLTK's published image.

Why a box per app: MLTK builds the profiler and the classifier as two apps, so a user who builds their own has a
different image for each run, and one box for both had to be retyped before every other run. A box that only
showed the image of the job about to run would flash what is not on screen; two labelled boxes show at a glance
what each button puts on the board, as ``kws board profile --firmware`` and ``kws board classify --firmware`` each
take their own. They are rows of the Run box's grid rather than a widget of their own, so that their fields line
up with the Model and Accelerator rows. Each box is remembered under its ``board/…`` key of the window's settings,
as the workspace's other choices are; the first versions' one image for both (``board/firmware``) is moved into
the box of the app it is, or into both when it is neither's (the user's own firmware, which both runs flashed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from workbench.board.firmware.catalog import CLASSIFIER_APP, PROFILER_APP
from workbench.board.firmware.image_app import APP_TITLES, image_app
from workbench.board.flashing.firmware_image import IMAGE_PATTERNS
from workbench.gui.settings.stored_values import stored_text

LEGACY_FIRMWARE_KEY = "board/firmware"  # the first versions' one image for Profile and Classify alike
LABEL_COLUMN, FIELD_COLUMN, FIELD_SPAN, BROWSE_COLUMN = 0, 1, 2, 3  # the Run box's grid


@dataclass(frozen=True)
class FirmwareBox:
    """One app's box: which MLTK app its image is of, its row's label (the name messages give it), the buttons
    that flash it, the ``kws board`` command that takes the same image, and where it is remembered."""

    app: str
    label: str
    buttons: str
    command: str
    key: str


FIRMWARE_BOXES = (
    FirmwareBox(PROFILER_APP, "Profiler image", "Profile", "kws board profile", "board/profiler_firmware"),
    FirmwareBox(CLASSIFIER_APP, "Classifier image", "Classify and Flash", "kws board classify",
                "board/classifier_firmware"),
)
BOX_OF = {box.app: box for box in FIRMWARE_BOXES}


def box_label(app: str | None) -> str:
    """The name of the box holding ``app``'s image ("Profiler image"); for no app, either box's."""
    return BOX_OF[app].label if app in BOX_OF else " or ".join(box.label for box in FIRMWARE_BOXES)


def move_legacy_image(qsettings: Any) -> None:
    """Move the first versions' one image (``board/firmware``) into the box of the app it is, or into both when
    :func:`~workbench.board.firmware.image_app.image_app` cannot tell; then remove its key. Boxes already
    remembered (another window moved it first) are left as they are."""
    if not qsettings.contains(LEGACY_FIRMWARE_KEY):
        return
    legacy = stored_text(qsettings, LEGACY_FIRMWARE_KEY)
    if legacy and not any(qsettings.contains(box.key) for box in FIRMWARE_BOXES):
        app = image_app(legacy)
        for box in FIRMWARE_BOXES:
            if app is None or app == box.app:
                qsettings.setValue(box.key, legacy)
    qsettings.remove(LEGACY_FIRMWARE_KEY)


class FirmwareImagesView:
    """The two boxes with their Browse… buttons (:meth:`add_rows` puts them in the Run box's grid);
    :meth:`image` gives a run the image of its app."""

    def __init__(self, qsettings: Any, parent: QWidget) -> None:
        self._qsettings = qsettings
        self._parent = parent
        move_legacy_image(qsettings)
        self.edits: dict[str, QLineEdit] = {}
        self.browse_buttons: dict[str, QPushButton] = {}
        for box in FIRMWARE_BOXES:  # each box before its button: the Tab order
            title = APP_TITLES[box.app]
            edit = QLineEdit(stored_text(qsettings, box.key), parent)
            edit.setPlaceholderText(f"MLTK's published {title}")
            edit.setClearButtonEnabled(True)  # one click back to the published image
            edit.setAccessibleName(box.label)
            edit.setToolTip(f"Firmware image for {box.buttons} (.s37/.hex/.bin): your own build of MLTK's {title} "
                            f"app ({box.command} --firmware); empty: MLTK's published {title} image for the "
                            "connected board and accelerator (downloaded once)")
            edit.textChanged.connect(lambda text, key=box.key: qsettings.setValue(key, text.strip()))
            browse = QPushButton("Browse…", parent)
            browse.setAccessibleName(f"Browse for the {box.label.lower()}")
            browse.setToolTip(f"Choose your own {title} image for {box.buttons} (.s37, .hex or .bin)")
            browse.clicked.connect(lambda _checked=False, app=box.app: self._browse(app))
            self.edits[box.app], self.browse_buttons[box.app] = edit, browse

    @property
    def profiler(self) -> QLineEdit:
        return self.edits[PROFILER_APP]

    @property
    def classifier(self) -> QLineEdit:
        return self.edits[CLASSIFIER_APP]

    def add_rows(self, grid: QGridLayout, row: int) -> int:
        """One row per box from ``row`` on: label, box, Browse…; returns the row after them."""
        for box in FIRMWARE_BOXES:
            label = QLabel(f"{box.label}:", self._parent)
            label.setBuddy(self.edits[box.app])
            grid.addWidget(label, row, LABEL_COLUMN)
            grid.addWidget(self.edits[box.app], row, FIELD_COLUMN, 1, FIELD_SPAN)
            grid.addWidget(self.browse_buttons[box.app], row, BROWSE_COLUMN)
            row += 1
        return row

    def image(self, app: str | None) -> Path | None:
        """The image ``app``'s box holds, None for the published one (and for a job that flashes no app)."""
        text = self.edits[app].text().strip() if app in self.edits else ""
        return Path(text) if text else None

    def _browse(self, app: str) -> None:
        """Start where the box's image is, else where the other box's is (both builds are often side by side)."""
        edit = self.edits[app]
        start = edit.text().strip() or next((str(Path(other.text().strip()).parent) for other in self.edits.values()
                                             if other.text().strip()), "")
        path, _ = QFileDialog.getOpenFileName(self._parent, BOX_OF[app].label, start,
                                              f"Firmware images ({IMAGE_PATTERNS});;All files (*)")
        if path:
            edit.setText(path)
