"""The Evaluation tab reads a summary.json written elsewhere (copied, edited by hand): odd values are "–"."""

from __future__ import annotations

import json
from pathlib import Path


def test_values_of_the_wrong_type_show_as_missing(view, tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(json.dumps({
        "model": "a<b>&c.tflite", "epochs": "two", "best_epoch": 2, "macs": "many", "flash_bytes": None,
        "evaluation": {"clips": 10, "balanced_accuracy": "high", "class_accuracies": {"yes": 0.5, "no": "?"}},
        "validation_evaluation": ["not", "an", "object"]}))
    assert view.show_run(tmp_path)
    text = view.headline.text()
    assert "a&lt;b&gt;&amp;c.tflite" in text and "– MACs, – bytes" in text and "– epochs (best: epoch 2)" in text
    assert "balanced accuracy <b>–</b>" in text
    cells = [[view.table.item(row, column).text() for column in range(3)] for row in range(view.table.rowCount())]
    assert cells == [["yes", "50.0 %", "–"], ["no", "–", "–"]]


def test_a_summary_that_is_no_object_is_no_run(view, tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text("[1, 2]")
    assert not view.show_run(tmp_path)
    assert view.summary is None and view.headline.text() == f"No finished run in {tmp_path}."


def test_a_run_of_one_epoch_says_epoch(view, tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(json.dumps({"model": "m.tflite", "epochs": 1, "best_epoch": 1}))
    assert view.show_run(tmp_path)
    assert ": 1 epoch (best: epoch 1)," in view.headline.text(), view.headline.text()
    (tmp_path / "summary.json").write_text(json.dumps({"model": "m.tflite", "epochs": 2, "best_epoch": 1}))
    assert view.show_run(tmp_path) and ": 2 epochs (best: epoch 1)," in view.headline.text()
