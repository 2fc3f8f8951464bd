"""A class the evaluated clips have none of: no ROC or precision-recall curve in the JSON (null) or the plots.

The reference model's classes are yes, no, _unknown_, _silence_; the dataset here has no "no" clip, so class
"no" exists in the model but not in the data. MLTK stores a made-up curve for it (a precision-recall diagonal
from (0, 1) to (1, 0), a ROC of divisions by zero), which a plot draws as if it had been measured.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from workbench.datasets.layout import scan_dataset
from workbench.evaluation.evaluate import EvaluationResult, evaluate_model
from workbench.evaluation.report import write_report

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dataset_builders import copy_clips  # noqa: E402

CLIPS_WITHOUT_NO = {"yes": 6, "go": 3, "left": 3, "_silence_": 4}  # no "no" clip
MISSING = "no"
CURVE_KEYS = ("fpr", "tpr", "precision", "recall")
COLOUR_TOLERANCE = 0.03  # a drawn line's own pixels, not the anti-aliased blend at its edges
MIN_LINE_PIXELS = 50  # a curve across the plot is hundreds of pixels


@pytest.fixture(scope="module")
def result(shared_speech: Path, reference_model_path: Path,
           tmp_path_factory: pytest.TempPathFactory) -> EvaluationResult:
    dataset = copy_clips(shared_speech, tmp_path_factory.mktemp("no_no"), CLIPS_WITHOUT_NO)
    evaluated = evaluate_model(reference_model_path, scan_dataset(dataset).clips, workers=1)
    assert evaluated.classes == ["yes", "no", "_unknown_", "_silence_"]
    assert evaluated.metrics.class_counts[evaluated.classes.index(MISSING)] == 0
    return evaluated


def test_the_json_has_null_curves_for_the_class_without_clips(result: EvaluationResult, tmp_path: Path) -> None:
    write_report(result, tmp_path, plots=False)
    document = json.loads((tmp_path / "eval-results.json").read_text())
    missing = document["classes"].index(MISSING)
    for key in CURVE_KEYS:
        assert document[key][missing] is None, key
        assert all(isinstance(curve, list) and curve for i, curve in enumerate(document[key]) if i != missing), key
    assert document["roc_auc"][missing] is None and document["class_recalls"][missing] is None
    assert len(document["roc_thresholds"]) == len(document["fpr"][0])  # one threshold list for every class
    assert np.array(document["confusion_matrix"]).shape == (4, 4)  # the matrix keeps the class's row


def _drawn(figure) -> dict[str, int]:
    """Legend label -> points drawn, for each labelled line of the figure's plot."""
    (ax,) = figure.axes
    return {line.get_label(): len(line.get_xdata()) for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def test_the_curve_plots_draw_no_line_for_it(result: EvaluationResult) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    from workbench.evaluation.plots import precision_recall_figure, roc_figure

    for figure, missing_label in ((roc_figure(result), "no: AUC n/a"),
                                  (precision_recall_figure(result), "no: n/a (no clips)")):
        drawn = _drawn(figure)
        assert drawn[missing_label] == 0  # named in the legend as n/a, with nothing drawn
        others = [label for label in drawn if label.split(":")[0] in ("yes", "unknown", "silence")]
        assert len(others) == 3 and all(drawn[label] > 1 for label in others)


def _pixels_of(image: np.ndarray, colour: str) -> int:
    from matplotlib.colors import to_rgb

    return int((np.abs(image[..., :3] - np.array(to_rgb(colour))).max(axis=-1) < COLOUR_TOLERANCE).sum())


def test_the_written_pngs_hold_no_pixel_of_its_colour(result: EvaluationResult, tmp_path: Path) -> None:
    """The class keeps its place in the colour cycle (same colours in both plots) but nothing of it is drawn,
    not even a legend line: the written PNGs have none of its colour, while the classes with clips do."""
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    from matplotlib import rcParams
    from matplotlib.image import imread

    colours = rcParams["axes.prop_cycle"].by_key()["color"]
    write_report(result, tmp_path)
    for suffix in ("-roc.png", "-precision_vs_recall.png"):
        image = imread(tmp_path / f"tflite_micro_speech{suffix}")
        assert _pixels_of(image, colours[result.classes.index(MISSING)]) == 0, suffix
        assert _pixels_of(image, colours[result.classes.index("yes")]) > MIN_LINE_PIXELS, suffix
