"""The window's locale: Qt writes numbers as the rest of the window does ('.' decimals, no group separators), and
the C library's messages and numbers are "C" again once the QApplication has set them to the system's -- so an
OSError's sentence in an English window is English. LC_CTYPE (how file names are decoded) stays the system's."""

from __future__ import annotations

import json
import locale
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDoubleSpinBox

from tests.gui.typed_numbers import GERMAN, default_locale
from workbench.gui.app_locale import WINDOW_C_LOCALE, WINDOW_CATEGORIES, number_locale, use_window_locale

GERMAN_LOCALE = "de_DE.UTF-8"
LOCALEDEF_TIMEOUT_S = 120.0
CHILD_TIMEOUT_S = 120.0
ENGLISH_NOT_FOUND = "No such file or directory"
# a workbench started under the system's locale: what libc says of a missing file once Qt has made the
# QApplication (setlocale(LC_ALL, "")), and once the start-up is done
START_UP = """
import json, locale, sys
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

def missing_file_sentence():
    try:
        open(sys.argv[1])
    except OSError as exc:
        return exc.strerror

app = QApplication(sys.argv[:1])
before = missing_file_sentence()
from workbench.gui.app import start_application
start_application()
print(json.dumps({"before": before, "after": missing_file_sentence(), "ctype": locale.setlocale(locale.LC_CTYPE),
                  "c_point": locale.localeconv()["decimal_point"], "system_point": QLocale.system().decimalPoint(),
                  "window_point": QLocale().decimalPoint()}))
"""


@pytest.fixture
def window_locale() -> Iterator[None]:
    """:func:`use_window_locale` in this process, the earlier locales back after the test."""
    categories = [getattr(locale, name) for name in WINDOW_CATEGORIES if hasattr(locale, name)]
    earlier = {category: locale.setlocale(category) for category in categories}
    with default_locale(QLocale()):
        try:
            yield
        finally:
            for category, name in earlier.items():
                locale.setlocale(category, name)


def test_every_new_widget_writes_a_point_and_no_group_separator(qtbot,  # type: ignore[no-untyped-def]
                                                                window_locale: None) -> None:
    QLocale.setDefault(GERMAN)  # what a German system makes every widget's default
    use_window_locale()
    box = QDoubleSpinBox(decimals=1, maximum=100_000.0, value=1000.0)  # a plain Qt box, as any view may hold
    qtbot.addWidget(box)
    assert box.text() == "1000.0"
    assert QLocale().toString(1234567.5, "f", 1) == number_locale().toString(1234567.5, "f", 1) == "1234567.5"


def test_the_c_librarys_messages_and_numbers_are_c_and_its_ctype_is_kept(window_locale: None) -> None:
    ctype = locale.setlocale(locale.LC_CTYPE)
    use_window_locale()
    for name in WINDOW_CATEGORIES:
        if hasattr(locale, name):
            assert locale.setlocale(getattr(locale, name)) == WINDOW_C_LOCALE
    assert locale.setlocale(locale.LC_CTYPE) == ctype
    assert locale.localeconv()["decimal_point"] == "."


@pytest.fixture
def german_locales(tmp_path: Path) -> Path:
    """A folder for LOCPATH holding de_DE.UTF-8, built with localedef (skipped where it cannot be built)."""
    localedef = shutil.which("localedef")
    if localedef is None or not sys.platform.startswith("linux"):
        pytest.skip("localedef (glibc) is needed to build a German locale for the test")
    folder = tmp_path / "locales"
    folder.mkdir()
    built = subprocess.run([localedef, "-i", "de_DE", "-f", "UTF-8", str(folder / GERMAN_LOCALE)],
                           capture_output=True, text=True, timeout=LOCALEDEF_TIMEOUT_S)
    if not (folder / GERMAN_LOCALE / "LC_CTYPE").is_file():
        pytest.skip(f"localedef could not build {GERMAN_LOCALE} (its sources are not installed?): "
                    f"{built.stderr.strip()[:200]}")
    return folder


def test_an_os_error_is_english_after_the_app_starts_under_a_german_system(german_locales: Path,
                                                                            tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "LANGUAGE"}  # LANGUAGE would pick English
    env.update(LOCPATH=str(german_locales), LC_ALL=GERMAN_LOCALE, QT_QPA_PLATFORM="offscreen")
    child = subprocess.run([sys.executable, "-c", START_UP, str(tmp_path / "missing.wav")], env=env,
                           capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    assert child.returncode == 0, child.stderr
    seen = json.loads(child.stdout.splitlines()[-1])
    if seen["before"] == ENGLISH_NOT_FOUND:
        pytest.skip("the C library has no German messages here (libc.mo for de is not installed)")
    assert seen["system_point"] == ","  # the system is German ...
    assert seen["after"] == ENGLISH_NOT_FOUND  # ... and the window's OS sentences English,
    assert seen["c_point"] == seen["window_point"] == "."  # its numbers '.' in C code and in Qt,
    assert seen["ctype"] == GERMAN_LOCALE  # and file names still decoded as the system does
