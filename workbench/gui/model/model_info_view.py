"""What a loaded model is: its file, classes, input/output tensors and every embedded parameter.

Why: a model's behaviour on the board is decided by things that are invisible in the file name --
the class order, the int8 input quantisation, the frontend settings the spectrogram must be made
with, and the detection parameters the firmware reads from the SL_PARAMSv1 metadata. This view shows
all of them for the model the workbench runs, so "why does the board behave differently" starts
from facts. It reads the structure with :func:`workbench.core.model.tflite_graph.parse_model` (no
interpreter, no TensorFlow); parameters are grouped as the firmware uses them: ``fe.*`` settings
under "Frontend", the recognizer's settings under "Detection", the rest under "Other".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout, QGroupBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.core.frontend_settings import PARAM_PREFIX, FrontendSettings
from workbench.core.model.tflite_graph import ModelGraph, TensorInfo, parse_model

# the recognizer's model parameters (MLTK audio_classifier; see workbench.core.detection.settings)
DETECTION_PARAM_KEYS = frozenset({
    "average_window_duration_ms", "detection_threshold", "detection_threshold_list", "suppression_ms",
    "minimum_count", "volume_gain", "latency_ms", "sensitivity", "verbose_model_output_logs",
})
GROUP_FRONTEND = "Frontend"
GROUP_DETECTION = "Detection"
GROUP_OTHER = "Other"
GROUP_ORDER = (GROUP_DETECTION, GROUP_FRONTEND, GROUP_OTHER)
BYTES_PER_KIB = 1024
NO_MODEL_TEXT = "—"
MAX_LIST_ITEMS_SHOWN = 16  # longer lists are elided in the value column (tooltip shows all)


class ModelLike(Protocol):
    """What the view reads of :class:`workbench.core.model.model_file.LoadedModel`."""

    name: str
    tflite: bytes
    params: Mapping[str, Any]
    path: Path | None
    classes: Sequence[str]


def parameter_group(key: str) -> str:
    """The group a model parameter is listed under."""
    if key.startswith(PARAM_PREFIX):
        return GROUP_FRONTEND
    if key in DETECTION_PARAM_KEYS:
        return GROUP_DETECTION
    return GROUP_OTHER


def format_value(value: Any, limit: int = MAX_LIST_ITEMS_SHOWN) -> str:
    """A parameter value as one readable line (lists joined, bytes summarised)."""
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)):
        items = [format_value(v) for v in value]
        shown = items[:limit] + (["…"] if len(items) > limit else [])
        return "[" + ", ".join(shown) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_size(n_bytes: int) -> str:
    return f"{n_bytes / BYTES_PER_KIB:.1f} KiB ({n_bytes:,} bytes)"


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
    """Read-only facts about one model; :meth:`set_model` shows another (None clears).

    Layout: a summary form (name, file, size, classes, input, output, layers, spectrogram) above a
    two-column parameter tree grouped Detection / Frontend / Other. No signals: it only shows.
    """

    def __init__(self, model: ModelLike | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model: ModelLike | None = None
        self._graph: ModelGraph | None = None
        summary_box = QGroupBox("Model")
        form = QFormLayout(summary_box)
        self._fields: dict[str, QLabel] = {}
        for key, label, tip in (
            ("name", "Name", "The model's name (from its file name)."),
            ("path", "File", "Where the model was loaded from."),
            ("size", "Size", "Size of the .tflite FlatBuffer, which is what the board stores in flash."),
            ("classes", "Classes", "Output classes in model order; labels starting with '_' never "
                                   "trigger a detection on the board."),
            ("input", "Input", "Model input tensor: shape, type and quantisation (int8 models take the "
                               "quantised spectrogram)."),
            ("output", "Output", "Model output tensor; the firmware maps int8 scores to 0–255 by adding 128."),
            ("layers", "Layers", "Number of operators in the main subgraph."),
            ("frontend", "Spectrogram", "What the audio frontend must produce for this model, from "
                                        "its fe.* parameters."),
        ):
            value = QLabel(NO_MODEL_TEXT)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setToolTip(tip)
            form.addRow(label + ":", value)
            self._fields[key] = value
        params_box = QGroupBox("Parameters (SL_PARAMSv1 metadata)")
        self.parameter_tree = QTreeWidget()
        self.parameter_tree.setHeaderLabels(["Parameter", "Value"])
        self.parameter_tree.setRootIsDecorated(True)
        self.parameter_tree.setToolTip("Every parameter embedded in the model; the board firmware "
                                       "reads these at start-up.")
        QVBoxLayout(params_box).addWidget(self.parameter_tree)
        layout = QVBoxLayout(self)
        layout.addWidget(summary_box)
        layout.addWidget(params_box, 1)
        self.set_model(model)

    # -- public ---------------------------------------------------------------------------------
    @property
    def model(self) -> ModelLike | None:
        return self._model

    def field_text(self, key: str) -> str:
        """The text of a summary row: name, path, size, classes, input, output, layers, frontend."""
        return self._fields[key].text()

    def parameters_shown(self) -> dict[str, dict[str, str]]:
        """The parameter tree as ``{group: {key: value text}}`` (what the user reads)."""
        shown: dict[str, dict[str, str]] = {}
        for i in range(self.parameter_tree.topLevelItemCount()):
            group = self.parameter_tree.topLevelItem(i)
            shown[group.text(0)] = {group.child(j).text(0): group.child(j).text(1)
                                    for j in range(group.childCount())}
        return shown

    def set_model(self, model: ModelLike | None) -> None:
        """Show ``model`` (a LoadedModel); None shows an empty view."""
        self._model = model
        self._graph = None
        self.parameter_tree.clear()
        if model is None:
            for label in self._fields.values():
                label.setText(NO_MODEL_TEXT)
            return
        self._fill_summary(model)
        self._fill_parameters(model.params)

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
            self._graph = parse_model(model.tflite)
        except WorkbenchError as exc:
            for key in ("input", "output", "layers"):
                fields[key].setText(str(exc))
        else:
            graph = self._graph
            fields["input"].setText(self._tensors_text(graph, graph.inputs))
            fields["output"].setText(self._tensors_text(graph, graph.outputs))
            fields["layers"].setText(str(len(graph.operators)))
        fields["frontend"].setText(describe_frontend(model.params))

    @staticmethod
    def _tensors_text(graph: ModelGraph, indices: Sequence[int]) -> str:
        tensors = [graph.tensor(i) for i in indices]
        return "\n".join(describe_tensor(t) for t in tensors if t is not None) or "(none)"

    def _fill_parameters(self, params: Mapping[str, Any]) -> None:
        groups: dict[str, list[tuple[str, Any]]] = {name: [] for name in GROUP_ORDER}
        for key, value in params.items():
            groups[parameter_group(key)].append((key, value))
        for name in GROUP_ORDER:
            entries = groups[name]
            if not entries:
                continue
            group = QTreeWidgetItem(self.parameter_tree, [name, f"{len(entries)} parameters"])
            group.setFirstColumnSpanned(False)
            for key, value in sorted(entries):
                item = QTreeWidgetItem(group, [key, format_value(value)])
                item.setToolTip(1, format_value(value, limit=len(value)) if isinstance(value, (list, tuple))
                                else format_value(value))
            group.setExpanded(True)
        self.parameter_tree.resizeColumnToContents(0)
