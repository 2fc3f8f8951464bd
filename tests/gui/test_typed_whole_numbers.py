"""Every box the window takes a whole number in takes a typed "1.5" or "1,5" as 2, under a German default locale
and under C: before, a QSpinBox refused the "." keystroke and read "," as a thousands separator, so "1.5" epochs,
a suppression of "1.5" ms or "1,5" trials at once silently became 15."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractSpinBox, QSpinBox

from tests.gui.typed_numbers import TYPED_ONE_AND_A_HALF, type_number
from workbench.gui.calibration.stream_dialog import StreamDialog
from workbench.gui.datasets.dataset_builder_dialog import DatasetBuilderDialog
from workbench.gui.stream.guided_recording_view import GuidedRecordingView
from workbench.gui.widgets.whole_spin_box import WholeSpinBox

ROUNDED = 2
# what the window does with a box's number once it is typed: the option a run gets, the value in force
Reader = Callable[[], int]


def epochs_box(window) -> tuple[QAbstractSpinBox, Reader]:  # type: ignore[no-untyped-def]
    settings = window.training.training.settings

    def epochs() -> int:
        arguments = settings.arguments()
        return int(arguments[arguments.index("--epochs") + 1]) if "--epochs" in arguments else 0

    return settings.epochs, epochs


def suppression_box(window) -> tuple[QAbstractSpinBox, Reader]:  # type: ignore[no-untyped-def]
    return (window.tuning_panel.rows["suppression_ms"].spin,
            lambda: int(window.controller.tuning.settings.suppression_ms))


def trials_box(window) -> tuple[QAbstractSpinBox, Reader]:  # type: ignore[no-untyped-def]
    box = window.training.sweeps.concurrent_spin
    return box, box.value


BOXES = {"training epochs": epochs_box, "tuning suppression": suppression_box, "sweep trials at once": trials_box}


@pytest.mark.parametrize("typed", TYPED_ONE_AND_A_HALF)
@pytest.mark.parametrize("box_name", sorted(BOXES))
def test_a_typed_decimal_is_taken_rounded(qtbot, system_locale: QLocale, window,  # type: ignore[no-untyped-def]
                                          box_name: str, typed: str) -> None:
    box, read = BOXES[box_name](window)
    window.show_workspace("live" if box_name.startswith("tuning") else "training")
    if box_name.startswith("sweep"):
        window.training.setCurrentWidget(window.training.sweeps)
    qtbot.waitUntil(box.isVisible)
    type_number(qtbot, box, typed)
    assert read() == ROUNDED


@pytest.mark.parametrize("typed", TYPED_ONE_AND_A_HALF)
def test_the_stream_seed_takes_a_typed_decimal_rounded(qtbot, system_locale: QLocale,  # type: ignore[no-untyped-def]
                                                       typed: str) -> None:
    dialog = StreamDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    type_number(qtbot, dialog.seed_spin, typed)
    assert dialog.seed_spin.value() == ROUNDED


def test_every_whole_number_box_is_a_whole_spin_box(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The window's workspaces and docks, and the dialogs it opens with whole-number boxes."""
    builder = DatasetBuilderDialog(window)
    builder.ask = lambda _parent, _question: True  # closed without a modal question
    dialogs = (StreamDialog(), GuidedRecordingView(window.controller), builder)
    for dialog in dialogs:
        qtbot.addWidget(dialog)
    try:
        boxes = [box for widget in (window, *dialogs) for box in widget.findChildren(QSpinBox)]
        assert len(boxes) >= len(BOXES) + len(dialogs)
        assert [box for box in boxes if not isinstance(box, WholeSpinBox)] == []
    finally:
        builder.shutdown()
