"""The Training form's rows that had no tooltip (the audit hovered "Epochs (max)", "Seed", "Start from" and "Output
folder" and learned nothing) say what they do, on the row's name and on its field alike, naming the ``kws train``
option each one sets, as ``kws train --help`` names it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from workbench.cli.main import build_parser
from workbench.gui.training.training_settings_view import TrainingSettingsView

# the row's name: (its field, the option it sets)
ROWS = {"Epochs (max)": ("epochs", "--epochs"), "Seed": ("seed", "--seed"), "Start from": ("init_from", "--init-from"),
        "Output folder": ("out", "--out")}


@pytest.fixture
def form(qtbot) -> TrainingSettingsView:  # type: ignore[no-untyped-def]
    view = TrainingSettingsView()
    qtbot.addWidget(view)
    return view


def _train_options() -> set[str]:
    parser = build_parser()
    commands = next(action for action in parser._actions if action.choices and "train" in action.choices)
    return {option for action in commands.choices["train"]._actions for option in action.option_strings}


@pytest.mark.parametrize("name", ROWS)
def test_the_row_and_its_field_say_what_they_set(form: TrainingSettingsView, name: str) -> None:
    attribute, option = ROWS[name]
    label = next(label for label in form.findChildren(QLabel) if label.text() == name)
    field = getattr(form, attribute)
    assert field.toolTip() and label.toolTip() == field.toolTip()
    assert f"kws train {option}" in field.toolTip() and option in _train_options()
