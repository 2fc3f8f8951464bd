"""The palettes' text is readable (WCAG 4.5:1), a check box's or radio button's outline stands out from what is
around it (3:1, measured on the rendered widget), class colours used as text keep their hue, and sizes that hold
text follow the application font."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QRadioButton, QStyle, QStyleOptionButton

from workbench.gui import theme

HUE_TOLERANCE = 0.02  # of a full turn: a darkened class colour is still the same colour
LARGE_POINTS = 16.0
EDGE_PX = 2  # an outline's pixels: its line, and the next one in (an anti-aliased circle spreads over two)


@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#777777", "#ffffff", 4.48),
    ("#56B4E9", "#ffffff", 2.31), ("#6f737a", "#2b2d30", 2.90),  # two of the pairs the audit measured
])
def test_contrast_ratio_is_wcag_s(first: str, second: str, ratio: float) -> None:
    assert theme.contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert theme.contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("dark", [True, False])
def test_every_text_pair_of_both_palettes_reads(qapp: QApplication, dark: bool) -> None:
    old = qapp.palette()
    try:
        theme.apply_palette(qapp, dark)
        pairs = theme.text_pairs(qapp.palette())
    finally:
        qapp.setPalette(old)
    assert {"disabled text", "placeholder", "selected text", "error text"} <= set(pairs)
    low = {name: round(theme.contrast_ratio(fg, bg), 2) for name, (fg, bg) in pairs.items()
           if theme.contrast_ratio(fg, bg) < theme.MIN_TEXT_CONTRAST}
    assert not low


@pytest.mark.parametrize("dark", [True, False])
def test_indicator_outlines_stand_out_on_both_palettes(qapp: QApplication, dark: bool) -> None:
    """WCAG 1.4.11: 3:1 for what marks a control out, on the window and on a table's base colour."""
    pairs = theme.boundary_pairs(theme.palette_for(qapp, dark))
    low = {name: round(theme.contrast_ratio(fg, bg), 2) for name, (fg, bg) in pairs.items()
           if theme.contrast_ratio(fg, bg) < theme.MIN_BOUNDARY_CONTRAST}
    assert set(pairs) == {"indicator on window", "indicator on base"} and not low


def _outline_contrast(button: QAbstractButton, element: QStyle.SubElement) -> float:
    """The contrast of the indicator's outline with the window colour around it, as ``button`` is painted: on
    each side of the indicator the strongest of its outer pixels at the middle, and the weakest of the sides."""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    rect = button.style().subElementRect(element, option, button)
    image = button.grab().toImage()
    ratio = image.devicePixelRatio()
    window = button.palette().color(QPalette.ColorRole.Window)
    middle_x, middle_y = rect.center().x(), rect.center().y()
    sides = [[(rect.left() + i, middle_y) for i in range(EDGE_PX)],
             [(rect.right() - i, middle_y) for i in range(EDGE_PX)],
             [(middle_x, rect.top() + i) for i in range(EDGE_PX)],
             [(middle_x, rect.bottom() - i) for i in range(EDGE_PX)]]
    return min(max(theme.contrast_ratio(image.pixelColor(round(x * ratio), round(y * ratio)), window)
                   for x, y in side) for side in sides)


@pytest.mark.parametrize("checked", [False, True], ids=["unchecked", "checked"])
@pytest.mark.parametrize("kind", ["check box", "radio button"])
@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_a_rendered_indicator_outline_stands_out(qtbot, qapp: QApplication, dark: bool, kind: str,
                                                 checked: bool) -> None:
    """The audit measured an unchecked box of the dark palette: #1e1f22 in a #222326 line on #2b2d30, 1.2:1."""
    old = qapp.palette()
    theme.apply_palette(qapp, dark)
    try:
        button = QCheckBox("Loop") if kind == "check box" else QRadioButton("Loop")
        qtbot.addWidget(button)
        button.setChecked(checked)
        button.show()
        qtbot.waitExposed(button)
        element = (QStyle.SubElement.SE_CheckBoxIndicator if kind == "check box"
                   else QStyle.SubElement.SE_RadioButtonIndicator)
        assert _outline_contrast(button, element) >= theme.MIN_BOUNDARY_CONTRAST
    finally:
        qapp.setPalette(old)


@pytest.mark.parametrize("background", [theme.LIGHT.background, theme.DARK.background, "#efefef", "#2b2d30"])
def test_class_text_colours_read_and_keep_their_hue(qapp: QApplication, background: str) -> None:
    for index, name in enumerate(theme.CLASS_COLORS):
        text = theme.class_text_color(index, background)
        assert theme.contrast_ratio(text, background) >= theme.MIN_TEXT_CONTRAST, name
        original = QColor(name)
        if original.hslSaturationF() > 0:  # a grey has no hue to keep
            turn = abs(text.hslHueF() - original.hslHueF())
            assert min(turn, 1 - turn) <= HUE_TOLERANCE, name
    assert theme.class_text_color(0, theme.DARK.background) == theme.class_color(0)  # already readable: kept


def test_label_on_a_bar_is_black_or_white_whichever_reads(qapp: QApplication) -> None:
    for name in theme.CLASS_COLORS:
        label = theme.text_on(name)
        assert label in (theme.BLACK, theme.WHITE)
        other = theme.WHITE if label == theme.BLACK else theme.BLACK
        assert theme.contrast_ratio(label, name) >= theme.contrast_ratio(other, name)
    assert theme.text_on("#E69F00") == theme.BLACK  # the white on orange measured 2.25:1


def test_error_red_reads_on_both_window_colours(qapp: QApplication) -> None:
    for window in ("#2b2d30", "#efefef"):
        assert theme.contrast_ratio(theme.error_text_color(window), window) >= theme.MIN_TEXT_CONTRAST


def test_text_sizes_grow_with_the_font(qapp: QApplication) -> None:
    small, large = QFont(qapp.font()), QFont(qapp.font())
    small.setPointSizeF(9.0)
    large.setPointSizeF(LARGE_POINTS)
    assert theme.left_axis_px(large) > theme.left_axis_px(small)
    assert theme.side_panel_px(large) > theme.side_panel_px(small)
    assert theme.css_font_size(large) == "16pt"


@pytest.mark.parametrize("dark", [True, False])
def test_item_focus_frames_stand_out_on_both_palettes(qapp: QApplication, dark: bool) -> None:
    """WCAG 1.4.11: the focused cell's frame 3:1 on the base, the alternate rows and a selected row."""
    pairs = theme.focus_pairs(theme.palette_for(qapp, dark))
    low = {name: round(theme.contrast_ratio(fg, bg), 2) for name, (fg, bg) in pairs.items()
           if theme.contrast_ratio(fg, bg) < theme.MIN_BOUNDARY_CONTRAST}
    assert len(pairs) == 3 and not low


@pytest.mark.parametrize("row", [0, 1], ids=["base row", "alternate row"])
@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_a_rendered_cell_focus_frame_stands_out(qtbot, qapp: QApplication, dark: bool, row: int) -> None:
    """The audit measured the Profile table and the detection log with no row selected: the focused cell was only a
    #32415d outline on #1e1f22 (1.6:1)."""
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QTableWidget

    old = qapp.palette()
    theme.apply_palette(qapp, dark)
    try:
        table = QTableWidget(3, 3)  # empty cells: inside the frame there is only the cell's background
        qtbot.addWidget(table)
        table.setAlternatingRowColors(True)
        table.show()
        table.activateWindow()
        table.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is table, timeout=2000)
        table.selectionModel().setCurrentIndex(table.model().index(row, 1), QItemSelectionModel.SelectionFlag.NoUpdate)
        assert not table.selectionModel().hasSelection()
        qtbot.wait(20)
        image = table.viewport().grab().toImage()
        ratio = image.devicePixelRatio()
        cell = table.visualRect(table.model().index(row, 1))
        background = image.pixelColor(round(cell.center().x() * ratio), round(cell.center().y() * ratio))
        sides = [[(cell.left() + i, cell.center().y()) for i in range(EDGE_PX)],
                 [(cell.right() - i, cell.center().y()) for i in range(EDGE_PX)],
                 [(cell.center().x(), cell.top() + i) for i in range(EDGE_PX)],
                 [(cell.center().x(), cell.bottom() - i) for i in range(EDGE_PX)]]
        weakest = min(max(theme.contrast_ratio(image.pixelColor(round(x * ratio), round(y * ratio)), background)
                          for x, y in side) for side in sides)
        assert weakest >= theme.MIN_BOUNDARY_CONTRAST
    finally:
        qapp.setPalette(old)
