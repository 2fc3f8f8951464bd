"""Sliders and spin boxes for the detection parameters, bound to a :class:`DetectionTuning`.

A napari-style view: the panel owns no values. Every widget edit goes to
``DetectionTuning.set`` / ``set_class_threshold`` (which validates and ignores no-op changes, so a
slider drag that repeats a value costs nothing), and the panel redraws itself only from the model's
``changed`` event. So a reset, a loaded session or a script changing the tuning shows up here the
same way, and the slider and spin box of a row can never disagree. The main window forwards the same
event to the engine, which applies it on the next inference without restarting the stream.

Settings that can never detect anything (a minimum count the window cannot hold, a threshold of 255) are
applied like any others -- a user may pass through them while dragging -- but a hint under the sliders says
why nothing will be detected (:func:`workbench.core.detection.never_detects.never_detects_reason`). Likewise an
Inference interval shorter than the model's estimated time per inference on the board is applied, with a line under
its row (:mod:`workbench.gui.stream.inference_pace_label`; the estimate is made once per model, and a change that
makes the line appear scrolls it into view).

The panel never writes files: "Save into model…" emits :attr:`TuningPanel.save_requested`; the main
window asks for a path and calls :func:`workbench.core.detection.tuning.save_settings_into_model`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.core.detection.detector import is_keyword_class
from workbench.core.detection.never_detects import never_detects_reason
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import (
    CLASS_THRESHOLD_HELP, PARAMETER_SPECS, THRESHOLD_MAX, THRESHOLD_MIN, DetectionTuning, ParameterSpec,
)
from workbench.core.errors import SettingsError
from workbench.core.model.model_file import LoadedModel
from workbench.core.model.params_dictionary import stored_float
from workbench.gui.stream.inference_pace_label import InferencePaceLabel
from workbench.gui.stream.parameter_row import ParameterRow
from workbench.gui.stream.preset_choice import PresetChoice
from workbench.gui.widgets.button_rows import ButtonRows
from workbench.gui.widgets.message_label import MessageLabel
from workbench.gui.widgets.vertical_scroll_area import VerticalScrollArea
from workbench.gui.widgets.wrapping_form import one_line, wrapping_form

USE_GLOBAL_TEXT = "use global"
NOT_REPORTED_HELP = ("The firmware never reports a class whose name starts with “_”, so its threshold has no "
                     "effect; it is kept in detection_threshold_list as the model holds it.")
PANEL_MARGIN_PX = 4  # as the Detections panel above it: the style's 11 px cost the controls room in a narrow dock
INTERVAL_ROW = "latency_ms"  # the row the board's pace is said under
CLASS_THRESHOLD_SPEC = ParameterSpec("class_threshold", "Class threshold", "", THRESHOLD_MIN, THRESHOLD_MAX,
                                     THRESHOLD_MAX, 1, 0, CLASS_THRESHOLD_HELP)


class TuningPanel(QWidget):
    """Detection parameter controls for one :class:`DetectionTuning` (None: disabled, empty).

    Signals:

    * ``save_requested()`` -- the user pressed "Save into model…"; the main window shows a file dialog
      and writes ``save_settings_into_model(model, panel.tuning.settings, path)``.

    Attributes for tests and shortcuts: ``rows`` (parameter name → :class:`ParameterRow`),
    ``class_rows`` (one ``(checkbox, ParameterRow)`` per class), ``reset_button``, ``save_button``,
    ``pace_label`` (under the Inference interval row), ``preset_choice`` (above the Detection group).
    """

    save_requested = Signal()

    def __init__(self, tuning: DetectionTuning | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tuning: DetectionTuning | None = None
        self._binding: list = []  # [tuning, listener] while bound; shared with the destroyed-handler
        self.rows: dict[str, ParameterRow] = {}
        self.class_rows: list[tuple[QCheckBox, ParameterRow]] = []

        # rows wrap where the dock is narrow (a large font): the slider and its box go under their label
        params_box = QGroupBox("Detection")
        form = wrapping_form(params_box)
        self.pace_label = InferencePaceLabel()
        for spec in PARAMETER_SPECS:
            row = ParameterRow(spec, lambda value, name=spec.name: self._edit(name, value))
            label = QLabel(spec.label)
            label.setToolTip(spec.help)
            label.setBuddy(row.spin)
            form.addRow(label, one_line(row.slider, row.spin, stretch=row.slider))
            if spec.name == INTERVAL_ROW:
                form.addRow(self.pace_label)
            self.rows[spec.name] = row
        widest = max(row.spin.maximumWidth() for row in self.rows.values())
        for row in self.rows.values():  # one column of boxes of one width, as before they were capped
            row.spin.setMinimumWidth(widest)

        self.class_box = QGroupBox("Per-class thresholds")
        self.class_box.setToolTip(CLASS_THRESHOLD_HELP)
        self._class_form = wrapping_form(self.class_box)

        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(False)

        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setVisible(False)
        self._parts: tuple[QWidget, ...] = (params_box, self.class_box)
        self.error_label = MessageLabel()
        self.error_label.setVisible(False)
        self.reset_button = QPushButton("Reset to model values")
        self.reset_button.setToolTip("Return every parameter to the values stored in the model file.")
        self.reset_button.clicked.connect(self._reset)
        self.save_button = QPushButton("Save into &model…")
        self.save_button.setToolTip("Write a copy of the .tflite with these parameters in its "
                                    "SL_PARAMSv1 metadata, so the board firmware uses them.")
        self.save_button.clicked.connect(self.save_requested.emit)
        buttons = ButtonRows((self.reset_button, self.save_button))  # one under the other in a narrow dock

        # the controls scroll, the buttons stay below them in view (in a short dock they were a sliver to scroll to)
        controls = QWidget()
        controls_layout = QVBoxLayout(controls)
        controls_layout.setContentsMargins(0, 0, 0, 0)
        self.preset_choice = PresetChoice()  # "Values:" the model's own or a preset it carries (when it has any)
        controls_layout.addWidget(self.preset_choice)
        controls_layout.addWidget(params_box)
        controls_layout.addWidget(self.hint_label)
        controls_layout.addWidget(self.class_box)
        self.controls_area = VerticalScrollArea(controls, "Detection parameters")
        self.pace_label.reveal_in(self.controls_area, self.rows[INTERVAL_ROW].slider)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(PANEL_MARGIN_PX, PANEL_MARGIN_PX, PANEL_MARGIN_PX, PANEL_MARGIN_PX)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.controls_area)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        layout.addStretch(1)
        self.destroyed.connect(self._make_unbinder())
        self.set_tuning(tuning)

    # -- binding ----------------------------------------------------------------------------------
    @property
    def tuning(self) -> DetectionTuning | None:
        return self._tuning

    def set_tuning(self, tuning: DetectionTuning | None, model: LoadedModel | None = None) -> None:
        """Show and edit ``tuning`` (e.g. a newly loaded model's); the old one is released. ``model``, the tuned
        one, is profiled here, once, for the line under the Inference interval (None: no line), and its presets
        are read, once, for the Values choice (:class:`PresetChoice`; None: none offered)."""
        self.pace_label.set_model(model if tuning is not None else None)
        self.preset_choice.set_model(tuning, model)
        if self._tuning is not None:
            self._tuning.changed.disconnect(self._on_changed)
        self._binding.clear()
        self._tuning = tuning
        self._build_class_rows(tuning.classes if tuning is not None else (), tuning)
        if tuning is not None:
            tuning.changed.connect(self._on_changed)
            self._binding.extend((tuning, self._on_changed))
        self.setEnabled(tuning is not None)
        self._show_error("")
        self.refresh()

    @property
    def hint(self) -> str:
        """Why the settings in force can never detect anything ("" when they can, or when nothing is tuned)."""
        return self.hint_label.text() if not self.hint_label.isHidden() else ""

    @property
    def notice(self) -> str:
        """The sentence shown instead of the controls ("" while they are shown)."""
        return self.notice_label.text() if not self.notice_label.isHidden() else ""

    def set_unavailable(self, reason: str | None) -> None:
        """Say ``reason`` (why nothing can be tuned: the open model cannot stream) instead of the controls;
        None shows them again. Why hide them: disabled sliders would still show the previous model's values."""
        self.notice_label.setText(f"Nothing to tune: {reason}." if reason else "")
        self.notice_label.setVisible(bool(reason))
        for part in self._parts:
            part.setVisible(not reason and (part is not self.class_box or bool(self.class_rows)))
        for widget in (self.controls_area, self.reset_button, self.save_button):
            widget.setVisible(not reason)
        self.refresh()  # the hint shows only with the controls

    def _make_unbinder(self) -> Callable[[], None]:
        """A destroyed-handler that drops our listener; it holds the binding, not the (dying) widget."""
        binding = self._binding

        def unbind() -> None:
            if binding:
                tuning, listener = binding
                tuning.changed.disconnect(listener)
                binding.clear()

        return unbind

    def refresh(self) -> None:
        """Redraw every control from the tuning's current settings."""
        if self._tuning is not None:
            self._on_changed(self._tuning.settings)
        else:
            self.reset_button.setEnabled(False)
            self.hint_label.setVisible(False)
            self.pace_label.show_for(None)

    # -- model → widgets --------------------------------------------------------------------------
    def _on_changed(self, settings: DetectionSettings) -> None:
        tuning = self._tuning
        if tuning is None:
            return
        for name, row in self.rows.items():
            row.show(getattr(settings, name))
        for index, (check, row) in enumerate(self.class_rows):
            own = tuning.class_threshold(index)
            check.blockSignals(True)
            check.setChecked(own is None)
            check.blockSignals(False)
            row.show(tuning.effective_class_threshold(index))
            row.set_enabled(own is not None and check.isEnabled())
        self.reset_button.setEnabled(tuning.is_modified)
        self.preset_choice.follow()
        self._show_hint(settings, tuning.classes)

    def _show_hint(self, settings: DetectionSettings, classes: tuple[str, ...]) -> None:
        reason = None if self.notice else never_detects_reason(settings, classes or None)
        self.hint_label.setText(f"Nothing can be detected: {reason}." if reason else "")
        self.hint_label.setVisible(bool(reason))
        self.pace_label.show_for(None if self.notice else settings.latency_ms)  # a comparison: no profile

    # -- widgets → model --------------------------------------------------------------------------
    def _edit(self, name: str, value: float) -> None:
        if self._tuning is None:
            return
        if self.rows[name].spec.decimals > 0:
            value = stored_float(value)  # in force as the file will hold it, so saving changes nothing
        warned = bool(self.pace_label.warning)
        self._apply(lambda: self._tuning.set(**{name: value}), name, self.rows[name].spec.label)
        if name == INTERVAL_ROW and not warned:
            self.pace_label.reveal_if_shown()  # the user's change made it appear: in sight, once the slider is let go

    def _edit_class(self, index: int, value: float | None) -> None:
        if self._tuning is None:
            return
        self._apply(lambda: self._tuning.set_class_threshold(index, None if value is None else int(value)))

    def _apply(self, change: Callable[[], bool], name: str = "", label: str = "") -> None:
        """Make ``change``; a refused value is said naming the row (``label``), not its key (``name``)."""
        try:
            change()
        except SettingsError as exc:
            message = str(exc)
            if name and message.startswith(name):
                message = label + message[len(name):]
            self._show_error(message)
            self.refresh()  # put the widgets back on the values in force
        else:
            self._show_error("")

    def _reset(self) -> None:
        if self._tuning is not None:
            self._tuning.reset_to_model()
            self._show_error("")

    def _show_error(self, text: str) -> None:
        self.error_label.show_error(text)
        self.error_label.setVisible(bool(text))

    # -- per-class rows ---------------------------------------------------------------------------
    def _build_class_rows(self, classes: tuple[str, ...], tuning: DetectionTuning | None) -> None:
        while self._class_form.rowCount():
            taken = self._class_form.takeRow(0)
            for item in (taken.labelItem, taken.fieldItem):
                if item is not None and item.widget() is not None:  # a row's parts, with their widgets
                    item.widget().hide()
                    item.widget().deleteLater()
        self.class_rows = []
        labels: list[QLabel] = []
        count = tuning.class_count if tuning is not None else 0
        names = list(classes) + [f"class {i}" for i in range(len(classes), count)]
        for index, name in enumerate(names):
            row = ParameterRow(CLASS_THRESHOLD_SPEC, lambda value, i=index: self._edit_class(i, value))
            check = QCheckBox(USE_GLOBAL_TEXT)
            check.setToolTip(f"Checked: “{name}” uses the global detection threshold. Unchecked: it has "
                             "its own threshold (written as detection_threshold_list).")
            check.setAccessibleName(f"{name} uses the global threshold")
            row.name_as(f"{name} threshold")
            check.toggled.connect(lambda use_global, i=index, r=row: self._edit_class(
                i, None if use_global else r.value))
            label = QLabel(name)
            label.setToolTip(CLASS_THRESHOLD_HELP)
            if not is_keyword_class(name):  # shown, as the model holds it, but not editable
                for widget in (label, check):
                    widget.setEnabled(False)
                    widget.setToolTip(NOT_REPORTED_HELP)
            # the check box goes with the name: beside the slider it left the slider no room at a large font
            self._class_form.addRow(one_line(label, check, stretch=label),
                                    one_line(row.slider, row.spin, stretch=row.slider))
            self.class_rows.append((check, row))
            labels.append(label)
        widest = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:  # the check boxes in a column
            label.setMinimumWidth(widest)
        self.class_box.setVisible(bool(names) and not self.notice)
        self._chain_tab_order()

    def _chain_tab_order(self) -> None:
        """Tab goes down the panel as it reads: the class rows are built after the buttons (when a model
        is loaded), so by creation order Tab would jump from the last parameter to the buttons and back."""
        chain: list[QWidget] = [self.preset_choice.combo]  # (skipped by Tab while hidden: no presets)
        chain += [w for row in self.rows.values() for w in (row.slider, row.spin)]
        chain += [w for check, row in self.class_rows for w in (check, row.slider, row.spin)]
        chain += [self.reset_button, self.save_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
