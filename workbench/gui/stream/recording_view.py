"""Where recorded clips go: a dataset folder and a label, laid out as keyword-spotting datasets are.

Speech Commands, MLTK and Edge Impulse all read a dataset as ``<folder>/<label>/<clip>.wav``, so a
take recorded here lands straight in a training set: ``<folder>/<label>/<label>_<YYYYmmdd-HHMMSS>.wav``
(a suffix keeps two takes in the same second apart; nothing is ever overwritten). The label list
offers the model's classes and accepts any new word.

With a speaker name the take is ``<speaker>_nohash_<label>_<time>.wav``: Speech Commands' naming, so
the dataset splits (:mod:`workbench.datasets.splits`) keep all of one person's takes on one side and
a model is never validated on the voice it was trained on.
"""

from __future__ import annotations

import getpass
import re
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QGridLayout, QGroupBox, QLabel, QLineEdit, QPushButton,
                               QWidget)

from workbench.core.recording.recordings_folder import RecordingsFolder
from workbench.gui.widgets.elided_path_label import ElidedPathLabel

CLIP_TIME_FORMAT = "%Y%m%d-%H%M%S"
RECORDINGS_DIR = "recordings"
DEFAULT_LABEL = "clip"
# a label becomes a folder and a file name; an apostrophe stays, as in the folders kws dataset synth makes ("don't"),
# so a take of a phrase lands in the folder of its synthetic clips
UNSAFE_CHARACTERS = re.compile(r"[^\w.'-]+")
SPEAKER_SEPARATOR = "_nohash_"  # Speech Commands: the part before it names the speaker
# File systems allow 255 bytes per name: a label (a folder, and again in the file name) and a speaker are cut to
# these UTF-8 lengths so <speaker>_nohash_<label>_<time>-<n>.wav always fits, whatever was typed.
MAX_LABEL_BYTES = 120
MAX_SPEAKER_BYTES = 80
FALLBACK_SPEAKER = "me"  # the speaker id without a login name


def default_recordings_folder() -> Path:
    """The per-user data folder's ``recordings`` (until the user picks a dataset folder)."""
    import platformdirs

    return platformdirs.user_data_path("kws-workbench", appauthor=False) / RECORDINGS_DIR


def default_speaker() -> str:
    """The speaker id a guided session starts with: the login name, or ``me`` when there is none."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return FALLBACK_SPEAKER
    return name.strip() or FALLBACK_SPEAKER


def safe_label(text: str, max_bytes: int = MAX_LABEL_BYTES) -> str:
    """``text`` as a folder/file name: spaces and separators become ``_``; empty → ``clip``; cut to ``max_bytes``
    of UTF-8 (never inside a character), else a long label cannot be saved at all (ENAMETOOLONG).

    Underscores are kept at the ends: ``_silence_`` and ``_unknown_`` are what datasets call those classes."""
    cleaned = UNSAFE_CHARACTERS.sub("_", text.strip())
    cleaned = cleaned.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
    cleaned = cleaned.strip(".")  # "_silence_" stays the dataset's folder
    return cleaned if cleaned.strip("_'") else DEFAULT_LABEL


def unique_clip_path(folder: Path, label: str, when: float | None = None, speaker: str = "") -> Path:
    """``folder/label/[speaker_nohash_]label_<time>.wav``, with ``-2``, ``-3``… if that name is taken."""
    label = safe_label(label)
    stem = f"{label}_{time.strftime(CLIP_TIME_FORMAT, time.localtime(when))}"
    if speaker.strip():
        stem = f"{safe_label(speaker, MAX_SPEAKER_BYTES).replace(SPEAKER_SEPARATOR, '_')}{SPEAKER_SEPARATOR}{stem}"
    path = folder / label / f"{stem}.wav"
    n = 2
    while path.exists():
        path = folder / label / f"{stem}-{n}.wav"
        n += 1
    return path


class RecordingView(QGroupBox):
    """The label to record and the dataset folder (``label_changed`` / ``folder_changed`` on edits).

    ``folder`` is the workbench's default (made when missing) until the user picks one with :meth:`set_folder`."""

    label_changed = Signal(str)
    folder_changed = Signal(str)
    speaker_changed = Signal(str)

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__("Recording clips", parent)
        self._folder = RecordingsFolder.workbench_default(folder)
        self.label_combo = QComboBox()
        self.label_combo.setEditable(True)
        self.label_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.label_combo.setToolTip("The word you are about to say: the clip goes into a folder of "
                                    "that name. Pick a class of the model or type a new one.")
        self.label_combo.currentTextChanged.connect(lambda text: self.label_changed.emit(text))
        self.speaker_edit = QLineEdit()
        self.speaker_edit.setPlaceholderText("optional: who is speaking")
        self.speaker_edit.setToolTip("Your name or an id: the takes are named <speaker>_nohash_…, so training "
                                     "keeps each speaker's takes in one split (never trained and validated "
                                     "on the same voice).")
        self.speaker_edit.textChanged.connect(lambda text: self.speaker_changed.emit(text))
        # the path elided in its middle, the folder's name whole (the full path in its tooltip), on a line of its
        # own with the button under it: beside the button at a large font the name was cut to "recor", and a name
        # wide enough for both made the Source panel wider than its dock, the button cut at the dock's edge
        self.folder_label = ElidedPathLabel()
        self.folder_button = QPushButton("Fol&der…")
        self.folder_button.setToolTip("The dataset folder the clips are saved in, one sub-folder per label.")
        self.folder_button.clicked.connect(self.choose_folder)
        grid = QGridLayout(self)
        for line, (text, field) in enumerate((("Label", self.label_combo), ("Speaker", self.speaker_edit),
                                              ("Folder", self.folder_label))):
            label = QLabel(text)
            label.setBuddy(field)  # a screen reader names the field after it (else after the group box)
            field.setAccessibleName(f"Recording {text.lower()}")
            grid.addWidget(label, line, 0)
        grid.addWidget(self.label_combo, 0, 1)
        grid.addWidget(self.speaker_edit, 1, 1)
        grid.addWidget(self.folder_label, 2, 1)
        grid.addWidget(self.folder_button, 3, 1, Qt.AlignmentFlag.AlignLeft)
        grid.setColumnStretch(1, 1)
        self._show_folder()

    # -- label ---------------------------------------------------------------------------------
    def set_classes(self, classes: Sequence[str]) -> None:
        """Offer the model's classes; a label already typed is kept, one of the previous model's classes is not.

        Why not keep the previous model's class: it was only what that model offered (its first class, unless
        another was picked), and with a go/stop model opened after the yes/no one the field still said "yes": the
        next takes of "go" were filed as "yes" clips."""
        current = self.label_combo.currentText()
        offered = {self.label_combo.itemText(index) for index in range(self.label_combo.count())}
        if current in offered and current not in classes:
            current = ""
        self.label_combo.blockSignals(True)
        self.label_combo.clear()
        self.label_combo.addItems(list(classes))
        self.label_combo.setCurrentText(current or (classes[0] if classes else DEFAULT_LABEL))
        self.label_combo.blockSignals(False)

    def set_label(self, label: str) -> None:
        self.label_combo.setCurrentText(label)

    def label(self) -> str:
        return safe_label(self.label_combo.currentText())

    def speaker(self) -> str:
        return self.speaker_edit.text().strip()

    def set_speaker(self, speaker: str) -> None:
        self.speaker_edit.setText(speaker)

    # -- folder --------------------------------------------------------------------------------
    def folder(self) -> Path:
        return self._folder.path

    def recordings_folder(self) -> RecordingsFolder:
        """The folder with whether it may be made: what a take is saved into."""
        return self._folder

    def set_folder(self, folder: Path | str) -> None:
        """A folder the user chose (the dialog, or the settings remembering one): never made again when missing."""
        self._folder = RecordingsFolder.user_chosen(Path(folder))
        self._show_folder()

    def choose_folder(self) -> None:
        chosen = self._ask_folder()
        if chosen:
            self.set_folder(chosen)
            self.folder_changed.emit(str(self.folder()))

    def _ask_folder(self) -> str:
        """The folder dialog (a method so tests can answer it)."""
        return QFileDialog.getExistingDirectory(self, "Folder for recorded clips", str(self.folder()))

    def _show_folder(self) -> None:
        self.folder_label.set_path(self.folder())

    def clip_path(self, when: float | None = None) -> Path:
        """Where the next take goes."""
        return unique_clip_path(self.folder(), self.label(), when, self.speaker())
