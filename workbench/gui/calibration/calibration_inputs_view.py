"""What to calibrate: the model, the labelled stream, background-only recordings, the target, and other
models to compare with on the same stream.

Why a view of its own: the workspace only needs ``calibrate_arguments()`` -- the ``kws calibrate``
options for what the user chose -- and a clear sentence when something is missing. The choices are
remembered between runs (QSettings keys under ``calibration/``) so a user re-running a calibration
after training a new model only presses Run.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QStyle, QStyleOptionFrame,
    QVBoxLayout, QWidget,
)

from workbench.calibration.streams.labels import labels_beside
from workbench.calibration.sweep.calibration_defaults import DEFAULT_TARGET_FA_PER_HOUR, DEFAULT_TOLERANCE_S
from workbench.core.errors import WorkbenchError
from workbench.gui.file_dialogs import AUDIO_FILTER
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox
from workbench.gui.widgets.path_list import PathList
from workbench.gui.widgets.whole_spin_box import WholeSpinBox

LABELS_FILTER = "Labels (*.json *.csv *.txt);;All files (*)"
MODEL_FILTER = "Models (*.tflite *.mltk.zip);;All files (*)"
MAX_TARGET = 100_000.0
MAX_TOLERANCE_S = 10.0
KEY_STREAM = "calibration/stream"
KEY_LABELS = "calibration/labels"
# the boxes of this form each option of kws calibrate comes from: the child's messages name the box instead
CALIBRATION_BOXES = {"--model": "Model", "--stream": "Stream", "--labels": "Labels", "--background": "Background",
                     "--target-fa-per-hour": "Target", "--tolerance-s": "Tolerance", "--compare": "Compare with",
                     "--workers": "Sweep processes",
                     # "make it with kws stream make --testing-percent …": Build…, whose split boxes start from the run
                     "kws stream make --": "Build…"}
KEY_BACKGROUND = "calibration/background"
KEY_TARGET = "calibration/target"
KEY_TOLERANCE = "calibration/tolerance"
KEY_COMPARE = "calibration/compare"
KEY_WORKERS = "calibration/workers"
AUTO_WORKERS = 0  # the Sweep processes box's "one per CPU": kws calibrate's default, no --workers
MAX_WORKERS = 256
WORKERS_AUTO_TEXT = "one per CPU"
STREAM_PLACEHOLDER = "labelled WAV stream"  # short enough to fit: the detail is in the field's tooltip
LABELS_PLACEHOLDER = "found beside the stream"
MODEL_TIP = "The model to calibrate: clear \u201cthe loaded model\u201d to give another .tflite or .mltk.zip file"
TEXT_MARGIN_PX = 2  # QLineEdit's own margin on each side of its text
ELLIPSIS = "\u2026"
RELAYOUT_EVENTS = (QEvent.Type.Resize, QEvent.Type.FontChange)  # the Model field's room for the loaded model changed


def text_room(edit: QLineEdit) -> int:
    """The width a line edit draws its text in, as its style lays it out."""
    option = QStyleOptionFrame()
    option.initFrom(edit)
    option.rect = edit.rect()
    option.lineWidth = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, option, edit)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    return contents.width() - margins.left() - margins.right() - 2 * TEXT_MARGIN_PX


def loaded_model_text(path: Path, metrics: QFontMetrics, room: int) -> str:
    """What the Model field shows for the loaded model in ``room`` pixels: its file name first, then as much of its
    folder as fits, elided in the middle (the whole path is the field's tooltip).

    Why: the field is narrow, and the path shown by its end lost its start ("n/resources/models/kws_yes_no.tflite");
    by its start it would lose the name that tells models apart. Text that fits never scrolls, even on focus.
    """
    folder_room = room - metrics.horizontalAdvance(f"{path.name} ()")
    folder = metrics.elidedText(str(path.parent), Qt.TextElideMode.ElideMiddle, folder_room) if folder_room > 0 else ""
    if folder.strip(ELLIPSIS):
        return f"{path.name} ({folder})"
    # not even the name fits: elided in its middle, so its end (v2_final.tflite) still tells versions apart
    return metrics.elidedText(path.name, Qt.TextElideMode.ElideMiddle, room)


def _path_row(edit: QLineEdit, *buttons: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    for button in buttons:
        layout.addWidget(button)
    return row


class CalibrationInputsView(QWidget):
    """The inputs form; ``build_stream_requested`` when the user asks for a new stream."""

    build_stream_requested = Signal()

    def __init__(self, qsettings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._qsettings = qsettings
        self._loaded_model: Path | None = None
        self.use_loaded = QCheckBox("the loaded model")
        self.use_loaded.setChecked(True)
        self.use_loaded.setToolTip("Calibrate the model the window has open; clear it to choose another model file")
        self.model_edit = QLineEdit()
        self._showing_loaded = False  # the field holds loaded_model_text, not a path to read
        self.model_button = QPushButton("Browse…")
        self.model_button.setToolTip("Choose the model file to calibrate (clear “the loaded model” first)")
        self.stream_edit = QLineEdit()
        self.stream_edit.setPlaceholderText(STREAM_PLACEHOLDER)
        self.stream_edit.setToolTip("A labelled stream: a long WAV recording whose keywords are listed in a labels "
                                    "file beside it (Build… makes one from a dataset folder)")
        self.stream_button = QPushButton("Browse…")
        self.stream_button.setToolTip("Choose the labelled stream (its labels beside it are filled in)")
        self.build_button = QPushButton("Build…")
        self.build_button.setToolTip("Build a labelled stream from a dataset folder (kws stream make)")
        self.labels_edit = QLineEdit()
        self.labels_edit.setPlaceholderText(LABELS_PLACEHOLDER)
        self.labels_edit.setToolTip("Where the stream's keywords are: a JSON, CSV or Audacity labels file; one "
                                    "beside the stream with the same name is found by itself")
        self.labels_button = QPushButton("Browse…")
        self.labels_button.setToolTip("Choose the stream's labels file (JSON, CSV or Audacity labels)")
        self.background = PathList("Background-only recordings", AUDIO_FILTER,
                                   "Background-only recordings (TV, music, office): every detection in them is "
                                   "a false accept")
        self.compare = PathList("Models to compare", MODEL_FILTER,
                                "Other models calibrated on the same stream and grid, drawn on the same curve "
                                "and compared at their recommended sets (kws calibrate --compare)")
        self.target_spin = DecimalSpinBox(decimals=1, minimum=0.0, maximum=MAX_TARGET, singleStep=10.0,
                                          suffix=" FA/h", value=DEFAULT_TARGET_FA_PER_HOUR)
        self.target_spin.setToolTip("The recommendation is the set with the fewest misses at or under this many "
                                    "false accepts per hour")
        self.tolerance_spin = DecimalSpinBox(decimals=2, minimum=0.0, maximum=MAX_TOLERANCE_S, singleStep=0.1,
                                             suffix=" s", value=DEFAULT_TOLERANCE_S)
        self.tolerance_spin.setToolTip("A detection up to this long after a keyword's end still counts as a hit")
        self.per_class = QCheckBox("per-class thresholds")
        self.per_class.setToolTip("Give every keyword its own threshold (a larger grid)")
        self.workers_spin = WholeSpinBox(minimum=AUTO_WORKERS, maximum=MAX_WORKERS, value=AUTO_WORKERS)
        self.workers_spin.setSpecialValueText(WORKERS_AUTO_TEXT)
        self.workers_spin.setToolTip("Processes a large sweep is spread over (kws calibrate --workers); fewer leave "
                                     "CPUs to other work, the figures are the same")

        for edit, name in ((self.model_edit, "Model file"), (self.stream_edit, "Stream file"),
                           (self.labels_edit, "Labels file")):
            edit.setAccessibleName(name)  # inside a row with its buttons, the form's label is not its buddy
        form = QFormLayout()
        form.addRow("Model", _path_row(self.model_edit, self.model_button))
        form.addRow("", self.use_loaded)
        form.addRow("Stream", _path_row(self.stream_edit, self.stream_button, self.build_button))
        form.addRow("Labels", _path_row(self.labels_edit, self.labels_button))
        form.addRow("Background", self.background)
        form.addRow("Target", self.target_spin)
        form.addRow("Tolerance", self.tolerance_spin)
        form.addRow("", self.per_class)
        form.addRow("Sweep processes", self.workers_spin)
        form.addRow("Compare with", self.compare)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)

        self.use_loaded.toggled.connect(self._sync_model)
        self.model_edit.textChanged.connect(lambda _text: self._show_model_tip())
        self.model_edit.installEventFilter(self)  # its width decides how much of the loaded model's folder shows
        self.model_button.clicked.connect(self._choose_model)
        self.stream_button.clicked.connect(self._choose_stream)
        self.stream_edit.textEdited.connect(self._labels_follow_stream)
        self.build_button.clicked.connect(self.build_stream_requested)
        self.labels_button.clicked.connect(self._choose_labels)
        self._restore()
        self._sync_model()

    # -- state -----------------------------------------------------------------------------------
    def set_loaded_model(self, path: Path | None) -> None:
        self._loaded_model = Path(path) if path else None
        self._sync_model()

    def model_path(self) -> Path | None:
        if self.use_loaded.isChecked():
            return self._loaded_model
        text = self.model_edit.text().strip()
        return Path(text) if text else None

    def set_stream(self, path: str | Path) -> None:
        """Use ``path`` as the stream, with the labels found beside it."""
        self.stream_edit.setText(str(path))
        self._labels_follow_stream(str(path))

    def _labels_follow_stream(self, text: str) -> None:
        """The labels beside the stream now named (typed, pasted or chosen), or none: never another
        stream's labels, which a stream of the same length would silently accept."""
        stream = Path(text.strip())
        labels = labels_beside(stream) if text.strip() and stream.is_file() else None  # half-typed: none yet
        self.labels_edit.setText(str(labels) if labels else "")

    def set_backgrounds(self, paths: list[Path]) -> None:
        self.background.set_paths(paths)

    def backgrounds(self) -> list[Path]:
        return self.background.paths()

    def calibrate_arguments(self) -> list[str]:
        """``kws calibrate`` options for the choices; :class:`WorkbenchError` when one is missing."""
        model = self.model_path()
        if model is None:
            raise WorkbenchError("choose a model to calibrate (none is loaded)")
        stream = self.stream_edit.text().strip()
        if not stream:
            raise WorkbenchError("choose a labelled stream, or build one")
        labels = self.labels_edit.text().strip()
        if not labels:
            raise WorkbenchError(f"no labels for {Path(stream).name}: choose its labels file")
        args = ["--model", str(model), "--stream", stream, "--labels", labels,
                "--target-fa-per-hour", f"{self.target_spin.value():g}",
                "--tolerance-s", f"{self.tolerance_spin.value():g}"]
        for path in self.backgrounds():
            args += ["--background", str(path)]
        if self.per_class.isChecked():
            args.append("--per-class-thresholds")
        if self.workers_spin.value() != AUTO_WORKERS:
            args += ["--workers", str(self.workers_spin.value())]
        for path in self.compare.paths():
            args += ["--compare", str(path)]
        self._remember()
        return args

    # -- dialogs ---------------------------------------------------------------------------------
    def _sync_model(self) -> None:
        """The loaded model by its name (read-only), or an editable path: the loaded model's when just unticked."""
        loaded = self.use_loaded.isChecked()
        self.model_edit.setReadOnly(loaded)
        self.model_button.setEnabled(not loaded)
        was_showing_loaded, self._showing_loaded = self._showing_loaded, loaded
        if loaded:
            self._show_loaded_model()
        elif was_showing_loaded:
            self.model_edit.setText(str(self._loaded_model or ""))
        self._show_model_tip()

    def _show_loaded_model(self) -> None:
        edit, model = self.model_edit, self._loaded_model
        edit.setText(loaded_model_text(model, edit.fontMetrics(), text_room(edit)) if model is not None else "")
        edit.setCursorPosition(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.model_edit and event.type() in RELAYOUT_EVENTS and self._showing_loaded:
            self._show_loaded_model()
        return False

    def _show_model_tip(self) -> None:
        model = self.model_path()
        self.model_edit.setToolTip(str(model) if model is not None else MODEL_TIP)

    def _choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Model to calibrate", self.model_edit.text(), MODEL_FILTER)
        if path:
            self.model_edit.setText(path)

    def _choose_stream(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Labelled stream", self.stream_edit.text(), AUDIO_FILTER)
        if path:
            self.set_stream(path)

    def _choose_labels(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Labels of the stream", self.labels_edit.text(), LABELS_FILTER)
        if path:
            self.labels_edit.setText(path)

    # -- memory ----------------------------------------------------------------------------------
    def _remember(self) -> None:
        s = self._qsettings
        if s is None:
            return
        s.setValue(KEY_STREAM, self.stream_edit.text())
        s.setValue(KEY_LABELS, self.labels_edit.text())
        s.setValue(KEY_BACKGROUND, json.dumps([str(p) for p in self.backgrounds()]))
        s.setValue(KEY_COMPARE, json.dumps([str(p) for p in self.compare.paths()]))
        s.setValue(KEY_TARGET, str(self.target_spin.value()))
        s.setValue(KEY_TOLERANCE, str(self.tolerance_spin.value()))
        s.setValue(KEY_WORKERS, str(self.workers_spin.value()))

    def _restore(self) -> None:
        s = self._qsettings
        if s is None:
            return
        stream, labels = str(s.value(KEY_STREAM, "") or ""), str(s.value(KEY_LABELS, "") or "")
        if stream and Path(stream).is_file():
            self.stream_edit.setText(stream)
            self.labels_edit.setText(labels if labels and Path(labels).is_file() else "")
        try:
            for key, field in ((KEY_BACKGROUND, self.background), (KEY_COMPARE, self.compare)):
                paths = json.loads(str(s.value(key, "[]") or "[]"))
                field.set_paths([Path(p) for p in paths if isinstance(p, str) and Path(p).is_file()])
            self.target_spin.setValue(float(s.value(KEY_TARGET, DEFAULT_TARGET_FA_PER_HOUR)))
            self.tolerance_spin.setValue(float(s.value(KEY_TOLERANCE, DEFAULT_TOLERANCE_S)))
            self.workers_spin.setValue(int(s.value(KEY_WORKERS, AUTO_WORKERS)))
        except (ValueError, TypeError):  # a hand-edited settings file never stops the workspace
            pass
