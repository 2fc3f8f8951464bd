"""Save mistakes as clips…'s question: which dataset folder the clips go into, and whether the missed keywords go
too.

Why a small dialog and not the folder dialog alone: the suggested folder ("<stream>-mistakes" beside the stream)
does not exist yet -- ``kws detect`` creates it -- and a folder dialog can only pick folders that exist; the
misses are a second choice a folder dialog cannot ask. One folder serves both: false accepts go into other words'
folders (never a keyword's), misses into their keywords' folders, so the two never mix, and the folder is one
dataset to add to a training run. :func:`ask_clips_folder` is what the workspace calls and what tests answer.

Why the counts come first: what is saved depends on the set -- a set with no false accepts has only its misses to
save, and a dialog that offers "0 false accepts" with the misses unchecked saves nothing and reads as a success.
So the dialog says up front what the set holds and offers only that (the misses checked when they are all there
is); a set with no mistakes at all is refused before it (:data:`NOTHING_TO_SAVE`). The false accepts in the
calibration's background recordings are counted with the stream's and said apart: they are saved too, into
``_false_accept_`` (:mod:`workbench.cli.detect_background`). Those in a recording moved or deleted since cannot be
cut, so they are not counted, and a sentence names the recording and how many it takes with it
(:func:`left_out_sentence`): a count that promised them would be a count of clips never written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from workbench.calibration.results.outcome_clips import FALSE_ACCEPT_FOLDER
from workbench.core.wording import counted, listed, plural

TITLE = "Save mistakes as clips"
MISTAKES_SUFFIX = "-mistakes"  # the suggested folder: "<stream stem>-mistakes" beside the stream
NOTHING_TO_SAVE = ("the selected set has no false accepts and no missed keywords in the stream: it has no mistakes "
                   "to save as clips")
FALSE_ACCEPTS_GO = ("saved as other words' clips (FOLDER/<word>/…, never into a keyword's folder; those on keywords "
                    "are left out)")
MISSES_GO = "as keyword clips (FOLDER/<keyword>/…)"
TRAIN_ON_THEM = "Add the folder to a training run's datasets to learn from them."


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


def left_out_sentence(left_out: Sequence[tuple[str, int]]) -> str:
    """The sentence naming the background recordings not found (``left_out``: name, the set's false accepts in it)
    and the false accepts they take with them; empty when none is."""
    if not left_out:
        return ""
    accepts, where, which = _left_out_parts(left_out)
    verb = plural(sum(count for _, count in left_out), "is", "are")
    return f"The set's {accepts} in {where} {verb} left out: {which}."


def nothing_to_save(left_out: Sequence[tuple[str, int]] = ()) -> str:
    """Why a set is refused before the dialog: no mistakes (:data:`NOTHING_TO_SAVE`), or only false accepts in
    background recordings not found."""
    if not left_out:
        return NOTHING_TO_SAVE
    accepts, where, which = _left_out_parts(left_out)
    return f"the selected set's only mistakes are its {accepts} in {where}, and {which}: there are no clips to save"


def _left_out_parts(left_out: Sequence[tuple[str, int]]) -> tuple[str, str, str]:
    """(how many false accepts, in which recordings, why they cannot be saved) of :func:`left_out_sentence`."""
    accepts = counted(sum(count for _, count in left_out), "false accept")
    which = "that background recording is" if len(left_out) == 1 else "those background recordings are"
    return accepts, listed([name for name, _ in left_out]), f"{which} not found (moved or deleted)"


def what_is_saved(false_accepts: int, misses: int, background: int = 0,
                  left_out: Sequence[tuple[str, int]] = ()) -> str:
    """The dialog's opening: what the selected set has (``false_accepts``, ``background`` of them in the background
    recordings that are still there, and ``misses`` in the stream) and what of it is saved where; then what is
    left out (:func:`left_out_sentence`)."""
    said = _what_is_saved(false_accepts, misses, background)
    return f"{said} {left_out_sentence(left_out)}" if left_out else said


def _what_is_saved(false_accepts: int, misses: int, background: int) -> str:
    missed = counted(misses, "missed keyword")
    accepts = counted(false_accepts, "false accept") + (f" ({background} of them in the background recordings, "
                                                        f"saved as {FALSE_ACCEPT_FOLDER}/ clips)" if background else "")
    where = "" if background else " in the stream"  # the misses are the stream's alone
    if false_accepts and misses:
        return (f"The selected set has {accepts} and {missed}{where}. False accepts are {FALSE_ACCEPTS_GO}; misses, "
                f"if asked, {MISSES_GO}. {TRAIN_ON_THEM}")
    if false_accepts:
        return (f"The selected set has {accepts} and no missed keywords{where}. False accepts are "
                f"{FALSE_ACCEPTS_GO}. {TRAIN_ON_THEM}")
    if misses:
        return (f"The selected set has no false accepts in the stream, only {missed}: only the misses can be "
                f"saved, {MISSES_GO}. {TRAIN_ON_THEM}")
    return f"{NOTHING_TO_SAVE[:1].upper()}{NOTHING_TO_SAVE[1:]}."  # the refusal, as a sentence


class MistakeClipsDialog(QDialog):
    """The folder (typed or chosen with Browse…) and the misses check box; Save clips is enabled with a folder and
    something to save (false accepts, or the misses checked)."""

    def __init__(self, default: Path, false_accepts: int, misses: int, parent: QWidget | None = None,
                 background: int = 0, left_out: Sequence[tuple[str, int]] = ()) -> None:
        """``false_accepts``, ``misses``: the selected set's counts (``background`` of the false accepts in the
        background recordings, ``left_out`` those in recordings not found: not counted), said first and next to the
        misses' choice; with no false accepts the misses are checked (all there is), with no misses unavailable."""
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.false_accepts = false_accepts
        self.intro = QLabel(what_is_saved(false_accepts, misses, background, left_out))
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)  # "<word>" is no tag
        self.folder_edit = QLineEdit(str(default))
        self.folder_edit.setAccessibleName("Dataset folder for the clips")
        browse = QPushButton("B&rowse…", accessibleName="Browse for the dataset folder")
        browse.clicked.connect(self.browse)
        also = "Also save" if false_accepts else "Save"
        self.misses_box = QCheckBox(f"{also} the misses ({counted(misses, 'missed keyword')}) into the keywords' "
                                    "folders")
        self.misses_box.setToolTip("Keyword clips the model failed on, to train on again (FOLDER/<keyword>/…)")
        self.misses_box.setChecked(misses > 0 and not false_accepts)  # all there is to save
        self.misses_box.setEnabled(misses > 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("&Save clips", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.folder_edit.textChanged.connect(self._update_save)
        self.misses_box.toggled.connect(self._update_save)
        self._update_save()
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
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
        """What the dialog holds (None without a folder, or with nothing to save)."""
        text = self.folder_edit.text().strip()
        return ClipsChoice(Path(text).expanduser(), self.misses_box.isChecked()) if self._can_save() else None

    def _can_save(self) -> bool:
        return bool(self.folder_edit.text().strip()) and (self.false_accepts > 0 or self.misses_box.isChecked())

    def _update_save(self) -> None:
        self.save_button.setEnabled(self._can_save())


def ask_clips_folder(parent: QWidget, default: Path, false_accepts: int, misses: int, background: int = 0,
                     left_out: Sequence[tuple[str, int]] = ()) -> ClipsChoice | None:
    """Ask where the clips go (``default`` offered); None when cancelled."""
    dialog = MistakeClipsDialog(default, false_accepts, misses, parent, background, left_out)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
