"""The window's float box: "," or "." as the decimal mark, '.' shown whatever the system's locale, and the value
in force shown as it is stored.

Why one box for every workspace: a plain QDoubleSpinBox reads a typed number by the system's locale, and
silently -- in German "0.5" typed as a Data weight trained with --dataset DIR:5, "1.5" FA/h calibrated at 15;
in English "2,5" typed as Volume gain became 25. How a number is typed and shown is the same whatever the box
holds, so every box the user types a fractional number into is a :class:`DecimalSpinBox`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from workbench.core.detection.parameter_text import number_text
from workbench.gui.app_locale import number_locale

DECIMAL_MARKS = (",", ".")


class DecimalSpinBox(QDoubleSpinBox):
    """A float spin box that reads either "," or "." as the decimal mark, shows '.', and shows the value in force
    as stored. Takes QDoubleSpinBox's keyword properties (``decimals=1, maximum=600.0, suffix=" min"``).

    Why the marks: Qt reads the mark the locale does not use as a thousands separator, so one of "1.5" and
    "1,5" became 15 -- ten times the number meant, without a word. Group separators are never needed in these
    boxes, so both marks mean the decimal point.
    Why '.' shown: the tables, status line and logs beside the boxes write "360.0" (Python's numbers), and so
    do the files the window writes; the box keeps :func:`~workbench.gui.app_locale.number_locale` even where
    the default locale is another.
    Why the text: a box rounds to its decimals, so a gain of 1.25 read "1.3" while 1.25 was in force. The value
    given to :meth:`show_exact` is written as every view writes it (``number_text``); a value stepped to drops
    the zeros its many decimals would add (1.35, not 1.3500000).
    """

    _exact: float | None = None

    def __init__(self, parent: QWidget | None = None, **properties: Any) -> None:
        super().__init__(parent, **properties)
        self.setLocale(number_locale())  # the text already made is made again (Qt's LocaleChange)

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
