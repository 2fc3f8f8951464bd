"""Build a labelled test stream from a dataset folder, in a dialog (``kws stream make`` in a child).

Why a dialog: a user who has no stream yet needs one before a calibration means anything; the dialog asks for the
few choices that matter (dataset folder, keywords -- or keywords only, for one's takes of them alone --, length,
which speakers and how the dataset is split, the noise -- the dataset's own, recordings of the user's, or none: a
dataset without a ``_background_noise_`` folder, one's own takes, cannot be built otherwise --, seed, where to
write) and runs the same command-line tool as a child process, with progress and Cancel. On success
:attr:`StreamDialog.built_path` is the WAV written (its labels JSON and CSV lie beside it): the path given to the
child, whatever the form says by then (the choices are locked while it runs anyway). "Write to" an existing folder
writes ``<folder>/stream.wav`` into it; a name without ``.wav`` gets the suffix. The split's boxes start from the
calibrated model's training run when it has one (:mod:`.stream_split_fields`): a testing stream split otherwise may
hold clips the model trained on. So does the Dataset box (:func:`run_dataset`): the run names the folder it trained
on, and the speakers it kept for testing are in that folder only.

The dialog is never shorter than its wrapped lines need at its width (:meth:`StreamDialog.event`): a window's
layout asks only for a wrapped label's minimum height, and Qt opens a dialog at most two thirds of the screen
high, so at a 16 pt font on a 1280x720 screen the split's two-line note was cut and ran into the Seed row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from workbench.core.detection.detector import keyword_classes
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import load_model
from workbench.gui.calibration.stream_split_fields import SPLIT_BOXES, StreamSplitFields
from workbench.gui.file_dialogs import AUDIO_FILTER
from workbench.gui.training.run_folder_state import run_spec
from workbench.gui.kws_child import KwsChild
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox
from workbench.gui.widgets.message_label import MessageLabel
from workbench.gui.widgets.path_list import PathList
from workbench.gui.widgets.whole_spin_box import WholeSpinBox

SPLITS = ("testing", "validation", "training", "all")
KEYWORDS_ONLY = "Keywords only"
KEYWORDS_ONLY_OPTION = "--unknown-count 0"  # no other words between the keywords: one's takes of the keywords alone
DEFAULT_MINUTES = 10.0
MAX_MINUTES = 600.0
MAX_SEED = 2**31 - 1
PROGRESS_STEPS = 1000
# the boxes each option of kws stream make comes from: the child's messages name the box instead
STREAM_BOXES = {"--dataset": "Dataset", "--keywords": "Keywords", "--minutes": "Length", "--split": "Speakers",
                **SPLIT_BOXES, "--noise": "Noise", "--no-noise": "No noise",
                KEYWORDS_ONLY_OPTION: KEYWORDS_ONLY, "--seed": "Seed", "--out": "Write to"}
MIN_WIDTH_PX = 620  # the path fields show a whole path and their placeholders, not 125 px of them
STREAM_NAME = "stream.wav"  # the file written into a folder chosen as "Write to"
WAV_SUFFIX = ".wav"
DEFAULT_KEYWORDS = ("yes", "no")  # with no model at all


def stream_keywords(model_path: Path | None, loaded: Any = None) -> tuple[str, ...]:
    """The keywords of the model a stream is built for: the calibrated model's (the Calibration workspace's Model
    field), read from its file unless it is the loaded model ``loaded``; the loaded model's when it cannot be read.

    Why not always the loaded model's: the stream's split comes from the calibrated model's run
    (:mod:`.stream_split_fields`), and a stream of one model's keywords split as another's run fits neither."""
    classes = getattr(loaded, "classes", DEFAULT_KEYWORDS)
    loaded_path = getattr(loaded, "path", None)
    if model_path is not None and (loaded_path is None or Path(loaded_path).resolve() != Path(model_path).resolve()):
        try:
            classes = load_model(model_path).classes
        except WorkbenchError:
            pass  # the run says why the model does not load; the stream is still built for the loaded model's words
    return tuple(keyword_classes(classes))


def run_dataset(model: Path | None) -> Path | None:
    """The dataset folder the training run of ``model`` (a ``kws train`` folder, ``run.json`` beside the model)
    trained on, the one it weighed most of those still there (the first of equals: a real dataset is usually listed
    before a synthetic one weighed less); None for a model without a run, or none of its folders there."""
    ran_with = run_spec(Path(model).parent) if model is not None else None
    folders = [folder for folder in (ran_with.datasets if ran_with is not None else []) if folder.path.is_dir()]
    return max(folders, key=lambda folder: folder.weight).path if folders else None


class StreamDialog(QDialog):
    """Choices for ``kws stream make`` and a Build button; accepted once the stream is written. ``model``: the
    model the stream is for, whose training run (when beside it) gives the split and, without ``dataset``, the
    dataset folder."""

    def __init__(self, keywords: Sequence[str] = ("yes", "no"), dataset: Path | None = None,
                 parent: QWidget | None = None, model: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Build a labelled stream")
        self.built_path: Path | None = None
        self._building: Path | None = None  # the WAV the running child writes
        # the label of a row that holds a field and its button names the row, not the field: each is named here
        self.dataset_edit = QLineEdit(str(dataset or run_dataset(model) or ""), accessibleName="Dataset folder")
        self.dataset_edit.setPlaceholderText("a folder with one folder per word (Speech Commands layout)")
        dataset_button = QPushButton("B&rowse…", accessibleName="Browse for the dataset folder")
        dataset_button.clicked.connect(self._choose_dataset)
        self.keywords_edit = QLineEdit(",".join(keywords), accessibleName="Keywords")  # its row holds Keywords only too
        self.keywords_only = QCheckBox(KEYWORDS_ONLY)
        self.keywords_only.setToolTip("No other words between the keywords (the silences stay): a stream of one's "
                                      "own takes of the keywords alone; false accepts on other speech need other "
                                      "words, or background recordings in the calibration")
        self.minutes_spin = DecimalSpinBox(decimals=1, minimum=0.5, maximum=MAX_MINUTES, value=DEFAULT_MINUTES,
                                           suffix=" min")
        self.split_combo = QComboBox()
        self.split_combo.addItems(SPLITS)
        self.split_combo.setToolTip("testing: speakers the training never used (with its split shares and rule)")
        self.split_fields = StreamSplitFields(model)
        self.noise = PathList("Noise", AUDIO_FILTER, "Noise recordings mixed between and under the words, instead of "
                              "the dataset's _background_noise_ folder (used when the list is empty)",
                              empty_hint="the dataset's _background_noise_ recordings")
        self.no_noise = QCheckBox("No noise")
        self.no_noise.setToolTip("Build the stream without background noise: silence between the words")
        self.no_noise.toggled.connect(lambda on: self.noise.setEnabled(not on))
        self.seed_spin = WholeSpinBox(minimum=0, maximum=MAX_SEED)
        self.out_edit = QLineEdit(accessibleName="Write the stream to")
        self.out_edit.setPlaceholderText("stream.wav (labels are written beside it)")
        out_button = QPushButton("Bro&wse…", accessibleName="Browse for where to write the stream")
        out_button.clicked.connect(self._choose_out)
        self.progress = QProgressBar(maximum=PROGRESS_STEPS, textVisible=False, visible=False)
        self.status = MessageLabel()
        self.buttons = QDialogButtonBox()
        self.build_button = self.buttons.addButton("&Build", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.build_button.clicked.disconnect()
        self.build_button.clicked.connect(self.build)
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self._cancel)

        self.form_box = QWidget()  # locked while the child builds
        form = QFormLayout(self.form_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Dataset", self._row(self.dataset_edit, dataset_button))
        form.addRow("Keywords", self._row(self.keywords_edit, self.keywords_only))
        form.addRow("Length", self.minutes_spin)
        form.addRow("Speakers", self.split_combo)
        self.split_fields.add_rows(form)
        # No noise beside the list's buttons, not a row of its own: at a 16 pt font on a 1280x720 screen that row
        # took the dialog with a refusal below the screen's bottom edge
        form.addRow("Noise", self._row(self.noise, self.no_noise, Qt.AlignmentFlag.AlignBottom))
        form.addRow("Seed", self.seed_spin)
        form.addRow("Write to", self._row(self.out_edit, out_button))
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.child = KwsChild("building the stream", self, boxes=STREAM_BOXES)
        self.child.progress.connect(lambda _phase, f: self.progress.setValue(int(f * PROGRESS_STEPS)))
        self.child.succeeded.connect(self._succeeded)
        self.child.failed.connect(self._failed)
        self.child.cancelled.connect(self._cancelled)
        self.setMinimumWidth(MIN_WIDTH_PX)

    def event(self, event: QEvent) -> bool:
        """After each layout and resize: the dialog's minimum height is what its wrapped lines need at its width (the
        module docstring says why); a wider dialog may be shorter again."""
        fits = event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize)  # (after a DeferredDelete, self is gone)
        handled = super().event(event)
        layout = self.layout() if fits else None
        if layout is not None:
            needed = max(layout.totalMinimumSize().height(), layout.totalHeightForWidth(self.width()))
            if needed != self.minimumHeight():
                self.setMinimumHeight(needed)
        return handled

    @staticmethod
    def _row(main: QWidget, beside: QWidget, align: Qt.AlignmentFlag = Qt.AlignmentFlag(0)) -> QWidget:
        """``main`` (a field, the Noise list) with ``beside`` (its button, No noise) on its right."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(main, 1)
        layout.addWidget(beside, 0, align)
        return row

    def arguments(self) -> list[str] | None:
        """The ``kws stream make`` arguments, or None (and a message) when a choice is missing."""
        dataset, out = self.dataset_edit.text().strip(), self.out_edit.text().strip()
        if not dataset:
            self._show_error("choose the dataset folder")
            return None
        if not out:
            self._show_error("choose where to write the stream (.wav)")
            return None
        if Path(out).expanduser().is_dir():  # a folder: the stream goes into it, not beside it
            out = str(Path(out) / STREAM_NAME)
            self.out_edit.setText(out)
        elif not out.lower().endswith(WAV_SUFFIX):
            out += WAV_SUFFIX
            self.out_edit.setText(out)
        return ["stream", "make", "--dataset", dataset, "--out", out, "--keywords", self.keywords_edit.text().strip(),
                "--minutes", f"{self.minutes_spin.value():g}", "--split", self.split_combo.currentText(),
                *self.split_fields.arguments(), *self._noise_arguments(),
                *(KEYWORDS_ONLY_OPTION.split() if self.keywords_only.isChecked() else ()),
                "--seed", str(self.seed_spin.value()), "--progress", "jsonl"]

    def _noise_arguments(self) -> list[str]:
        """``--no-noise``, or ``--noise FILE`` per file of the Noise list (none: the dataset's own noise)."""
        if self.no_noise.isChecked():
            return ["--no-noise"]
        return [argument for path in self.noise.paths() for argument in ("--noise", str(path))]

    def build(self) -> None:
        args = self.arguments()
        if args is None or self.child.running:
            return
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.show_text("building…")
        self._building = Path(args[args.index("--out") + 1])
        self._set_building(True)
        self.child.start(*args)

    def _set_building(self, building: bool) -> None:
        self.build_button.setEnabled(not building)
        self.form_box.setEnabled(not building)

    def _cancel(self) -> None:
        if self.child.running:
            self.child.cancel()
        else:
            self.reject()

    def _succeeded(self) -> None:
        self.built_path = self._building
        self._set_building(False)
        self.accept()

    def _failed(self, message: str) -> None:
        self._show_error(message)

    def _cancelled(self) -> None:
        self.progress.setVisible(False)
        self._set_building(False)
        self.status.show_text("cancelled")

    def _show_error(self, message: str) -> None:
        self.progress.setVisible(False)
        self._set_building(False)
        self.status.show_error(message)

    def reject(self) -> None:
        if self.child.running:
            self.child.cancel()
            self.child.wait_stopped()
        super().reject()

    def _choose_dataset(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Dataset folder", self.dataset_edit.text())
        if path:
            self.dataset_edit.setText(path)

    def _choose_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Write the stream to", self.out_edit.text() or "stream.wav",
                                              "WAV (*.wav)")
        if path:
            self.out_edit.setText(path)
