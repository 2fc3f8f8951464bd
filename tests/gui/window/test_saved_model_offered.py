"""A model copy saved with the detection parameters (the Tuning panel's Save into model…, the Calibration
workspace's Save selected set into model…) is offered next: File ▸ Recent lists it and File ▸ Open model…
starts in its folder. Before, neither did, and opening the copy in the Model and Profile workspaces meant finding
it again from the working directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.calibration.conftest import real_stream, speech_commands  # noqa: F401  (fixtures)
from workbench.assets import default_model_path
from workbench.cli.main import main
from workbench.gui import file_dialogs


def recent_paths(window) -> list[Path]:  # type: ignore[no-untyped-def]
    return [Path(action.toolTip()) for action in window.recent_menu.actions()]


def open_dialog_folder(window, monkeypatch: pytest.MonkeyPatch) -> str:  # type: ignore[no-untyped-def]
    """The folder File ▸ Open model…'s dialog starts in (the dialog answered with Cancel)."""
    started: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda _parent, _title, folder, _filter: (
        started.append(folder), ("", ""))[1])
    file_dialogs.choose_model(window)
    return started[0]


@pytest.fixture
def trained(tmp_path: Path) -> Path:
    """A model in a run folder of its own, as a training run leaves it."""
    run = tmp_path / "run"
    run.mkdir()
    return Path(shutil.copy(default_model_path(), run / "go_stop.tflite"))


def test_a_copy_saved_from_the_tuning_panel_is_offered(window, trained: Path,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.open_model(trained), window.last_error
    window.controller.tuning.set(detection_threshold=200)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _parent, _title, suggestion, _filter: (suggestion, ""))
    file_dialogs.choose_save_parameters(window)  # the Tuning panel's Save into model…, its suggestion taken
    saved = trained.parent / "go_stop-tuned.tflite"
    assert saved.is_file() and window.last_error is None
    assert recent_paths(window)[0] == saved.resolve()
    assert open_dialog_folder(window, monkeypatch) == str(trained.parent.resolve())


def test_a_set_saved_from_the_calibration_is_offered(  # type: ignore[no-untyped-def]
        window, trained: Path, real_stream: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    report = trained.parent / "calibration"
    assert main(["calibrate", "--model", str(trained), "--stream", str(real_stream), "--thresholds", "150:250:50",
                 "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1,3", "--out", str(report),
                 "--progress", "none"]) == 0
    workspace = window.calibration
    assert workspace.open_report(report), window.last_error
    workspace.table.select_row(0)
    saved = workspace.save_into_model(trained.parent / "go_stop-calibrated.tflite")
    assert saved is not None, window.last_error
    assert recent_paths(window)[0] == saved.resolve()
    assert open_dialog_folder(window, monkeypatch) == str(trained.parent.resolve())
