"""One detection parameter of the Tuning panel: a slider over its useful range beside a box for its full range.

Why apart from the panel: a row only shows a value and reports the user's edits -- the panel binds rows (one per
parameter, one per class threshold) to a :class:`~workbench.core.detection.tuning.DetectionTuning`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QSlider

from workbench.core.detection.tuning import ParameterSpec
from workbench.gui import theme
from workbench.gui.stream.tuning_box_width import readable_width
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox
from workbench.gui.widgets.whole_spin_box import WholeSpinBox

# a slider is never narrower than this many lines of text: where its label leaves it less, the row wraps (the
# slider and its box under the label) rather than squeezing the slider to a knob or the dock scrolling sideways
SLIDER_MIN_LINES = 3


class ParameterRow:
    """One parameter: a slider (its useful range) and a spin box (its full range) showing one value.

    ``on_edit(value)`` is called when the user moves either; :meth:`show` displays a value without
    calling it. Floats are mapped onto the integer slider in units of ``spec.step``. Either widget moved back to
    where :meth:`show` put it reports the value shown, not its rounding (a gain of 1.25 sits at slider step 12:
    a step right and back must leave 1.25 in force, not set 1.2).
    """

    def __init__(self, spec: ParameterSpec, on_edit: Callable[[float], None]) -> None:
        self.spec = spec
        self._on_edit = on_edit
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(self._to_slider(spec.minimum), self._to_slider(spec.slider_maximum))
        self.slider.setSingleStep(1)
        self.slider.setMinimumWidth(SLIDER_MIN_LINES * theme.line_px(self.slider.font()))
        self.spin: WholeSpinBox | DecimalSpinBox
        if spec.decimals > 0:
            self.spin = DecimalSpinBox()
            self.spin.setDecimals(spec.decimals)
            self.spin.setRange(spec.minimum, spec.maximum)
        else:
            self.spin = WholeSpinBox()
            self.spin.setRange(int(spec.minimum), int(spec.maximum))
        self.spin.setSingleStep(spec.step)
        self.spin.setKeyboardTracking(False)  # typing "185" applies 185, not 1 and 18 first
        self.spin.setStepType(QAbstractSpinBox.StepType.DefaultStepType)
        if spec.unit:
            self.spin.setSuffix(f" {spec.unit}")
        self.spin.setMaximumWidth(readable_width(self.spin, spec))
        for widget in (self.slider, self.spin):
            widget.setToolTip(spec.help)
            widget.setAccessibleDescription(spec.help)
        self.name_as(spec.label)
        self._shown: tuple[float, int, float] | None = None  # (value, slider position, box value) of show()
        self.slider.valueChanged.connect(self._slider_moved)
        self.spin.valueChanged.connect(self._spin_changed)

    def _slider_moved(self, position: int) -> None:
        shown = self._shown
        self._on_edit(shown[0] if shown is not None and position == shown[1] else self._from_slider(position))

    def _spin_changed(self, value: float) -> None:
        shown = self._shown
        self._on_edit(shown[0] if shown is not None and value == shown[2] else self._typed(value))

    def name_as(self, name: str) -> None:
        """What a screen reader says for both widgets (without it, each is named after its group box)."""
        self.slider.setAccessibleName(name)
        self.spin.setAccessibleName(f"{name} value")

    def _to_slider(self, value: float) -> int:
        return round(value / self.spec.step)

    def _from_slider(self, position: int) -> float:
        """The value at ``position``; the left end is the minimum even when that is not a whole step (the
        inference interval starts at 1 ms, its steps are 10 ms)."""
        return self._typed(max(self.spec.minimum, round(position * self.spec.step, self.spec.decimals)))

    def _typed(self, value: float) -> float:
        return float(value) if self.spec.decimals > 0 else int(round(value))

    @property
    def value(self) -> float:
        return self._typed(self.spin.value())

    def show(self, value: float) -> None:
        """Display ``value`` in both widgets without reporting an edit."""
        for widget in (self.slider, self.spin):
            widget.blockSignals(True)
        if value > self.spin.maximum():  # never cap: the box shows the value in force, steps go from it
            self.spin.setMaximum(value)
        if isinstance(self.spin, DecimalSpinBox):
            self.spin.show_exact(value)
        else:
            self.spin.setValue(value)
        # past the slider's range it stays at its end (in Python: the position may not fit Qt's int)
        self.slider.setValue(min(max(self._to_slider(value), self.slider.minimum()), self.slider.maximum()))
        self._shown = (self._typed(value), self.slider.value(), self.spin.value())
        for widget in (self.slider, self.spin):
            widget.blockSignals(False)

    def set_enabled(self, enabled: bool) -> None:
        self.slider.setEnabled(enabled)
        self.spin.setEnabled(enabled)
