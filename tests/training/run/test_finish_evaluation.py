"""A training run's evaluation figures say n/a for a class without test clips, as kws evaluate does."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workbench.core.model.model_file import load_model
from workbench.datasets.layout import scan_dataset
from workbench.training.run.finish import _evaluate
from workbench.training.run.progress import JsonLinesProgress, Progress

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import copy_clips  # noqa: E402

MODEL = Path(__file__).resolve().parents[3] / "resources" / "models" / "kws_yes_no.tflite"


def test_a_class_without_clips_is_none_in_the_summary_and_na_in_the_log(shared_dir: Path, tmp_path: Path) -> None:
    speech = copy_clips(shared_dir / "datasets" / "speech_commands", tmp_path / "speech", {"yes": 3, "go": 2})
    clips = [c for c in scan_dataset(speech).clips if c.split == "testing"]
    lines = tmp_path / "progress.jsonl"
    with lines.open("w", encoding="utf-8") as stream:
        figures = _evaluate(load_model(MODEL), clips, "testing", None, Progress(JsonLinesProgress(stream)))
    assert figures is not None
    assert figures["class_accuracies"]["no"] is None and figures["class_accuracies"]["_silence_"] is None
    assert isinstance(figures["class_accuracies"]["yes"], float)
    said = [json.loads(line).get("message", "") for line in lines.read_text(encoding="utf-8").splitlines()]
    assert any("no n/a" in message and "_silence_ n/a" in message for message in said), said
