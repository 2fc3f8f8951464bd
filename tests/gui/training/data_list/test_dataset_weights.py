"""The Data list's weights reach ``kws train`` as it reads them, a weight it refuses is refused first, and the
remembered session gives them back.

The reader of the arguments is ``kws train``'s own (``DatasetArg.parse``): the window may not import it, its tests
may, and what the window writes must mean to it what the form shows.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from workbench.core.errors import SettingsError
from workbench.gui.training.data_list.dataset_weights import (DatasetFolder, dataset_arguments, recalled_folders,
                                                    remember_folders)
from workbench.training.run.run_request import DatasetArg

PREFIX = "training/"


def _read_back(arguments: list[str]) -> list[DatasetFolder]:
    """What kws train makes of ``--dataset`` arguments."""
    assert arguments[::2] == ["--dataset"] * (len(arguments) // 2)
    return [DatasetFolder(parsed.path, parsed.weight) for parsed in map(DatasetArg.parse, arguments[1::2])]


def test_a_weight_is_written_only_when_it_is_not_one(tmp_path: Path) -> None:
    folders = [DatasetFolder(tmp_path / "speech_commands"), DatasetFolder(tmp_path / "synthetic", 0.5),
               DatasetFolder(tmp_path / "mine", 2.0)]
    arguments = dataset_arguments(folders)
    assert arguments[1::2] == [str(tmp_path / "speech_commands"), f"{tmp_path / 'synthetic'}:0.5",
                               f"{tmp_path / 'mine'}:2"]
    assert _read_back(arguments) == folders


@pytest.mark.parametrize("name", ["take:2", "take:abc", "ends with a colon:"])
@pytest.mark.parametrize("weight", [1.0, 0.25])
def test_a_folder_whose_name_holds_a_colon_reaches_kws_train_whole(tmp_path: Path, name: str,
                                                                    weight: float) -> None:
    """kws train splits a weight off at the last ":": "take:2" alone would be the folder "take" weighted 2."""
    (tmp_path / "take").mkdir()  # the folder a misread "take:abc" would name (kws train then says the weight is bad)
    folder = tmp_path / name
    folder.mkdir()
    assert _read_back(dataset_arguments([DatasetFolder(folder, weight)])) == [DatasetFolder(folder, weight)]


@pytest.mark.parametrize("weight", [0.0, -0.5, math.nan, math.inf])
def test_a_weight_kws_train_refuses_is_refused_in_one_sentence(tmp_path: Path, weight: float) -> None:
    folder = DatasetFolder(tmp_path / "synthetic", weight)
    with pytest.raises(SettingsError) as refused:
        dataset_arguments([DatasetFolder(tmp_path / "speech"), folder])
    sentence = str(refused.value)
    assert str(folder.path) in sentence and "positive number" in sentence and "remove it" in sentence
    assert sentence.endswith(".") and sentence.count(". ") == 0, sentence
    if weight <= 0:  # the form refuses what the command line would, before a child is started
        with pytest.raises(SettingsError):
            DatasetArg.parse(f"{folder.path}:{weight:g}")


def test_the_weights_are_remembered_beside_the_folders(tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    folders = [DatasetFolder(tmp_path / "speech"), DatasetFolder(tmp_path / "syn:thetic", 0.5)]
    remember_folders(store, PREFIX, folders)
    store.sync()
    again = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert recalled_folders(again, PREFIX) == folders
    remember_folders(again, PREFIX, folders[1:])  # one folder: an INI file gives a one-item list back as its item
    again.sync()
    assert recalled_folders(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), PREFIX) \
        == folders[1:]


def test_folders_remembered_without_weights_or_with_a_damaged_one_count_as_they_are(tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    store.setValue(PREFIX + "datasets", [str(tmp_path / "a"), str(tmp_path / "b")])  # as an earlier version did
    assert recalled_folders(store, PREFIX) == [DatasetFolder(tmp_path / "a"), DatasetFolder(tmp_path / "b")]
    store.setValue(PREFIX + "dataset_weights", ["half", "0"])
    assert recalled_folders(store, PREFIX) == [DatasetFolder(tmp_path / "a"), DatasetFolder(tmp_path / "b", 0.0)]
    store.setValue(PREFIX + "datasets", [])
    assert recalled_folders(store, PREFIX) == []
