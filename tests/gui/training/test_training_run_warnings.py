"""A training run's warnings where the user looks: a run whose keyword had too few training clips finishes with a
model that learned little, and the status line says why (the Log that said it is behind the Evaluation tab by
then); a new run puts its Log in front of the last run's report. A real ``kws train`` child on real clips."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.gui.training.training_workspace import TrainingWorkspace

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
from training_data import QUICK_SPEC, SLICE, copy_slice  # noqa: E402

FEW_NO_CLIPS = 12  # fewer than the 20 training samples a class needs, whatever the re-split: a warning of the run
SPECS_TIMEOUT_MS = 60_000  # safety nets for the children, not timings of the test
RUN_TIMEOUT_MS = 240_000
PLAN_WARNING = "[plan] warning: "  # how the Log shows a warning of the run's plan


@pytest.fixture(scope="module")
def sparse(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("sparse"),
                      {**SLICE, "no": FEW_NO_CLIPS})


@pytest.fixture(scope="module")
def speech_slice(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("slice"))


def test_the_finished_run_says_its_warning_and_a_new_run_shows_its_log(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, sparse: Path) -> None:
    host = WorkspaceHostDouble(tmp_path)
    ws = TrainingWorkspace(host)
    qtbot.addWidget(ws)
    ws.show()
    spec = tmp_path / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=1))
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=SPECS_TIMEOUT_MS)  # the spec list arrived
    ws.datasets.set_folders([sparse])
    ws.settings.select_spec(str(spec))
    ws.settings.out.setText(str(tmp_path / "run"))
    try:
        qtbot.mouseClick(ws.train_button, Qt.MouseButton.LeftButton)
        assert ws.running and ws.tabs.currentWidget() is ws.log
        qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
        assert not host.errors, host.errors
        warnings = [line.removeprefix(PLAN_WARNING) for line in ws.log.toPlainText().splitlines()
                    if line.startswith(PLAN_WARNING)]
        assert warnings and any(f"no ({n})" in warnings[0] for n in range(1, FEW_NO_CLIPS + 1)), warnings
        assert ws.phase.text().startswith(f"Finished with a warning: {warnings[0]}")
        assert ws.use_button.isEnabled() and ws.tabs.currentWidget() is not ws.log  # the report is in front

        ws.settings.out.setText(str(tmp_path / "again"))  # train again elsewhere: this run's Log, not the old report
        qtbot.mouseClick(ws.train_button, Qt.MouseButton.LeftButton)
        assert ws.running and ws.tabs.currentWidget() is ws.log
        ws.cancel()
        qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
    finally:
        ws.shutdown()


RESPLIT_COMMAND = "kws train --set data.validation_resplit_percent=20"  # the remedy's command line (kws train's)
RESPLIT_IN_WINDOW = "\u201cSettings \u25b8 Change\u2026\u201d: data.validation_resplit_percent = 20"


def test_a_warnings_remedy_names_the_settings_button_not_the_command_line(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, speech_slice: Path) -> None:
    """The too-few-clips warning of a spec that does not re-split offers the re-split "for one run": in the window
    through the Settings row's Change… button, in its status line, its Log and the Log of the run's folder shown
    again; the run's own log file (kws train's) keeps the command line."""
    host = WorkspaceHostDouble(tmp_path)
    ws = TrainingWorkspace(host)
    qtbot.addWidget(ws)
    ws.show()
    spec = tmp_path / "no_resplit.toml"
    spec.write_text(QUICK_SPEC.format(epochs=1).replace("validation_resplit_percent = 25.0",
                                                        'validation_resplit_percent = "off"'))
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=SPECS_TIMEOUT_MS)  # the spec list arrived
    ws.datasets.set_folders([speech_slice])  # the dataset's own split leaves each word a few training clips
    ws.settings.select_spec(str(spec))
    out = tmp_path / "run"
    ws.settings.out.setText(str(out))
    try:
        qtbot.mouseClick(ws.train_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
        assert not host.errors, host.errors
        warnings = [line for line in ws.log.toPlainText().splitlines() if line.startswith(PLAN_WARNING)]
        assert warnings and RESPLIT_IN_WINDOW in warnings[0] and "kws train" not in ws.log.toPlainText(), warnings
        assert ws.phase.text().startswith("Finished with a warning: ") and RESPLIT_IN_WINDOW in ws.phase.text()
        assert RESPLIT_COMMAND in (out / "train" / "log.txt").read_text()  # the command line's own words stay

        ws.settings.out.setText(str(tmp_path / "elsewhere"))
        ws.settings.out.setText(str(out))  # the finished run chosen again: its Log is read from its folder
        shown = ws.log.toPlainText()
        assert RESPLIT_IN_WINDOW in shown and RESPLIT_COMMAND not in shown, shown
    finally:
        ws.shutdown()
