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


def _ready_workspace(qtbot, tmp_path: Path, dataset: Path, spec: str, out: Path):  # type: ignore[no-untyped-def]
    """A Training workspace on ``dataset`` with ``spec`` (a name, or a spec file's text) and output folder ``out``,
    once its spec list arrived: (the host that collects its errors, the workspace)."""
    host = WorkspaceHostDouble(tmp_path)
    ws = TrainingWorkspace(host)
    qtbot.addWidget(ws)
    ws.show()
    if "\n" in spec:
        spec_file = tmp_path / "spec.toml"
        spec_file.write_text(spec)
        spec = str(spec_file)
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=SPECS_TIMEOUT_MS)  # the spec list arrived
    ws.datasets.set_folders([dataset])
    ws.settings.select_spec(spec)
    ws.settings.out.setText(str(out))
    return host, ws


def test_the_finished_run_says_its_warning_and_a_new_run_shows_its_log(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, sparse: Path) -> None:
    host, ws = _ready_workspace(qtbot, tmp_path, sparse, QUICK_SPEC.format(epochs=1), tmp_path / "run")
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
    out = tmp_path / "run"
    no_resplit = QUICK_SPEC.format(epochs=1).replace("validation_resplit_percent = 25.0",
                                                     'validation_resplit_percent = "off"')
    # (the dataset's own split leaves each word a few training clips)
    host, ws = _ready_workspace(qtbot, tmp_path, speech_slice, no_resplit, out)
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


# the yes/no reference's architecture and weights, its outputs trained as the other keyword: every output learns, so
# the run goes ahead with the warning of where its outputs start
SWAPPED_SPEC = """
extends = "tflite_micro_speech"
name = "swapped"
init_from = "bundled:models/tflite_micro_speech.tflite"

[training]
max_epochs = 1
batch_size = 16
seed = 7

[data]
keywords = ["no", "yes"]
validation_resplit_percent = 25.0

[conversion]
representative_samples = 64
"""
RUN_WARNING = "] warning: "  # how the Log shows a warning of the run, after its phase
TOO_FEW = "fewer than 20 training samples"  # the too-few-clips warning (a model that learns nothing of a class)
RENAMED = "start as its other outputs and learn from there: no as its yes, yes as its no."


def test_too_few_clips_come_before_where_renamed_outputs_start(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, sparse: Path) -> None:
    """A run with both warnings says the graver first, in its Log and on the status line: a class that learns
    nothing, then the outputs of the model it starts from that learn under other names."""
    host, ws = _ready_workspace(qtbot, tmp_path, sparse, SWAPPED_SPEC, tmp_path / "run")
    try:
        qtbot.mouseClick(ws.train_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
        assert not host.errors, host.errors
        warnings = [line.split(RUN_WARNING, 1)[1] for line in ws.log.toPlainText().splitlines() if RUN_WARNING in line]
        assert len(warnings) == 2 and TOO_FEW in warnings[0] and warnings[1].endswith(RENAMED), warnings
        assert ws.phase.text() == f"Finished with a warning: {warnings[0]} (1 more warning in the Log)"
    finally:
        ws.shutdown()


def test_a_refused_start_names_the_spec_box_not_kws_specs(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path, speech_slice: Path) -> None:
    """The default recipe with other keywords is refused before it trains; its remedy, a spec that starts from no
    model, is found in the Spec box (each spec's tooltip says what it is), which the window names for kws specs."""
    host, ws = _ready_workspace(qtbot, tmp_path, speech_slice, "default", tmp_path / "run")
    ws.settings.keywords.setText("go,left")
    try:
        qtbot.mouseClick(ws.train_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
        assert len(host.errors) == 1 and "so go and left could never learn" in host.errors[0], host.errors
        assert "(tflite_micro_speech or ds_cnn_small, see \u201cSpec\u201d)" in host.errors[0]
        assert "kws specs" not in host.errors[0] and "kws specs" not in ws.log.toPlainText()
        assert ws.phase.text() == "Failed." and not (tmp_path / "run").exists()
    finally:
        ws.shutdown()
