"""The level meter's CLIP lamp reads without its colour, and a screen reader hears the level and the clipping, told
again only when what it says changes."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage

from tests.gui.spoken import spoken_description, spoken_name
from workbench.gui import theme
from workbench.gui.live.level_meter_view import FULL_SCALE, LAMP_PADDING_PX, LevelMeter

FRAMES = 50
HALF_SCALE = FULL_SCALE / 2  # -6 dBFS
INSET_PX = 3  # inside the lamp's edge: the text alone is compared
MARKED_CONTRAST = 1.5  # a pixel this far from the lamp's fill belongs to what is drawn on it
MOST_SHARED = 0.5  # of the pixels drawn in either state, at most this share in both: another shape, not a recolour


def _meter(qtbot) -> LevelMeter:  # type: ignore[no-untyped-def]
    meter = LevelMeter()
    qtbot.addWidget(meter)
    meter.resize(meter.sizeHint())
    meter.show()
    qtbot.waitExposed(meter)
    return meter


def _lamp_marks(meter: LevelMeter) -> set[tuple[int, int]]:
    """The pixels of the lamp that stand out from its fill (its text), as the meter is painted now."""
    meter.repaint()
    image = meter.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    lamp = QRect(2, 2, meter.width() - 4, theme.line_px(meter.font()) + LAMP_PADDING_PX)
    inner = lamp.adjusted(INSET_PX, INSET_PX, -INSET_PX, -INSET_PX)
    pixels = {(x, y): image.pixelColor(x, y) for x in range(inner.left(), inner.right() + 1)
              for y in range(inner.top(), inner.bottom() + 1)}
    names = [colour.name() for colour in pixels.values()]
    fill = QColor(max(set(names), key=names.count))
    return {xy for xy, colour in pixels.items() if theme.contrast_ratio(colour, fill) >= MARKED_CONTRAST}


def test_the_clip_lamp_changes_its_shape_not_only_its_colour(qtbot) -> None:
    """The audit: the lamp always read "CLIP", only its background turned red."""
    meter = _meter(qtbot)
    unlit = _lamp_marks(meter)
    meter.show_peak(FULL_SCALE, clipped=True)
    assert meter.clipping
    lit = _lamp_marks(meter)
    assert unlit and lit
    assert len(unlit & lit) <= MOST_SHARED * len(unlit | lit)


def test_a_screen_reader_hears_the_level_and_the_clipping_when_they_change(qtbot) -> None:
    meter = _meter(qtbot)
    assert spoken_name(meter) == "Input level"
    assert spoken_description(meter) == "Input silent; no clipping."
    said: list[str] = []
    set_description = meter.setAccessibleDescription
    meter.setAccessibleDescription = (  # type: ignore[method-assign]
        lambda text: (said.append(text), set_description(text)))
    for _frame in range(FRAMES):
        meter.show_peak(HALF_SCALE, clipped=False)
    assert said == ["Input peak about -6 dBFS; no clipping."]  # once, not once a frame
    meter.show_peak(FULL_SCALE, clipped=True)
    assert spoken_description(meter).startswith("Input peak about 0 dBFS; clipping: a sample reached full scale")
    meter.clip_until = 0.0  # the lamp's moment is over
    meter.show_peak(FULL_SCALE, clipped=False)
    assert spoken_description(meter) == "Input peak about 0 dBFS; no clipping."
    assert len(said) == 3
