"""How wide a Tuning panel's value box is: room for the values a user tunes, not for its whole range.

Why apart from the panel: the width follows from the box's text (font, suffix, decimals) and a parameter's
slider range alone, while the panel is about binding rows to a
:class:`~workbench.core.detection.tuning.DetectionTuning`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox

from workbench.core.detection.tuning import ParameterSpec
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox
from workbench.gui.widgets.whole_spin_box import WholeSpinBox

SPIN_ROOM = 10  # a value box is as wide as this many times the slider's end needs


def readable_width(spin: QAbstractSpinBox, spec: ParameterSpec) -> int:
    """The width a box needs for the values a user tunes (up to :data:`SPIN_ROOM` times the slider's end), not
    for its whole range: sized for 2147483647 ms the boxes took the room of the sliders, the panel's main
    controls. A larger value still shows, scrolled in its box."""
    probe: WholeSpinBox | QDoubleSpinBox
    if isinstance(spin, QDoubleSpinBox):
        probe = DecimalSpinBox()  # sized for the text it shows, not for every decimal it keeps
        probe.setDecimals(spec.decimals)
        probe.setRange(spec.minimum, spec.slider_maximum * SPIN_ROOM)
    else:
        probe = WholeSpinBox()
        probe.setRange(int(spec.minimum), int(spec.slider_maximum * SPIN_ROOM))
    probe.setFont(spin.font())
    probe.setSuffix(spin.suffix())
    width = probe.sizeHint().width()
    probe.deleteLater()
    return width
