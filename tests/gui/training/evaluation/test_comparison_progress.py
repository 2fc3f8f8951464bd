"""How far a comparison child is, read from the lines the real CLI progress bar prints on a pipe."""

from __future__ import annotations

import io

from workbench.cli.progress_bar import ProgressBar
from workbench.gui.training.evaluation.comparison_progress import STARTING, ComparisonProgress


def _lines(label: str, total: int) -> list[str]:
    """What ``kws evaluate`` prints on stderr for one model when stderr is not a terminal."""
    stream = io.StringIO()
    bar = ProgressBar(label, unit="clips", stream=stream)
    for done in range(1, total + 1):
        bar.update(done, total)
    bar.finish()
    return stream.getvalue().splitlines()


def test_two_models_of_the_same_name_fill_one_bar_in_turn() -> None:
    progress = ComparisonProgress(models=2)
    assert progress.fraction == 0.0 and progress.text == STARTING
    assert not progress.read("kws: warning: something else") and not progress.read("INFO: Created TensorFlow Lite")
    first = _lines("evaluating kws_yes_no", 40)
    fractions = []
    for line in first + _lines("evaluating kws_yes_no", 40):
        assert progress.read(line), line
        fractions.append(progress.fraction)
    assert fractions == sorted(fractions) and fractions[len(first) - 1] == 0.5 and fractions[-1] == 1.0
    assert progress.text == "kws_yes_no: 40 of 40 clips"


def test_another_model_name_starts_the_next_model() -> None:
    progress = ComparisonProgress(models=2)
    for line in _lines("evaluating quick_kws", 1_200)[:3] + _lines("evaluating tflite_micro_speech", 1_200)[:1]:
        progress.read(line)
    assert progress.model == 1 and progress.text.startswith("tflite_micro_speech: ")
    assert progress.text.endswith(" of 1,200 clips") and 0.5 < progress.fraction < 0.6
