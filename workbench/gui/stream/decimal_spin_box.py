"""The Tuning panel's float box: "," or "." as the decimal mark, the value in force shown as it is stored, and
the width a box needs for the values a user tunes.

Why apart from the panel: how a number is typed and shown in a box is the same whatever parameter it holds, and
the panel is about binding rows to a :class:`~workbench.core.detection.tuning.DetectionTuning`.
"""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QSpinBox

from workbench.core.detection.parameter_text import number_text
from workbench.core.detection.tuning import ParameterSpec

DECIMAL_MARKS = (",", ".")
SPIN_ROOM = 10  # a value box is as wide as this many times the slider's end needs


class DecimalSpinBox(QDoubleSpinBox):
    """A float spin box that reads either "," or "." as the decimal mark, and shows the value in force as stored.

    Why the marks: in an English locale Qt takes "," as a thousands separator, so "2,5" typed into Volume gain
    became 25 -- ten times the gain meant, without a word. Group separators are never needed in these
    boxes, so both marks mean the locale's decimal point.
    Why the text: a box rounds to its decimals, so a gain of 1.25 read "1.3" while 1.25 was in force. The value
    given to :meth:`show_exact` is written as every view writes it (``number_text``); a value stepped to drops
    the zeros its many decimals would add (1.35, not 1.3500000).
    """

    _exact: float | None = None

    def show_exact(self, value: float) -> None:
        """Show ``value`` (the value in force) in full; the box's own value is it rounded to its decimals."""
        self._exact = float(value)
        self.setValue(value)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt API)
        point = self.locale().decimalPoint()
        if self._exact is not None and value == round(self._exact, self.decimals()):
            return number_text(self._exact).replace(".", point)
        whole, mark, fraction = super().textFromValue(value).partition(point)
        return whole + mark + (fraction.rstrip("0") or "0") if mark else whole

    def _normalized(self, text: str) -> str:
        point = self.locale().decimalPoint()
        for mark in DECIMAL_MARKS:
            text = text.replace(mark, point)
        return text

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        normalized = self._normalized(text)
        result = super().validate(normalized, pos)
        state = result[0] if isinstance(result, tuple) else result
        return state, normalized, pos

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt API)
        return super().valueFromText(self._normalized(text))


def readable_width(spin: QAbstractSpinBox, spec: ParameterSpec) -> int:
    """The width a box needs for the values a user tunes (up to :data:`SPIN_ROOM` times the slider's end), not
    for its whole range: sized for 2147483647 ms the boxes took the room of the sliders, the panel's main
    controls. A larger value still shows, scrolled in its box."""
    probe: QSpinBox | QDoubleSpinBox
    if isinstance(spin, QDoubleSpinBox):
        probe = DecimalSpinBox()  # sized for the text it shows, not for every decimal it keeps
        probe.setDecimals(spec.decimals)
        probe.setRange(spec.minimum, spec.slider_maximum * SPIN_ROOM)
    else:
        probe = QSpinBox()
        probe.setRange(int(spec.minimum), int(spec.slider_maximum * SPIN_ROOM))
    probe.setFont(spin.font())
    probe.setSuffix(spin.suffix())
    width = probe.sizeHint().width()
    probe.deleteLater()
    return width
