"""The window's whole-number box: a typed "1.5" (or "1,5") is rounded to 2 and the box says so, never read as 15.

Why one box for every workspace: a plain QSpinBox refuses the "." keystroke and reads "," as a thousands
separator, so "1.5" typed as takes, epochs or a seed silently became 15 -- ten times the number meant. Every box
the user types a whole number into is a :class:`WholeSpinBox`: while a decimal number is typed the box keeps it
as typed (not yet a value) and says what it will take; on Return or leaving the box it takes the nearest whole
number in its range and says so beside the box. Rounded, not refused: the number typed is kept as closely as the
box can hold it, and a dialog's OK pressed straight after still runs with it, not with the value before.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox, QToolTip, QWidget

from workbench.gui.app_locale import number_locale
from workbench.gui.widgets.decimal_spin_box import DECIMAL_MARKS

# a number with a decimal mark, as far as typed: "1.", "1.5", ".5", "-2,25" (either mark, see DecimalSpinBox)
TYPED_DECIMAL = re.compile(r"(?P<whole>[+-]?\d*)[.,]\d*")
WHOLE = Decimal(1)


def whole_number_note(typed: str, taken: str) -> str:
    """The sentence shown beside a box that rounds ``typed`` to the text ``taken``."""
    return f"Whole numbers only: {typed} is taken as {taken}."


class WholeSpinBox(QSpinBox):
    """A QSpinBox that rounds a typed decimal number (either mark) to the nearest whole one, half away from zero,
    and shows :func:`whole_number_note` as a tooltip under the box while it is typed and when it is taken.
    Takes QSpinBox's keyword properties (``minimum=1, maximum=100, value=5, suffix=" ms"``)."""

    def __init__(self, parent: QWidget | None = None, **properties: Any) -> None:
        super().__init__(parent, **properties)
        self.setLocale(number_locale())  # '.' never a group separator: the same numbers as every other box
        self.lineEdit().textEdited.connect(self._say_while_typed)

    def _body(self, text: str) -> str:
        """``text`` without the box's prefix and suffix, as Qt reads a spin box's number."""
        prefix, suffix = self.prefix(), self.suffix()
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
        if suffix and text.endswith(suffix):
            text = text[:-len(suffix)]
        return text.strip()

    def _typed_decimal(self, text: str) -> re.Match[str] | None:
        body = self._body(text)
        return TYPED_DECIMAL.fullmatch(body) if any(mark in body for mark in DECIMAL_MARKS) else None

    def _taken(self, text: str) -> int | None:
        """The whole number in range that the decimal ``text`` is taken as; None when it is no decimal number."""
        typed = self._typed_decimal(text)
        if typed is None:
            return None
        try:
            number = Decimal(typed.group(0).replace(",", "."))
        except InvalidOperation:  # a mark alone: no number yet
            return None
        return min(max(int(number.quantize(WHOLE, rounding=ROUND_HALF_UP)), self.minimum()), self.maximum())

    def _taken_text(self, value: int) -> str:
        """``value`` as the box shows it once taken (the special value's text at the minimum, e.g. "auto")."""
        if value == self.minimum() and self.specialValueText():
            return self.specialValueText()
        return f"{self.prefix()}{self.textFromValue(value)}{self.suffix()}".strip()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        typed = self._typed_decimal(text)
        if typed is None and not any(mark in self._body(text) for mark in DECIMAL_MARKS):
            result = super().validate(text, pos)
            return result if isinstance(result, tuple) else (result, text, pos)
        if typed is None:  # a second mark, or letters after one
            return QValidator.State.Invalid, text, pos
        whole = typed.group("whole")
        if whole.lstrip("+-"):  # the digits before the mark must fit the box, as the digits of a whole number do
            result = super().validate(f"{self.prefix()}{whole}{self.suffix()}", 0)
            if (result[0] if isinstance(result, tuple) else result) == QValidator.State.Invalid:
                return QValidator.State.Invalid, text, pos
        return QValidator.State.Intermediate, text, pos  # kept as typed: taken (rounded) on Return or leaving

    def fixup(self, text: str) -> str:
        taken = self._taken(text)
        if taken is None:
            return super().fixup(text)
        self._say(whole_number_note(self._body(text), self._taken_text(taken)))
        return f"{self.prefix()}{self.textFromValue(taken)}{self.suffix()}"

    def _say_while_typed(self, text: str) -> None:
        taken = self._taken(text)
        if taken is not None:
            self._say(whole_number_note(self._body(text), self._taken_text(taken)))

    def _say(self, note: str) -> None:
        QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), note, self)
