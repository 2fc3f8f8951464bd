"""A DecimalSpinBox reads "1.5" and "1,5" alike and never as 15, and shows '.' decimals without group separators,
whatever the default locale the system gives the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale

from tests.gui.typed_numbers import SYSTEM_LOCALES, TYPED_ONE_AND_A_HALF, default_locale, type_number
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox


@pytest.fixture(params=sorted(SYSTEM_LOCALES))
def system_locale(request) -> QLocale:  # type: ignore[no-untyped-def]
    with default_locale(SYSTEM_LOCALES[request.param]) as locale:
        yield locale


@pytest.mark.parametrize("typed", TYPED_ONE_AND_A_HALF)
def test_either_mark_is_the_decimal_point(qtbot, system_locale: QLocale,  # type: ignore[no-untyped-def]
                                          typed: str):
    box = DecimalSpinBox(decimals=2, minimum=0.0, maximum=100_000.0, value=7.0)
    qtbot.addWidget(box)
    box.show()
    type_number(qtbot, box, typed)
    assert box.value() == pytest.approx(1.5)
    assert box.text() == "1.5"


@pytest.mark.parametrize("typed", ["1,000", "1.000"])
def test_a_mark_is_never_a_thousands_separator(qtbot, system_locale: QLocale,  # type: ignore[no-untyped-def]
                                               typed: str):
    box = DecimalSpinBox(decimals=3, maximum=100_000.0)
    qtbot.addWidget(box)
    box.show()
    type_number(qtbot, box, typed)
    assert box.value() == pytest.approx(1.0)


def test_a_value_shows_a_point_and_no_group_separator(qtbot, system_locale: QLocale):  # type: ignore[no-untyped-def]
    box = DecimalSpinBox(decimals=1, maximum=100_000.0, value=1000.0, suffix=" FA/h")
    qtbot.addWidget(box)
    assert box.text() == "1000.0 FA/h"
    box.show_exact(1234.56)
    assert box.text() == "1234.56 FA/h"
