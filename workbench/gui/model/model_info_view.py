"""The Model workspace: what a loaded model is, and every parameter it carries with the value in use.

Why: a model's behaviour on the board is decided by things that are invisible in the file name --
the class order, the int8 input quantisation, the frontend settings the spectrogram must be made
with, and the detection parameters the firmware reads from the SL_PARAMSv1 metadata. This view shows
all of them for the model the workbench runs, so "why does the board behave differently" starts
from facts. It reads the structure the model was parsed into at load (:attr:`LoadedModel.graph`; no
interpreter, no TensorFlow). The parameter table (:class:`ParameterTableView`) puts the file's value
beside the value in use and lets the user edit the detection parameters there. A model whose output is logits
rather than probabilities (:mod:`workbench.core.model.output_kind`) gets a note under its output: its scores, the
Live view's threshold among them, are then on no 0-1 scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from shlex import quote
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget,
)

from workbench.core.detection.settings import board_problems
from workbench.core.detection.tuning import DetectionTuning
from workbench.core.errors import WorkbenchError
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_input import graph_input_range_problem, stream_problem
from workbench.core.model.output_kind import output_kind
from workbench.core.model.tflite_graph import ModelGraph, TensorInfo
from workbench.gui.model.parameter_table_view import (
    COLUMN_FILE, COLUMN_NOW, GROUP_DETECTION, GROUP_FRONTEND, GROUP_OTHER, GROUP_PRESETS, ParameterTableView,
    format_value, parameter_group,
)
from workbench.profiler.device_limits import format_kb

__all__ = ["GROUP_DETECTION", "GROUP_FRONTEND", "GROUP_OTHER", "GROUP_PRESETS", "ModelInfoView", "describe_tensor",
           "format_value", "parameter_group"]

NO_MODEL_TEXT = "—"
BOARD_OK_TEXT = "Nothing in its parameters that the firmware refuses"
SUMMARY_SHARE, PARAMETERS_SHARE = 1, 2  # splitter stretch: the parameter table gets the larger part
SHARE_PIXELS = 1000  # setSizes' unit for the shares (the splitter scales them to its width)
# rows whose words (operator names, class names) cannot break: op names such as FULLY_CONNECTED are long
WHOLE_WORD_FIELDS = ("classes", "layers")


def keep_words_whole(label: QLabel) -> None:
    """Make a word-wrapped label at least as wide as its widest word, with the punctuation after it.

    Why: a word-wrapped QLabel breaks lines only between words and clips a word wider than itself, and its size
    hint does not tell the form so: at 1280 px the Layers row showed "FULLY_CONNECTED" without its comma. With
    this minimum the form puts the value under its name when the column is too narrow (its WrapLongRows policy).
    """
    metrics = label.fontMetrics()
    label.setMinimumWidth(max((metrics.horizontalAdvance(word) for word in label.text().split()), default=0))


class ModelLike(Protocol):
    """What the view reads of :class:`workbench.core.model.model_file.LoadedModel`."""

    name: str
    tflite: bytes
    params: Mapping[str, Any]
    path: Path | None
    classes: Sequence[str]


def format_size(n_bytes: int) -> str:
    """``21.6 kB (21,616 bytes)``: the kB of ``kws profile`` and the Profile workspace (1000 bytes)."""
    return f"{format_kb(n_bytes)} ({n_bytes:,} bytes)"


def describe_tensor(tensor: TensorInfo) -> str:
    """``1x49x40x1 int8, scale 1, zero point 0`` -- what a caller must feed or decode."""
    text = f"{tensor.shape_str} {tensor.dtype}"
    if not tensor.scale:
        return text + ", not quantised"
    if len(tensor.scale) == 1:
        return text + f", scale {tensor.scale[0]:g}, zero point {tensor.zero_point[0]}"
    return text + f", per-channel quantisation ({len(tensor.scale)} scales)"


def describe_frontend(params: Mapping[str, Any]) -> str:
    """The spectrogram the model expects, from its ``fe.*`` parameters (defaults fill the rest)."""
    try:
        fe = FrontendSettings.from_params(params)
    except (ValueError, WorkbenchError) as exc:
        return f"invalid frontend settings: {exc}"
    frames, channels = fe.spectrogram_shape
    return (f"{frames} frames × {channels} channels from {fe.sample_length_ms} ms at {fe.sample_rate_hz} Hz "
            f"(window {fe.window_size_ms} ms / {fe.window_size_samples} samples, step {fe.window_step_ms} ms"
            f" / {fe.window_step_samples} samples)")


class ModelInfoView(QWidget):
    """Facts about one model beside its parameter table; :meth:`set_model` shows another (None clears).

    ``save_requested`` asks the window for "Save into model…"; ``error(message)`` reports a refused edit.
    """

    save_requested = Signal()
    error = Signal(str)

    def __init__(self, model: ModelLike | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model: ModelLike | None = None
        self._graph: ModelGraph | None = None
        self._tuning: DetectionTuning | None = None
        summary_box = QGroupBox("Model")
        form = QFormLayout(summary_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._fields: dict[str, QLabel] = {}
        for key, label, tip in (
            ("name", "Name", "The model's name (from its parameters or file name)."),
            ("path", "File", "Where the model was loaded from."),
            ("size", "Size", "Size of the .tflite FlatBuffer, which is what the board stores in flash."),
            ("classes", "Classes", "Output classes in model order; labels starting with '_' never "
                                   "trigger a detection on the board."),
            ("input", "Input", "Model input tensor: shape, type and quantisation (int8 models take the "
                               "quantised spectrogram)."),
            ("output", "Output", "Model output tensor; the firmware maps int8 scores to 0–255 by adding 128."),
            ("layers", "Layers", "Operators in the main subgraph (the Profile workspace shows each)."),
            ("frontend", "Spectrogram", "What the audio frontend must produce for this model, from "
                                        "its fe.* parameters."),
            ("board", "Board", "What the board's audio_classifier firmware would refuse or ignore in this "
                               "model's parameters (kws info says the same), and how to fix it."),
        ):
            value = QLabel(NO_MODEL_TEXT)
            value.setWordWrap(True)
            # Tab reaches each value and the keyboard selects and copies it (a path, a class list, a shape)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            value.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Qt gives a selectable label click focus only
            value.setToolTip(tip)
            value.setAccessibleDescription(f"{label}: {tip}")  # its name is the value it reads; which row it is
            form.addRow(label + ":", value)
            self._fields[key] = value
        summary_scroll = QScrollArea()
        summary_scroll.setWidgetResizable(True)
        summary_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        summary_scroll.setAccessibleName("Model summary")
        summary_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the values, the area follows them
        summary_scroll.setWidget(summary_box)
        params_box = QGroupBox("Parameters (SL_PARAMSv1 metadata)")
        self.parameter_table = ParameterTableView()
        self.parameter_table.error.connect(self.error)
        self.reset_button = QPushButton("Reset to model values")
        self.reset_button.setToolTip("Use the detection parameters stored in the model file again.")
        self.reset_button.clicked.connect(self._reset)
        self.save_button = QPushButton("Save into &model…")
        self.save_button.setToolTip("Write a copy of the model whose metadata holds the parameters in use, "
                                    "so the board firmware uses exactly these.")
        self.save_button.clicked.connect(self.save_requested)
        hint = QLabel("Double-click a detection value in use, or press F2 or Enter on its row, to change it; "
                      "it applies at the next inference, like the Tuning sliders.")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        params_layout = QVBoxLayout(params_box)
        params_layout.addWidget(self.parameter_table, 1)
        params_layout.addWidget(hint)
        params_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(summary_scroll)
        splitter.addWidget(params_box)
        splitter.setStretchFactor(0, SUMMARY_SHARE)
        splitter.setStretchFactor(1, PARAMETERS_SHARE)
        # the shares from the start, not only of the space left over: after the table's wide size hint the summary
        # got 250 px of a 1280 px window, its path, shapes and board fixes cut at the right
        splitter.setSizes([SUMMARY_SHARE * SHARE_PIXELS, PARAMETERS_SHARE * SHARE_PIXELS])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.set_model(model)

    # -- public ---------------------------------------------------------------------------------
    @property
    def model(self) -> ModelLike | None:
        return self._model

    @property
    def summary_labels(self) -> dict[str, QLabel]:
        return dict(self._fields)

    def field_text(self, key: str) -> str:
        """The text of a summary row: name, path, size, classes, input, output, layers, frontend, board."""
        return self._fields[key].text()

    def parameters_shown(self) -> dict[str, dict[str, str]]:
        """The parameters the file holds as ``{group: {key: value text}}`` (what the user reads)."""
        return self.parameter_table.shown(COLUMN_FILE)

    def parameters_in_use(self) -> dict[str, dict[str, str]]:
        """The "in use now" column as ``{group: {key: value text}}``."""
        return self.parameter_table.shown(COLUMN_NOW)

    def set_model(self, model: ModelLike | None, tuning: DetectionTuning | None = None) -> None:
        """Show ``model`` (a LoadedModel) and, with ``tuning``, its detection values in use; None clears."""
        self._model = model
        self._graph = None
        if self._tuning is not None:
            self._tuning.changed.disconnect(self._follow_tuning)
        self._tuning = tuning
        if tuning is not None:
            tuning.changed.connect(self._follow_tuning)
        self._follow_tuning()
        self.save_button.setEnabled(tuning is not None)
        if model is None:
            for label in self._fields.values():
                label.setText(NO_MODEL_TEXT)
            self.parameter_table.set_params(None)
            return
        self._fill_summary(model)
        self.parameter_table.set_params(model.params, tuning)

    def _follow_tuning(self, _settings: object = None) -> None:
        """Reset is offered only when a value in force differs from the model's."""
        self.reset_button.setEnabled(self._tuning is not None and self._tuning.is_modified)

    def _reset(self) -> None:
        if self._tuning is not None:
            self._tuning.reset_to_model()

    # -- filling --------------------------------------------------------------------------------
    def _fill_summary(self, model: ModelLike) -> None:
        fields = self._fields
        fields["name"].setText(model.name)
        fields["path"].setText(str(model.path) if model.path is not None else "(not saved)")
        size = format_size(len(model.tflite))
        if model.path is not None and Path(model.path).is_file():
            file_bytes = Path(model.path).stat().st_size
            if file_bytes != len(model.tflite):  # an .mltk.zip archive holds the .tflite
                size += f"; archive {format_size(file_bytes)}"
        fields["size"].setText(size)
        fields["classes"].setText(f"{len(model.classes)}: " + ", ".join(model.classes)
                                  if model.classes else "(none listed)")
        try:
            self._graph = model.graph
        except WorkbenchError as exc:
            for key in ("input", "output", "layers"):
                fields[key].setText(str(exc))
        else:
            graph = self._graph
            clipped = graph_input_range_problem(graph)
            fields["input"].setText(self._tensors_text(graph, graph.inputs)
                                    + (f"\n{clipped[0].upper()}{clipped[1:]}." if clipped else ""))
            notice = output_kind(graph).notice()
            fields["output"].setText(self._tensors_text(graph, graph.outputs)
                                     + (f"\n{notice[0].upper()}{notice[1:]}." if notice else ""))
            ops = ", ".join(op.op for op in graph.operators)
            fields["layers"].setText(f"{len(graph.operators)}: {ops}" if ops else "0")
        for key in WHOLE_WORD_FIELDS:
            keep_words_whole(fields[key])
        frontend = describe_frontend(model.params)
        parsed = self._graph
        problem = stream_problem(parsed, model.params) if parsed else ""
        fields["frontend"].setText(f"{frontend}\nThe live stream cannot feed this model: {problem}." if problem
                                   else frontend)
        # the file's name, not its path: the Path row shows where it is, and a long path is one word the summary
        # cannot wrap (at 1280x720 it pushed the summary into a sideways scroll)
        refused = board_problems(model.params, quote(model.path.name) if model.path is not None else "MODEL")
        fields["board"].setText("\n".join(f"{p[0].upper()}{p[1:]}{'' if p.endswith('…') else '.'}" for p in refused)
                                or BOARD_OK_TEXT)

    @staticmethod
    def _tensors_text(graph: ModelGraph, indices: Sequence[int]) -> str:
        tensors = [graph.tensor(i) for i in indices]
        return "\n".join(describe_tensor(t) for t in tensors if t is not None) or "(none)"
