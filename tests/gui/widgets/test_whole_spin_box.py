"""A WholeSpinBox keeps a typed "1.5" (or "1,5") as typed while it is typed, takes it as 2 on Return or on leaving
the box and says so beside the box -- never 15 -- whatever the default locale the system gives the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QLineEdit, QToolTip, QVBoxLayout, QWidget

from tests.gui.typed_numbers import SYSTEM_LOCALES, TYPED_ONE_AND_A_HALF, default_locale, type_number
from workbench.gui.widgets.whole_spin_box import WholeSpinBox, whole_number_note

BEFORE = 7  # the value in the box before the user types


@pytest.fixture(params=sorted(SYSTEM_LOCALES))
def system_locale(request) -> QLocale:  # type: ignore[no-untyped-def]
    with default_locale(SYSTEM_LOCALES[request.param]) as locale:
        yield locale


@pytest.fixture(autouse=True)
def no_note_left() -> None:  # type: ignore[misc]
    QToolTip.hideText()
    yield
    QToolTip.hideText()


def shown_box(qtbot, **properties) -> WholeSpinBox:  # type: ignore[no-untyped-def]
    """A box (``properties`` as QSpinBox's) with a line edit after it, for the focus to leave to."""
    form = QWidget()
    layout = QVBoxLayout(form)
    box = WholeSpinBox(form, **{"minimum": 0, "maximum": 100_000, "value": BEFORE, **properties})
    layout.addWidget(box)
    layout.addWidget(QLineEdit(form))
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()  # focus leaves a box only in the active window
    qtbot.waitUntil(form.isActiveWindow)
    box.form = form  # type: ignore[attr-defined]  # kept alive as long as the test holds the box
    return box


@pytest.mark.parametrize("typed", TYPED_ONE_AND_A_HALF)
def test_a_typed_decimal_is_rounded_and_said(qtbot, system_locale: QLocale,  # type: ignore[no-untyped-def]
                                             typed: str):
    box = shown_box(qtbot)
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), typed)
    assert box.text() == typed  # the mark is kept as typed, not dropped ("15")
    assert QToolTip.text() == whole_number_note(typed, "2")  # said while typed, before anything is taken
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert box.value() == 2 and box.text() == "2"
    assert QToolTip.text() == whole_number_note(typed, "2")


def test_leaving_the_box_takes_the_rounded_number_too(qtbot, system_locale: QLocale):  # type: ignore[no-untyped-def]
    box = shown_box(qtbot, suffix=" ms")
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "2.5")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Tab)
    assert not box.hasFocus()
    assert box.value() == 3 and box.text() == "3 ms"  # half away from zero, as people round
    assert QToolTip.text() == whole_number_note("2.5", "3 ms")


def test_the_rounded_number_stays_in_the_range_and_says_the_special_value(qtbot):  # type: ignore[no-untyped-def]
    capped = shown_box(qtbot, maximum=99)
    type_number(qtbot, capped, "99.7")
    assert capped.value() == 99 and QToolTip.text() == whole_number_note("99.7", "99")
    auto = shown_box(qtbot, specialValueText="auto")
    type_number(qtbot, auto, "0.4")
    assert auto.value() == 0 and auto.text() == "auto" and QToolTip.text() == whole_number_note("0.4", "auto")


def test_a_mark_is_never_a_thousands_separator_and_only_one_is_taken(qtbot):  # type: ignore[no-untyped-def]
    box = shown_box(qtbot)
    type_number(qtbot, box, "1,000")
    assert box.value() == 1
    type_number(qtbot, box, "1.5.")  # the second mark is refused as it is typed
    assert box.value() == 2


def test_whole_numbers_are_taken_as_a_spin_box_takes_them_without_a_note(qtbot):  # type: ignore[no-untyped-def]
    box = shown_box(qtbot, maximum=100)
    type_number(qtbot, box, "42")
    assert box.value() == 42
    type_number(qtbot, box, "150")  # the 0 that would pass the maximum is refused, as a QSpinBox does
    assert box.value() == 15
    assert QToolTip.text() == ""
