"""A run warns, without refusing, when a --dataset folder holds a synthetic build that did not finish."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workbench.core.atomic_write import atomic_write_text
from workbench.datasets.synthetic import manifest_path, unfinished_build
from workbench.synthesis.build_plan import SynthSettings
from workbench.synthesis.dataset_builder import BUILDING, FINISHED, BuildReport, manifest
from workbench.synthesis.voice_registry import VoiceRegistry
from workbench.training.run.cancel import CancelToken
from workbench.training.run.output_folder import OutputFolder
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from plan_sink import StopAfterPlan  # noqa: E402
from training_data import copy_slice  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402


def _synthetic(shared_dir: Path, folder: Path, state: str) -> Path:
    """Real clips in a folder whose ``synth.json`` (the builder's own document) says how far its build got."""
    copy_slice(shared_dir / "datasets" / "speech_commands", folder)
    document = manifest(SynthSettings(words=("yes", "no")), VoiceRegistry(engines={}, statuses=[], voices=[]),
                        BuildReport(out=folder, counts={}, written=0, kept=0, state=state,
                                    cancelled=state != FINISHED))
    atomic_write_text(manifest_path(folder), json.dumps(document, indent=2) + "\n")
    return folder


def _run(dataset: Path, out: Path, spec: Path) -> list[tuple[str, str]]:
    cancel = CancelToken()
    sink = StopAfterPlan(cancel)
    request = TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), epochs=1, workers=1,
                           evaluate=False)
    assert run_training(request, Progress(sink), cancel).status == "cancelled"  # stopped by the sink, not refused
    return sink.messages


def test_an_unfinished_synthetic_build_is_warned_about_and_still_trained_on(
        shared_dir: Path, tmp_path: Path, quick_spec: Path) -> None:
    dataset = _synthetic(shared_dir, tmp_path / "synth", BUILDING)
    note = unfinished_build(dataset)
    assert note
    messages = _run(dataset, tmp_path / "run", quick_spec)
    warnings = [m for phase, m in messages if phase == "scan" and m.startswith("warning:")]
    assert warnings == [f"warning: {note}."]
    assert any(phase == "plan" and m.startswith("training: yes") for phase, m in messages)  # it went on
    log = OutputFolder(tmp_path / "run", "").log_path.read_text()
    assert f"scan: warning: {note}." in log  # the run's log keeps it


def test_a_finished_synthetic_build_gives_no_warning(shared_dir: Path, tmp_path: Path, quick_spec: Path) -> None:
    dataset = _synthetic(shared_dir, tmp_path / "synth", FINISHED)
    messages = _run(dataset, tmp_path / "run", quick_spec)
    assert not [m for _, m in messages if "unfinished" in m or m.startswith("warning:")]
