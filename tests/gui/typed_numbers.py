"""Type a number into a spin box as a user does, under the default locale a system could give the window.

Used by the tests of the boxes a user types fractional numbers into: a German default (',' decimals, '.'
thousands) and C ('.' decimals, ',' thousands) are the two ways a plain QDoubleSpinBox misread "1.5" or "1,5"
as 15.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QAbstractSpinBox

GERMAN = QLocale(QLocale.Language.German, QLocale.Country.Germany)
SYSTEM_LOCALES = {"de_DE": GERMAN, "C": QLocale.c()}
TYPED_ONE_AND_A_HALF = ("1.5", "1,5")


@contextmanager
def default_locale(locale: QLocale) -> Iterator[QLocale]:
    """``locale`` as every new widget's default (as a system locale makes it), the earlier default after."""
    earlier = QLocale()
    QLocale.setDefault(locale)
    try:
        yield locale
    finally:
        QLocale.setDefault(earlier)


def type_number(qtbot, box: QAbstractSpinBox, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the box's text by ``text`` typed key by key, then press Return."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
