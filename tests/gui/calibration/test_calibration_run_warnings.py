"""The Calibration workspace says what `kws calibrate` warned of, as the CLI does: a real `kws calibrate` child on
real streams made by `kws stream make`, the bundled model in a run folder with a `spec.toml` beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.bundled_model_paths import yes_no_model_path
from tests.calibration.conftest import small_dataset, speech_commands  # noqa: F401  (fixtures)
from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.cli.main import main
from workbench.gui.calibration import calibration_dialogs
from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace
from workbench.training.spec.model_spec import load_spec

RUN_TIMEOUT_MS = 120_000
RATE = 16000
SILENT_BACKGROUND_S = 12
# the command line to type is the workspace's Build… (its split boxes start from the model's run) in the window
SPLIT_WARNING = ("Warning: kws_yes_no: the stream was split with testing 30 %, the model's run (spec.toml beside it) "
                 "with testing 10 %: the stream may hold clips the model trained on; make it with "
                 "\u201cBuild\u2026\u201d")


def make_stream(dataset: Path, wav: Path, *options: str) -> Path:
    assert main(["stream", "make", "--dataset", str(dataset), "--out", str(wav), "--keywords", "yes,no",
                 "--minutes", "0.5", "--progress", "none", *options]) == 0
    return wav


@pytest.fixture
def workspace(qtbot, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """The workspace on the bundled model copied into a run folder whose spec.toml split with the training
    defaults (15 %, 10 %, hash); a second run goes ahead (Discard) without the question's modal box."""
    monkeypatch.setattr(calibration_dialogs, "ask_rerun_results", lambda _parent: calibration_dialogs.DISCARD)
    folder = tmp_path / "run"
    folder.mkdir()
    model = Path(shutil.copy(yes_no_model_path(), folder / "kws_yes_no.tflite"))
    (folder / "spec.toml").write_text(load_spec("tflite_micro_speech").to_toml(), encoding="utf-8")
    host = WorkspaceHostDouble(tmp_path)
    assert host.controller.load_model(model)
    view = CalibrationWorkspace(host)
    qtbot.addWidget(view)
    view.show()
    yield view
    view.shutdown()
    host.controller.close()


def run_to_end(qtbot, view: CalibrationWorkspace, stream: Path) -> None:  # type: ignore[no-untyped-def]
    view.inputs.set_stream(stream)
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.running, timeout=RUN_TIMEOUT_MS)
    assert view.host.errors == [] and view.output is not None


def test_a_warning_of_the_run_is_said_under_its_recommendation_and_goes_with_it(  # type: ignore[no-untyped-def]
        qtbot, workspace, small_dataset: Path, tmp_path: Path) -> None:  # noqa: F811
    view = workspace
    run_to_end(qtbot, view, make_stream(small_dataset, tmp_path / "testing30.wav", "--testing-percent", "30"))
    status = view.status.text().replace("\u00a0", " ")
    assert status.startswith("Recommended for") and status.endswith("\n" + SPLIT_WARNING)
    assert status.count("Warning:") == 1  # the run's "wrote …" messages are not warnings

    run_to_end(qtbot, view, make_stream(small_dataset, tmp_path / "same.wav"))  # split as the run was
    assert "Warning" not in view.status.text()


def test_a_silent_background_recording_is_warned_of_under_the_recommendation(  # type: ignore[no-untyped-def]
        qtbot, workspace, small_dataset: Path, tmp_path: Path) -> None:  # noqa: F811
    """A background recording of zeros lowers FA/h while testing nothing: the child's warning of it is said in the
    window as on the command line."""
    from workbench.core.audio.audio_file import save_wav

    view = workspace
    muted = save_wav(tmp_path / "muted_mic.wav", np.zeros(SILENT_BACKGROUND_S * RATE, np.int16))
    view.inputs.set_backgrounds([muted])
    run_to_end(qtbot, view, make_stream(small_dataset, tmp_path / "same.wav"))  # split as the run was
    status = view.status.text().replace("\u00a0", " ")
    assert status.startswith("Recommended for") and status.endswith(
        "\nWarning: the background recording muted_mic.wav is digital silence as the model hears it (no sample above "
        "-90 dBFS): its 12.0 s count in the hours false accepts per hour divide by while testing nothing, which "
        "lowers the FA/h; leave it out of \u201cBackground\u201d")  # the window names its box, not the option


def test_a_saved_report_opened_again_says_its_warnings_as_its_run_did(  # type: ignore[no-untyped-def]
        qtbot, workspace, small_dataset: Path, tmp_path: Path) -> None:  # noqa: F811
    """Save report… then Open report…: the warnings are in the report (its calibration.json), not only in the run
    that wrote it, so the report shows them under its recommendation as the run did."""
    from workbench.core.audio.audio_file import save_wav

    view = workspace
    view.inputs.set_backgrounds([save_wav(tmp_path / "muted_mic.wav", np.zeros(SILENT_BACKGROUND_S * RATE, np.int16))])
    run_to_end(qtbot, view, make_stream(small_dataset, tmp_path / "testing30.wav", "--testing-percent", "30"))
    of_the_run = view.status.text()
    assert of_the_run.count("Warning:") == 2 and SPLIT_WARNING in of_the_run.replace("\u00a0", " ")
    assert view.save_report(tmp_path / "saved") and view.host.errors == []

    assert view.open_report(tmp_path / "saved") and view.host.errors == []
    assert view.output is not None and view.output.folder == tmp_path / "saved"
    assert view.status.text() == of_the_run
