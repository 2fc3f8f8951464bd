"""The Keywords field follows the chosen spec, and a run in the output folder puts its spec and keywords in the form.

The spec list is the real ``kws specs --json`` child; the runs are real ``kws train`` children on a slice of
Speech Commands, stopped with their stop file after the first epoch (what the form reads is written at the
start: ``run.json`` and the resolved ``spec.toml``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.child_command import kws_command
from workbench.gui.training.training_settings_view import TrainingSettingsView

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
from training_data import QUICK_SPEC, copy_slice, stop_after_first_epoch  # noqa: E402

CHILD_LIMIT_S = 600  # a safety net for a hung child, not a timing of the test
SPECS_TIMEOUT_MS = 60_000
START_TIMEOUT_MS = 120_000  # TensorFlow's import in the child, on a busy machine
RUN_TIMEOUT_MS = 240_000
MAX_EPOCHS = 40
# every up/down clip of the shared subset: few of its speakers fall in the training split (6 up, 8 down),
# and a shipped spec does not re-split validation clips into training as the quick spec does
UP_DOWN_SLICE = {"up": 300, "down": 300, "go": 40, "left": 40, "six": 14, "_silence_": 40}
UP_DOWN_SPEC = """
extends = "tflite_micro_speech"
name = "kws_up_down"
description = "up/down test"

[data]
keywords = ["up", "down"]
"""


def _quick_up_down_spec() -> str:
    """The quick spec (fast layers) trained on up/down, under its own name."""
    text = QUICK_SPEC.format(epochs=MAX_EPOCHS).replace('name = "quick_kws"', 'name = "quick_up_down"')
    return text.replace("[data]\n", '[data]\nkeywords = ["up", "down"]\n', 1)


@pytest.fixture
def up_down_spec(tmp_path: Path) -> Path:
    path = tmp_path / "ud.toml"
    path.write_text(UP_DOWN_SPEC)
    return path


@pytest.fixture
def settings(qtbot):  # type: ignore[no-untyped-def]
    view = TrainingSettingsView()
    qtbot.addWidget(view)
    yield view
    view.shutdown()


def _load_specs(qtbot, view: TrainingSettingsView) -> None:
    with qtbot.waitSignal(view.specs_loaded, timeout=SPECS_TIMEOUT_MS):
        view.load_specs()
    assert view.specs, "kws specs --json gave no specs"


def test_a_spec_files_keywords_replace_the_field_and_are_not_passed_again(settings, up_down_spec: Path) -> None:
    told: list[list[str]] = []
    settings.keywords_changed.connect(told.append)
    assert settings.keywords.text() == "yes,no"
    settings.select_spec(str(up_down_spec))
    assert settings.keywords.text() == "up,down" and told == [["up", "down"]]  # the dataset table follows too
    assert settings.arguments() == ["--spec", str(up_down_spec)]  # the spec's own keywords: no --keywords
    settings.keywords.setText("up, left")  # the user may then edit them
    assert settings.arguments() == ["--spec", str(up_down_spec), "--keywords", "up,left"]
    settings.select_spec("tflite_micro_speech")
    assert settings.keywords.text() == "yes,no" and settings.arguments() == ["--spec", "tflite_micro_speech"]
    settings.keywords.setText("up,down")
    assert settings.arguments() == ["--spec", "tflite_micro_speech", "--keywords", "up,down"]


def test_keywords_of_an_extended_spec_beside_it_or_shipped(settings, qtbot, tmp_path: Path,
                                                           up_down_spec: Path) -> None:
    longer = tmp_path / "specs" / "ud_longer.toml"
    longer.parent.mkdir()
    shutil.copy(up_down_spec, longer.parent / "ud.toml")
    longer.write_text('extends = "ud"\nname = "ud_longer"\n\n[training]\nmax_epochs = 99\n')  # no keywords
    settings.select_spec(str(longer))
    assert settings.keywords.text() == "up,down" and settings.arguments() == ["--spec", str(longer)]

    small = tmp_path / "small.toml"  # extends a shipped spec, read as kws train reads it, before the list arrives
    small.write_text('extends = "ds_cnn_small"\nname = "small"\n')
    settings.keywords.setText("up,down")
    settings.select_spec(str(small))
    assert settings.keywords.text() == "yes,no" and settings.arguments() == ["--spec", str(small)]
    _load_specs(qtbot, settings)
    assert settings.spec.currentData() == str(small)  # a file chosen meanwhile stays chosen
    assert settings.keywords.text() == "yes,no" and settings.arguments() == ["--spec", str(small)]


def test_a_spec_file_chosen_before_the_list_arrives_stays_chosen(settings, qtbot, up_down_spec: Path) -> None:
    settings.select_spec(str(up_down_spec))
    _load_specs(qtbot, settings)
    assert settings.spec.currentData() == str(up_down_spec) and settings.spec.currentText() == "ud.toml"
    assert settings.keywords.text() == "up,down" and "--keywords" not in settings.arguments()


# -- runs in the output folder ---------------------------------------------------------------------
def _stopped_run(out: Path, *args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(kws_command("train", "--out", str(out), *args, "--workers", "1", "--progress", "jsonl"),
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def up_down_runs(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two stopped up/down runs: ``shipped`` (tflite_micro_speech with --keywords up,down) and ``file`` (a spec
    file with keywords up, down, started from its folder by a relative name, the file since deleted)."""
    root = tmp_path_factory.mktemp("up-down-runs")
    speech = copy_slice(shared_dir / "datasets" / "speech_commands", root / "speech", UP_DOWN_SLICE)
    (root / "work").mkdir()
    spec = root / "work" / "quick_ud.toml"
    spec.write_text(_quick_up_down_spec())
    runs = {"shipped": root / "shipped", "file": root / "file"}
    children = {
        "shipped": _stopped_run(runs["shipped"], "--spec", "tflite_micro_speech", "--keywords", "up,down",
                                "--dataset", str(speech), cwd=root),
        "file": _stopped_run(runs["file"], "--spec", spec.name, "--dataset", str(speech), cwd=root / "work"),
    }
    for kind, child in children.items():
        stop_after_first_epoch(child, runs[kind], CHILD_LIMIT_S)
    spec.unlink()
    return runs


@pytest.fixture
def workspace(training_workspace):  # type: ignore[no-untyped-def]
    ws = training_workspace
    ws.settings.select_spec("ds_cnn_small")  # the form says something else than the runs did
    ws.settings.keywords.setText("left,right")
    return ws


def test_a_run_with_a_shipped_spec_shows_it_and_its_keywords(workspace, up_down_runs) -> None:
    ws = workspace
    ws.settings.choose_out_folder(up_down_runs["shipped"])
    assert ws.resume_button.isEnabled()  # the stopped run
    assert ws.settings.spec.currentData() == "tflite_micro_speech" and ws.settings.keywords.text() == "up,down"
    assert ws.datasets.keywords == ["up", "down"]
    assert ws.settings.arguments() == ["--spec", "tflite_micro_speech", "--keywords", "up,down"]


def test_a_run_with_a_spec_file_shows_its_resolved_spec_and_trains_again_with_it(workspace, up_down_runs, qtbot,
                                                                                 tmp_path: Path) -> None:
    ws = workspace
    folder = up_down_runs["file"]
    ws.settings.choose_out_folder(folder)
    resolved = folder / "spec.toml"
    assert ws.settings.spec.currentData() == str(resolved)
    assert ws.settings.spec.currentText() == f"quick_up_down ({folder.name}/spec.toml)"
    assert ws.settings.keywords.text() == "up,down" and ws.settings.arguments() == ["--spec", str(resolved)]

    ws.datasets.set_folders([Path(folder).parent / "speech"])
    again = tmp_path / "again"
    ws.settings.choose_out_folder(again)  # a new folder: the form keeps what the run did
    assert ws.settings.spec.currentData() == str(resolved) and ws.settings.keywords.text() == "up,down"
    assert ws.start()
    qtbot.waitUntil(lambda: (again / "spec.toml").is_file() or not ws.running, timeout=START_TIMEOUT_MS)
    ws.cancel()
    qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
    assert "kws_up_down" not in (again / "spec.toml").read_text()
    assert 'name = "quick_up_down"' in (again / "spec.toml").read_text()
    assert 'keywords = ["up", "down"]' in (again / "spec.toml").read_text()
