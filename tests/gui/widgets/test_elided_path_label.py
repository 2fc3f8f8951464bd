"""A path label elides the path in its middle to its width, keeps the folder's own name whole while the name fits,
follows its width, and gives the full path to the tooltip and to a screen reader."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from tests.gui.spoken import spoken_description
from workbench.gui.widgets.elided_path_label import ELLIPSIS, NAME_MIN_CHARS, ElidedPathLabel

PATH = "/home/someone/.local/share/kws-workbench/recordings"
NAME = "recordings"
LONG_NAME = "a-dataset-folder-with-a-name-far-longer-than-the-label"


def shown_label(qtbot, path: str, width: int) -> ElidedPathLabel:  # type: ignore[no-untyped-def]
    label = ElidedPathLabel(path)
    qtbot.addWidget(label)
    label.setFixedWidth(width)
    label.show()
    qtbot.waitExposed(label)
    return label


def fits(label: QLabel) -> bool:
    return label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()


def test_a_wide_label_shows_the_whole_path(qtbot) -> None:
    label = ElidedPathLabel(PATH)
    qtbot.addWidget(label)
    label.setFixedWidth(label.sizeHint().width())
    label.show()
    assert label.text() == PATH


def test_a_narrow_label_cuts_the_middle_and_keeps_the_start_and_the_name(qtbot) -> None:
    metrics = ElidedPathLabel().fontMetrics()
    label = shown_label(qtbot, PATH, metrics.horizontalAdvance(PATH) * 2 // 3)
    text = label.text()
    assert ELLIPSIS in text and text.startswith("/home") and text.endswith("/" + NAME)
    assert fits(label)
    assert label.toolTip() == PATH == spoken_description(label)


def test_the_text_follows_the_width(qtbot) -> None:
    label = shown_label(qtbot, PATH, 10_000)
    assert label.text() == PATH
    narrow = label.minimumSizeHint().width()
    label.setFixedWidth(narrow)
    qtbot.waitUntil(lambda: label.text() != PATH, timeout=2000)
    assert label.text().endswith(NAME) and fits(label)  # the minimum width still holds "…/recordings"
    label.set_path("/tmp/other")
    assert label.text() == "/tmp/other" and label.toolTip() == "/tmp/other"


def test_a_name_longer_than_the_label_is_cut_in_its_middle(qtbot) -> None:
    label = shown_label(qtbot, f"/data/{LONG_NAME}", 120)
    text = label.text()
    assert ELLIPSIS in text and text.startswith(LONG_NAME[:2]) and text.endswith(LONG_NAME[-2:])
    assert fits(label)


def test_the_minimum_width_holds_a_short_name_and_not_a_long_one(qtbot) -> None:
    short, long = ElidedPathLabel(PATH), ElidedPathLabel(f"/data/{LONG_NAME}")
    for label in (short, long):
        qtbot.addWidget(label)
    metrics = short.fontMetrics()
    assert short.minimumSizeHint().width() >= metrics.horizontalAdvance(f"{ELLIPSIS}/{NAME}")
    assert long.minimumSizeHint().width() == NAME_MIN_CHARS * metrics.averageCharWidth()  # (no frame, no margin)
    assert long.minimumSizeHint().width() < metrics.horizontalAdvance(LONG_NAME)
