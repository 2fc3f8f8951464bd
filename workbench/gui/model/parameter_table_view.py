"""Every SL_PARAMSv1 parameter of a model: the value in the file beside the value in use now.

Why two value columns: what the board will do is decided by the file, what the workbench does now by
the tuning; seeing both side by side answers "did I save what I tuned?". The detection parameters —
the ones MLTK's audio classifier lets a user change without retraining (its ``classify_audio``
options, ``update_params``) — are edited right in the "in use now" column and take effect at the next
inference, exactly like the tuning sliders, through the same :class:`DetectionTuning`. Frontend
settings, classes and the build's own records are read-only here and the tooltip says why: a model
fed spectrograms made with other settings, or classes in another order, is silently wrong.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from workbench.core.detection.parameter_text import number_text, parse_parameter
from workbench.core.detection.presets import PRESET_PREFIX
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import PARAMETER_SPECS, DetectionTuning
from workbench.core.errors import SettingsError
from workbench.core.frontend_settings import PARAM_PREFIX
from workbench.core.model.params_dictionary import stored_float

GROUP_DETECTION, GROUP_PRESETS, GROUP_FRONTEND, GROUP_OTHER = "Detection", "Presets", "Frontend", "Other"
GROUP_ORDER = (GROUP_DETECTION, GROUP_PRESETS, GROUP_FRONTEND, GROUP_OTHER)
DETECTION_PARAM_KEYS = frozenset(f.name for f in DetectionSettings.__dataclass_fields__.values())
NOT_USED_KEYS = frozenset({"sensitivity"})  # the firmware reads them; the workbench's detection does not
EDIT_KEYS = (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter)  # edit the row's value in use, wherever the cursor
COLUMN_NAME, COLUMN_FILE, COLUMN_NOW = 0, 1, 2
HEADERS = ("Parameter", "In the model file", "In use now")
MAX_LIST_ITEMS_SHOWN = 16  # longer lists are elided in the value columns (the tooltip shows all)
NAME_SHARE = 0.45  # the name column takes at most this share of the table's width (the rest: the values)
WRAP_CHARS = 48  # longer values (a description, a class list) wrap onto several lines instead of widening
                 # the column past the window
NOT_SET = "(not set)"
# a model that carries no parameters and cannot run (nothing in use either): said, not an empty table
NO_PARAMETERS_TEXT = "None: the model carries no SL_PARAMSv1 metadata"
NO_PARAMETERS_WHY = "kws params MODEL KEY=VALUE -o OUT.tflite writes parameters into a copy of the model."
READ_ONLY_WHY = {
    GROUP_PRESETS: ("A named set of detection values beside the model's own, which the board ignores: the Tuning "
                    "panel's Values choice puts it in use; kws calibrate --as-preset or the Calibration workspace's "
                    "Save selected set as preset… writes one."),
    GROUP_FRONTEND: "Fixed by training: the model only understands spectrograms made with these settings.",
    GROUP_OTHER: "Recorded when the model was built; change it by training or with `kws params`.",
}
NOT_USED_WHY = ("Read by the board firmware, not used by the workbench's detection: it has no effect here. "
                "Change it with `kws params`.")
EDIT_HINT = ("Double-click, or press F2 or Enter on the row, to change it; applies at the next inference "
             "(Save into model… writes it into a copy of the model).")
HELP = {spec.name: spec.help for spec in PARAMETER_SPECS} | {
    "detection_threshold_list": "Per-class thresholds, comma-separated, one per class (empty: use the "
                                "global threshold for every class).",
    "verbose_model_output_logs": "true: the board firmware prints every inference's scores over serial.",
}


def parameter_group(key: str) -> str:
    """The group a model parameter is listed under."""
    if key.startswith(PARAM_PREFIX):
        return GROUP_FRONTEND
    if key.startswith(PRESET_PREFIX):  # apart from the model's own values: listed among them, they would seem to act
        return GROUP_PRESETS
    if key in DETECTION_PARAM_KEYS:  # (not NOT_USED_KEYS: listed beside them, they would seem to act)
        return GROUP_DETECTION
    return GROUP_OTHER


def format_value(value: Any, limit: int = MAX_LIST_ITEMS_SHOWN) -> str:
    """A parameter value as one readable line (lists joined, bytes summarised)."""
    if value is None:
        return NOT_SET
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)):
        items = [format_value(v) for v in value]
        shown = items[:limit] + (["…"] if len(items) > limit else [])
        return "[" + ", ".join(shown) + "]"
    if isinstance(value, float):
        return number_text(value)  # as kws params and kws info write it
    return str(value)


def cell_text(value: Any) -> str:
    """``format_value`` wrapped at word boundaries, so every column fits the window at 1280 px."""
    return textwrap.fill(format_value(value), WRAP_CHARS, break_long_words=False, break_on_hyphens=False)


def _comparable(value: Any) -> Any:
    """A value as compared for the tuned-away mark: the numbers themselves, not their rounded text (a list and a
    tuple of the same thresholds are equal)."""
    return list(value) if isinstance(value, tuple) else value


def parse_cell(key: str, text: str, current: Any) -> Any:
    """The value typed into an "In use now" cell, read as ``kws params KEY=VALUE`` reads it (raises
    SettingsError); the brackets the cell shows around a list may be kept. A decimal number is taken as the float
    the file will hold (its float32), so what is used now is what "Save into model…" writes."""
    value = parse_parameter(key, text.strip().strip("[]").strip(), current)
    return stored_float(value) if isinstance(value, float) else value


class ParameterTableView(QTreeWidget):
    """Parameters grouped Detection / Frontend / Other; detection values in use are editable.

    Only an "In use now" cell is ever edited: a double-click on it, or F2 / Enter anywhere on its row (the row is
    what the keyboard moves through). Why not Qt's edit triggers: they open an editor on whatever cell is
    current, the parameter's name or the file's value too, and neither may change here.
    ``error(message)`` reports an edit the tuning refused (the cell then shows the value in use).
    """

    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(list(HEADERS))
        self.setRootIsDecorated(True)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(False)  # wrapped values take several lines
        self.setEditTriggers(QTreeWidget.EditTrigger.NoEditTriggers)  # see the class docstring
        self.itemDoubleClicked.connect(self._on_double_clicked)
        # the values in use as wide as they are, the names as wide as they are up to a share of the table, the
        # file's values in what is left: at a large font in a narrow window a long value in the file is elided (its
        # tooltip shows it all), never the "In use now" column pushed off-screen, where an editor could not be seen
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLUMN_NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN_FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COLUMN_NOW, QHeaderView.ResizeMode.ResizeToContents)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._params: Mapping[str, Any] = {}
        self._has_model = False
        self._tuning: DetectionTuning | None = None
        self._filling = False
        self.itemChanged.connect(self._on_item_changed)

    # -- binding --------------------------------------------------------------------------------
    def set_params(self, params: Mapping[str, Any] | None, tuning: DetectionTuning | None = None) -> None:
        """Show a model's parameters (None: no model); with ``tuning``, its detection values in use are shown and
        editable."""
        if self._tuning is not None:
            self._tuning.changed.disconnect(self._show_in_use)
        self._params = dict(params or {})
        self._has_model = params is not None
        self._tuning = tuning
        self._fill()
        if tuning is not None:
            tuning.changed.connect(self._show_in_use)
            self._show_in_use(tuning.settings)

    def _fill(self) -> None:
        self._filling = True
        self.clear()
        self._items.clear()
        groups: dict[str, list[str]] = {name: [] for name in GROUP_ORDER}
        keys = set(self._params)
        if self._tuning is not None:  # parameters the file lacks still act, with their defaults
            keys |= set(self._tuning.settings.to_params()) | {"detection_threshold_list"}
        for key in keys:
            groups[parameter_group(key)].append(key)
        bold = QFont(self.font())
        bold.setBold(True)
        for name in GROUP_ORDER:
            if not groups[name]:
                continue
            in_file = sum(1 for key in groups[name] if key in self._params)
            group = QTreeWidgetItem(self, [name, f"{in_file} parameters", ""])
            group.setFont(COLUMN_NAME, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for key in sorted(groups[name]):
                value = self._params.get(key)
                item = QTreeWidgetItem(group, [key, cell_text(value), ""])
                item.setToolTip(COLUMN_FILE, format_value(value, limit=len(value))
                                if isinstance(value, (list, tuple)) else format_value(value))
                why = NOT_USED_WHY if key in NOT_USED_KEYS else READ_ONLY_WHY.get(name, "")
                item.setToolTip(COLUMN_NAME, HELP.get(key, why))
                item.setToolTip(COLUMN_NOW, EDIT_HINT if name == GROUP_DETECTION else why)
                self._items[key] = item
            group.setExpanded(True)
        if self._has_model and not self._items:  # a model with none, and none in use: say so, not a blank table
            placeholder = QTreeWidgetItem(self, [NO_PARAMETERS_TEXT])
            placeholder.setFlags(Qt.ItemFlag.ItemIsEnabled)
            placeholder.setFirstColumnSpanned(True)
            placeholder.setToolTip(COLUMN_NAME, NO_PARAMETERS_WHY)
        self._filling = False
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """The names as wide as the longest, but at most NAME_SHARE of the table (a drag of the divider widens it)."""
        widest = max(self.sizeHintForColumn(COLUMN_NAME), self.header().sectionSizeHint(COLUMN_NAME))
        self.header().resizeSection(COLUMN_NAME, min(widest, int(self.viewport().width() * NAME_SHARE)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit_name_column()

    # -- the values in use -----------------------------------------------------------------------------
    def _show_in_use(self, settings: DetectionSettings) -> None:
        self._filling = True
        now = settings.to_params()
        now.setdefault("detection_threshold_list", None)
        # what the model puts in force, its defaults where the file has no value (a file without parameters
        # is not "tuned away" from the empty cells of its column)
        model = self._tuning.model_defaults.to_params() if self._tuning is not None else dict(now)
        model.setdefault("detection_threshold_list", None)
        for key, item in self._items.items():
            if parameter_group(key) != GROUP_DETECTION:
                continue  # read-only: in use exactly as in the file (the tooltip says why)
            if key not in now:
                continue
            text = cell_text(now[key])
            item.setText(COLUMN_NOW, text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            font = QFont(item.font(COLUMN_NOW))
            font.setBold(_comparable(now[key]) != _comparable(model.get(key)))  # tuned away from the model's value
            item.setFont(COLUMN_NOW, font)
        self._filling = False

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != COLUMN_NOW or self._tuning is None:
            return
        key = item.text(COLUMN_NAME)
        current = self._tuning.settings.to_params().get(key)
        try:
            self._tuning.set(**{key: parse_cell(key, item.text(COLUMN_NOW), current)})
        except SettingsError as exc:
            self.error.emit(str(exc))
        self._show_in_use(self._tuning.settings)  # the cell shows what is really in use

    # -- editing ----------------------------------------------------------------------------------------
    def edit_in_use(self, item: QTreeWidgetItem | None) -> bool:
        """Open the editor of ``item``'s "In use now" cell; False for a row whose value cannot change here."""
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEditable:
            return False
        self.scrollTo(self.indexFromItem(item, COLUMN_NOW))  # an editor off-screen could not be seen
        self.editItem(item, COLUMN_NOW)
        return True

    def _on_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == COLUMN_NOW:
            self.edit_in_use(item)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        editing = self.state() == QTreeWidget.State.EditingState
        if not editing and event.key() in EDIT_KEYS and self.edit_in_use(self.currentItem()):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- reading (tests, copy) -----------------------------------------------------------------------
    def shown(self, column: int = COLUMN_FILE) -> dict[str, dict[str, str]]:
        """``{group: {key: text}}`` of one column: the file's parameters, or the values shown in use."""
        result: dict[str, dict[str, str]] = {}
        for i in range(self.topLevelItemCount()):
            group = self.topLevelItem(i)
            children = [group.child(j) for j in range(group.childCount())]
            if column == COLUMN_FILE:
                children = [c for c in children if c.text(COLUMN_NAME) in self._params]
            else:
                children = [c for c in children if c.text(column)]
            rows = {child.text(COLUMN_NAME): child.text(column) for child in children}
            if rows:
                result[group.text(COLUMN_NAME)] = rows
        return result

    def item(self, key: str) -> QTreeWidgetItem:
        return self._items[key]
