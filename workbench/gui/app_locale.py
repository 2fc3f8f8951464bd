"""The locale the window runs in: numbers written as everywhere else in the workbench, the system's sentences in
the window's language.

Why numbers in one style: the tables, the status line, the Detections log and every CSV file write numbers as
Python does ("360.0"), while a Qt box follows the system's locale -- in German "1000,0 FA/h" beside "360.0".
:func:`number_locale` ('.' as the decimal mark, no group separators) is the default locale of every widget,
so Qt's numbers read like the rest of the window whatever the system's locale.

Why the C library's messages and numbers go back to "C": on Unix, QApplication calls ``setlocale(LC_ALL, "")``,
so from then on libc speaks the system's language -- ``OSError.strerror`` in an English window said "Cannot
write …: Das Dateisystem ist nur lesbar." -- and C code that prints or parses numbers (printf, strtod in the
libraries the window loads) would read "1.5" as 1 in a German locale. LC_CTYPE stays the system's: it is how
file names are decoded, and a name with "é" must still open.
"""

from __future__ import annotations

import locale

from PySide6.QtCore import QLocale

# the C library's categories that follow the window's conventions, not the system's (LC_MESSAGES is absent on
# Windows, where Qt does not call setlocale)
WINDOW_CATEGORIES = ("LC_MESSAGES", "LC_NUMERIC")
WINDOW_C_LOCALE = "C"


def number_locale() -> QLocale:
    """The locale Qt writes the window's numbers in: '.' decimals and no group separators (1000.5, never
    1,000.5 or 1000,5), as the rest of the window and the files it writes."""
    numbers = QLocale.c()
    numbers.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    return numbers


def use_window_locale() -> None:
    """Make :func:`number_locale` every widget's default and give the C library's messages and numbers back to
    "C" (see the module docstring). Call it once the QApplication exists (it changed them) and before any
    widget is made (a widget takes the default locale when it is made)."""
    QLocale.setDefault(number_locale())
    for name in WINDOW_CATEGORIES:
        category = getattr(locale, name, None)
        if category is not None:
            locale.setlocale(category, WINDOW_C_LOCALE)
