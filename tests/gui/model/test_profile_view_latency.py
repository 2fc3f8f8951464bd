"""The Profile workspace says what ``kws profile`` says of a model whose ``latency_ms`` is shorter than an inference
(pytest-qt, offscreen, the real profiler): the same line in its headline and the same fields in its JSON export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.model.model_params import read_params, write_params
from workbench.gui.model.profile_view import ProfileView
from workbench.profiler.report import LATENCY_PROBLEM_LABEL

SHORT_LATENCY_MS = 5  # the seed model takes about 6.1 ms per inference on the MVP at 78 MHz
LATENCY_FIELDS = ("latency_ms", "keeps_up", "latency_problem")


@pytest.fixture
def slow_model(tmp_path: Path, reference_model_path: Path) -> Path:
    """The seed model with a latency_ms its inference cannot keep up with."""
    tflite = reference_model_path.read_bytes()
    path = tmp_path / "seed_latency_5.tflite"
    path.write_bytes(write_params(tflite, {**read_params(tflite), "latency_ms": SHORT_LATENCY_MS}))
    return path


def _cli_summary(capsys, model: Path, *options: str) -> dict:
    assert main(["profile", str(model), "--format", "json", *options]) == 0
    return json.loads(capsys.readouterr().out)["summary"]


@pytest.mark.parametrize("accelerator", ["mvp", "none"])
def test_headline_and_export_say_what_kws_profile_says(qtbot, capsys, tmp_path: Path, slow_model: Path,
                                                      accelerator: str) -> None:
    view = ProfileView()
    qtbot.addWidget(view)
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData(accelerator))
    view.show_model(slow_model.read_bytes(), slow_model.stem, slow_model)
    expected = _cli_summary(capsys, slow_model, "--accelerator", accelerator)
    assert expected["keeps_up"] is False and expected["latency_ms"] == SHORT_LATENCY_MS
    exported = json.loads(view.export_to(tmp_path / "profile.json", "json").read_text())["summary"]
    assert {k: exported[k] for k in LATENCY_FIELDS} == {k: expected[k] for k in LATENCY_FIELDS}
    headline = view.summary_label.text()
    assert f"{LATENCY_PROBLEM_LABEL}: no: latency_ms {SHORT_LATENCY_MS} is shorter" in headline


def test_a_model_that_keeps_up_is_said_to_in_the_export_only(qtbot, capsys, tmp_path: Path,
                                                             reference_model_path: Path) -> None:
    view = ProfileView()
    qtbot.addWidget(view)
    view.show_model(reference_model_path.read_bytes(), "seed", reference_model_path)
    expected = _cli_summary(capsys, reference_model_path)
    exported = json.loads(view.export_to(tmp_path / "profile.json", "json").read_text())["summary"]
    assert {k: exported[k] for k in LATENCY_FIELDS} == {k: expected[k] for k in LATENCY_FIELDS}
    assert exported["keeps_up"] is True and LATENCY_PROBLEM_LABEL not in view.summary_label.text()
