"""Save mistakes as clips…'s question: which dataset folder the clips go into, and whether the missed keywords go
too.

Why a small dialog and not the folder dialog alone: the suggested folder ("<stream>-mistakes" beside the stream)
does not exist yet -- ``kws detect`` creates it -- and a folder dialog can only pick folders that exist; the
misses are a second choice a folder dialog cannot ask. One folder serves both: false accepts go into other words'
folders (never a keyword's), misses into their keywords' folders, so the two never mix, and the folder is one
dataset to add to a training run. :func:`ask_clips_folder` is what the workspace calls and what tests answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from workbench.core.wording import counted

TITLE = "Save mistakes as clips"
MISTAKES_SUFFIX = "-mistakes"  # the suggested folder: "<stream stem>-mistakes" beside the stream


@dataclass(frozen=True)
class ClipsChoice:
    """Where the clips go, and whether the missed keywords are saved too (into the same folder)."""

    folder: Path
    misses: bool


def suggested_folder(stream: Path) -> Path:
    """The folder offered first: beside the stream, named after it (``stream.wav`` → ``stream-mistakes``)."""
    return stream.with_name(stream.stem + MISTAKES_SUFFIX)


def existing_ancestor(path: Path) -> Path:
    """``path`` or its nearest folder that exists: where a folder dialog can start."""
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


class MistakeClipsDialog(QDialog):
    """The folder (typed or chosen with Browse…) and the misses check box; Save clips is enabled with a folder."""

    def __init__(self, default: Path, false_accepts: int, misses: int, parent: QWidget | None = None) -> None:
        """``false_accepts``, ``misses``: the selected set's counts in the stream, said next to each choice."""
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        intro = QLabel(f"The selected set's {counted(false_accepts, 'false accept')} in the stream are saved as "
                       "other words' clips (FOLDER/<word>/…, never into a keyword's folder; those on keywords are "
                       "left out). Add the folder to a training run's datasets to learn from them.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)  # "<word>" is no tag
        self.folder_edit = QLineEdit(str(default))
        self.folder_edit.setAccessibleName("Dataset folder for the clips")
        browse = QPushButton("B&rowse…", accessibleName="Browse for the dataset folder")
        browse.clicked.connect(self.browse)
        self.misses_box = QCheckBox(f"Also save the misses ({counted(misses, 'missed keyword')}) into the keywords' "
                                    "folders")
        self.misses_box.setToolTip("Keyword clips the model failed on, to train on again (FOLDER/<keyword>/…)")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("&Save clips", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.folder_edit.textChanged.connect(lambda text: self.save_button.setEnabled(bool(text.strip())))
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        folder_label = QLabel("Dataset &folder:")
        folder_label.setBuddy(self.folder_edit)
        layout.addWidget(folder_label)
        layout.addLayout(row)
        layout.addWidget(self.misses_box)
        layout.addWidget(self.buttons)

    def browse(self) -> None:
        """Choose the folder with the desktop's folder dialog, starting at the typed folder (or its nearest parent
        that exists)."""
        start = existing_ancestor(Path(self.folder_edit.text().strip() or "."))
        folder = QFileDialog.getExistingDirectory(self, "Save the mistakes' clips into", str(start))
        if folder:
            self.folder_edit.setText(folder)

    def choice(self) -> ClipsChoice | None:
        """What the dialog holds (None without a folder)."""
        text = self.folder_edit.text().strip()
        return ClipsChoice(Path(text).expanduser(), self.misses_box.isChecked()) if text else None


def ask_clips_folder(parent: QWidget, default: Path, false_accepts: int, misses: int) -> ClipsChoice | None:
    """Ask where the clips go (``default`` offered); None when cancelled."""
    dialog = MistakeClipsDialog(default, false_accepts, misses, parent)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
