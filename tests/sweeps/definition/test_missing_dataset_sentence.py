"""A dataset folder a sweep file names but that is not there: one sentence that says which key to edit and how a
relative path is read, and for the bundled example (read-only in an installed app, its path made for the source
repository) that it must be copied first."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from workbench.assets import DEFAULT_MODEL
from workbench.core.errors import SettingsError
from workbench.documentation import SWEEP_EXAMPLE
from workbench.sweeps.definition.sweep_file import load_sweep

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "resources" / SWEEP_EXAMPLE
EXAMPLE_DATASETS = "../../../shared/datasets/speech_commands"  # what the example's datasets says


def _message(path: Path) -> str:
    with pytest.raises(SettingsError) as caught:
        load_sweep(path)
    return str(caught.value)


def test_a_relative_folder_names_the_key_and_where_it_is_read(tmp_path: Path) -> None:
    sweep = tmp_path / "mine.toml"
    sweep.write_text('datasets = ["words"]\n', encoding="utf-8")
    assert _message(sweep) == (f"mine.toml: the dataset folder {tmp_path / 'words'} does not exist: set datasets "
                               "in mine.toml to your dataset folder ('words' is relative, and a relative path is "
                               "read beside the sweep file)")


def test_an_absolute_folder_names_the_key(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    sweep = tmp_path / "mine.toml"
    sweep.write_text(f"datasets = [{str(missing)!r}]\n", encoding="utf-8")
    assert _message(sweep) == (f"mine.toml: the dataset folder {missing} does not exist: set datasets in mine.toml "
                               "to your dataset folder")


def test_the_installed_example_says_to_copy_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the bundle's resources as the packages lay them out: <bundle>/_internal/workbench/resources (sys._MEIPASS)
    data = tmp_path / "opt" / "kws-workbench" / "_internal"
    resources = data / "workbench" / "resources"
    (resources / DEFAULT_MODEL).parent.mkdir(parents=True)
    shutil.copy(REPO / "resources" / DEFAULT_MODEL, resources / DEFAULT_MODEL)
    (resources / SWEEP_EXAMPLE).parent.mkdir(parents=True)
    shutil.copy(EXAMPLE, resources / SWEEP_EXAMPLE)
    monkeypatch.setattr(sys, "_MEIPASS", str(data), raising=False)
    message = _message(resources / SWEEP_EXAMPLE)
    assert message.startswith(f"{EXAMPLE.name}: the dataset folder {data / 'shared' / 'datasets' / 'speech_commands'} "
                              "does not exist: copy this example sweep file somewhere of yours and set datasets in "
                              "the copy to your dataset folder")
    assert message.endswith(f"({EXAMPLE_DATASETS!r} is relative, and a relative path is read beside the sweep file)")


def test_the_example_still_names_the_data_beside_the_repository() -> None:
    # the source checkout's README and tests run it as it is (tests/sweeps/definition/test_sweep_file.py)
    assert f'datasets = ["{EXAMPLE_DATASETS}"]' in EXAMPLE.read_text(encoding="utf-8")
