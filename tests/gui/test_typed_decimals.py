"""Every box the window takes a fractional number in reads "1.5" and "1,5" as 1.5, under a German default locale
and under C: the audit's "0.5" weight trained with --dataset DIR:5, "1.5" FA/h calibrated at 15, "1.5" minutes
built 15 and "1.5" MHz profiled at 15."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QWidget

from tests.gui.typed_numbers import TYPED_ONE_AND_A_HALF, type_number
from workbench.gui.calibration.calibration_inputs_view import CalibrationInputsView
from workbench.gui.calibration.stream_dialog import StreamDialog
from workbench.gui.model.profile_view import ProfileView
from workbench.gui.training.data_list.dataset_folder_table import WEIGHT_COLUMN, DatasetFolderTable
from workbench.gui.training.data_list.dataset_weights import DatasetFolder, dataset_arguments
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox

EDIT_TIMEOUT_MS = 2000
DATASET = Path("speech_commands")
# what the window reads back from a box once a number is typed into it
Reader = Callable[[], float]


def _shown(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.show()


def _calibration_inputs(qtbot, tmp_path: Path) -> CalibrationInputsView:  # type: ignore[no-untyped-def]
    view = CalibrationInputsView(QSettings(str(tmp_path / "calibration.ini"), QSettings.Format.IniFormat))
    _shown(qtbot, view)
    return view


def target_box(qtbot, tmp_path: Path) -> tuple[QAbstractSpinBox, Reader]:  # type: ignore[no-untyped-def]
    box = _calibration_inputs(qtbot, tmp_path).target_spin
    return box, box.value


def tolerance_box(qtbot, tmp_path: Path) -> tuple[QAbstractSpinBox, Reader]:  # type: ignore[no-untyped-def]
    box = _calibration_inputs(qtbot, tmp_path).tolerance_spin
    return box, box.value


def minutes_box(qtbot, tmp_path: Path) -> tuple[QAbstractSpinBox, Reader]:  # type: ignore[no-untyped-def]
    dialog = StreamDialog()
    _shown(qtbot, dialog)
    return dialog.minutes_spin, dialog.minutes_spin.value


def clock_box(qtbot, tmp_path: Path) -> tuple[QAbstractSpinBox, Reader]:  # type: ignore[no-untyped-def]
    view = ProfileView()
    _shown(qtbot, view)
    return view.clock_box, view.clock_box.value


def weight_box(qtbot, tmp_path: Path) -> tuple[QAbstractSpinBox, Reader]:  # type: ignore[no-untyped-def]
    """The Data list's weight editor; what it gives is the weight the run is started with."""
    table = DatasetFolderTable()
    _shown(qtbot, table)
    table.set_folders([DatasetFolder(DATASET)])
    table.setFocus()
    table.edit(table.model().index(0, WEIGHT_COLUMN))
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), DecimalSpinBox), timeout=EDIT_TIMEOUT_MS)
    editor = QApplication.focusWidget()
    assert isinstance(editor, DecimalSpinBox)

    def weight() -> float:
        """The weight the run gets: the number after DIR: in ``--dataset DIR:WEIGHT`` (none: 1)."""
        [argument] = dataset_arguments(table.folders())[1:]
        return float(argument.removeprefix(f"{DATASET}:")) if argument != str(DATASET) else 1.0

    return editor, weight


BOXES = {"calibration target": target_box, "calibration tolerance": tolerance_box,
         "stream minutes": minutes_box, "profile clock": clock_box, "data weight": weight_box}


@pytest.mark.parametrize("typed", TYPED_ONE_AND_A_HALF)
@pytest.mark.parametrize("box_name", sorted(BOXES))
def test_a_typed_decimal_is_read_as_typed(qtbot, tmp_path: Path, system_locale: QLocale,  # type: ignore[no-untyped-def]
                                          box_name: str, typed: str) -> None:
    box, read = BOXES[box_name](qtbot, tmp_path)
    type_number(qtbot, box, typed)
    qtbot.waitUntil(lambda: read() == pytest.approx(1.5), timeout=EDIT_TIMEOUT_MS)


@pytest.mark.parametrize("box_name", sorted(set(BOXES) - {"data weight"}))  # the weight's editor is made on edit
def test_a_box_shows_a_point_as_the_tables_beside_it(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     system_locale: QLocale, box_name: str) -> None:
    box, _ = BOXES[box_name](qtbot, tmp_path)
    assert isinstance(box, DecimalSpinBox)
    box.setValue(1.5)
    assert box.text().startswith("1.5") and "," not in box.text()
