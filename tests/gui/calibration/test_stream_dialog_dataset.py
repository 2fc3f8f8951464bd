"""The stream dialog's Dataset box starts from the calibrated model's training run: Build… after training a model
in the window asked again for the dataset folder the run had just trained on (and whose testing speakers the stream
must come from). The run folder is written as ``kws train`` writes it (run.json beside the model)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.assets import default_model_path
from workbench.run_folder_layout import RUN_FILE
from workbench.training.run.run_request import DatasetArg, TrainRequest

from tests.gui.calibration.stream_dialog_opening import dialog_of_build


def trained_model(run: Path, *datasets: DatasetArg) -> Path:
    """A run folder of ``kws train`` on ``datasets``, with its model (the bundled one's file)."""
    run.mkdir()
    record = TrainRequest(datasets=datasets, out=run, spec="tflite_micro_speech").to_record()
    (run / RUN_FILE).write_text(json.dumps(record), encoding="utf-8")
    return Path(shutil.copy(default_model_path(), run / "tflite_micro_speech.tflite"))


def test_build_starts_from_the_dataset_the_run_trained_on_most(  # type: ignore[no-untyped-def]
        workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    speech, synthetic = tmp_path / "speech_commands", tmp_path / "synthetic"
    speech.mkdir()
    synthetic.mkdir()
    model = trained_model(tmp_path / "run", DatasetArg(synthetic, 0.5), DatasetArg(speech))
    dialog = dialog_of_build(workspace, model, monkeypatch)
    assert dialog.dataset_edit.text() == str(speech)
    dialog.out_edit.setText(str(tmp_path / "stream.wav"))
    arguments = dialog.arguments() or []
    assert arguments[arguments.index("--dataset") + 1] == str(speech)


def test_a_run_whose_dataset_is_gone_or_a_model_without_a_run_leave_it_empty(  # type: ignore[no-untyped-def]
        workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    moved = trained_model(tmp_path / "run", DatasetArg(tmp_path / "moved_away"))
    assert dialog_of_build(workspace, moved, monkeypatch).dataset_edit.text() == ""
    assert dialog_of_build(workspace, default_model_path(), monkeypatch).dataset_edit.text() == ""
