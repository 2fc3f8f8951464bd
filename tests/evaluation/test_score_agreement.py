"""How closely two models' scores agree clip by clip (``kws evaluate X.float32.tflite --compare X.tflite``): a real
float twin of the bundled reference against the reference itself, every figure recomputed with numpy from the
two models' own per-clip scores; figures by hand on made-up scores (the L2 relative error's reference: the model
compared against); a model against itself; and no figures for scores of two kinds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from workbench.cli.main import main
from workbench.core.model.output_kind import OutputKind
from workbench.datasets.layout import scan_dataset
from workbench.evaluation.comparison import ClipComparison, compare_results, comparison_text
from workbench.evaluation.evaluate import EvaluationResult, clips_for_split, evaluate_model
from workbench.evaluation.metrics import classifier_metrics
from workbench.evaluation.score_agreement import WholeOutputAgreement

CLASSES = ["yes", "no", "_unknown_", "_silence_"]
SEED = "tflite_micro_speech"
FLOAT_DIGITS = 12  # the JSON's figures against numpy's: the same float64 arithmetic, in another order
SEED_THRESHOLD = 185  # the reference's own detection_threshold (its metadata), which the twin carries too
SCORE_STEPS = 256  # the int8 model's softmax: scale 1/256


def made_up(name: str, scores: list[list[float]], logits: bool = False) -> EvaluationResult:
    """A result of three clips of three speakers, one of each of the first three classes."""
    array, labels = np.array(scores), np.array([0, 1, 2], np.int64)
    paths = [Path(f"{CLASSES[k]}/s{k}_nohash_0.wav") for k in labels]
    output = OutputKind(probabilities=False, last_op="FULLY_CONNECTED", units=len(CLASSES)) if logits else None
    return EvaluationResult(name=name, classes=list(CLASSES), paths=paths, words=[CLASSES[k] for k in labels],
                            labels=labels, scores=array, metrics=classifier_metrics(array, labels), output=output)


OLD = [[0.7, 0.1, 0.1, 0.1], [0.2, 0.6, 0.1, 0.1], [0.4, 0.1, 0.4, 0.1]]
NEW = [[0.6, 0.2, 0.1, 0.1], [0.2, 0.6, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1]]


def test_the_figures_by_hand() -> None:
    """Differences 0.1, 0.1 (first clip), none (second), 0.3, 0.3 (third) over 12 scores: mean 0.8 / 12, max 0.3,
    RMSE sqrt(0.2 / 12); the third clip's top class moves from yes (the first of two equal scores) to unknown."""
    c = compare_results(made_up("old", OLD), made_up("new", NEW))
    a = c.scores
    assert a is not None and c.scores_note == ""
    assert a.mean_absolute_difference == pytest.approx(0.8 / 12)
    assert a.max_absolute_difference == pytest.approx(0.3)
    assert a.rmse == pytest.approx(np.sqrt(0.2 / 12))
    assert (a.same_top_class, a.clips, a.top_class_agreement, a.scores) == (2, 3, pytest.approx(2 / 3), "probabilities")
    text = comparison_text(c)
    assert "score differences per clip and class (probabilities): mean absolute 0.0667, max 0.3000, RMSE 0.1291" in text
    assert "both pick the same top class on 2 of 3 clips (66.7%)" in text
    document = json.loads(json.dumps(c.to_json()))
    assert document["score_agreement"]["top_class_agreement"] == pytest.approx(2 / 3)
    back = ClipComparison.from_json(document)
    assert back == c and comparison_text(back) == text


def test_the_l2_relative_error_and_the_cosine_by_hand() -> None:
    """Over the twelve scores as one vector, old (compared against) the reference: the differences' squares sum to
    0.01 + 0.01 + 0.09 + 0.09 = 0.2; old's squares to 0.52 + 0.42 + 0.34 = 1.28, new's to 0.42 + 0.42 + 0.52 = 1.36;
    old . new = 0.46 + 0.42 + 0.34 = 1.22. So l2r = sqrt(0.2 / 1.28), cos = 1.22 / sqrt(1.28 * 1.36); with new as
    the reference the error is sqrt(0.2 / 1.36) and the cosine the same."""
    c = compare_results(made_up("old", OLD), made_up("new", NEW))
    a = c.scores
    assert a is not None and a.whole_output is not None
    assert a.whole_output.l2_relative_error == pytest.approx(np.sqrt(0.2 / 1.28))
    assert a.whole_output.cosine_similarity == pytest.approx(1.22 / np.sqrt(1.28 * 1.36))
    reversed_scores = compare_results(made_up("new", NEW), made_up("old", OLD)).scores
    assert reversed_scores is not None and reversed_scores.whole_output is not None
    assert reversed_scores.whole_output.l2_relative_error == pytest.approx(np.sqrt(0.2 / 1.36))
    assert reversed_scores.whole_output.cosine_similarity == pytest.approx(1.22 / np.sqrt(1.28 * 1.36))
    text = comparison_text(c)
    assert ("over all clips' scores at once (reference: old): L2 relative error 0.3953, "
            "cosine similarity 0.924667") in text
    document = json.loads(json.dumps(c.to_json()))
    assert document["against"] == "old"
    assert document["score_agreement"]["l2_relative_error"] == pytest.approx(np.sqrt(0.2 / 1.28))
    assert document["score_agreement"]["cosine_similarity"] == pytest.approx(1.22 / np.sqrt(1.28 * 1.36))
    assert ClipComparison.from_json(document) == c


def test_identical_scores_give_no_error_and_a_cosine_of_one() -> None:
    c = compare_results(made_up("old", OLD), made_up("twin", OLD))
    assert c.scores is not None
    assert c.scores.whole_output == WholeOutputAgreement(l2_relative_error=0.0, cosine_similarity=1.0)


def test_all_zero_scores_leave_the_figures_undefined_not_infinite() -> None:
    """A reference of all-0 logits has no length to divide by: JSON gets null (not Infinity, which is no JSON) and
    the text says why."""
    zeros = [[0.0] * len(CLASSES)] * 3
    c = compare_results(made_up("old", zeros, logits=True), made_up("new", OLD, logits=True))
    assert c.scores is not None
    assert c.scores.whole_output == WholeOutputAgreement(l2_relative_error=None, cosine_similarity=None)
    undefined = "L2 relative error undefined (all scores 0), cosine similarity undefined (all scores 0)"
    assert undefined in comparison_text(c)
    document = json.loads(json.dumps(c.to_json(), allow_nan=False))
    assert ClipComparison.from_json(document) == c


def test_logits_against_probabilities_are_not_compared_and_the_text_says_why() -> None:
    c = compare_results(made_up("old", OLD, logits=True), made_up("new", NEW))
    assert c.scores is None
    assert c.scores_note == "old's scores are logits and new's probabilities: their differences say nothing"
    assert f"score differences: not computed: {c.scores_note}" in comparison_text(c)
    document = json.loads(json.dumps(c.to_json()))
    assert document["score_agreement"] is None and document["score_agreement_not_computed"] == c.scores_note
    assert ClipComparison.from_json(document) == c


def test_a_comparison_saved_before_the_figures_reads_back_without_them() -> None:
    document = compare_results(made_up("old", OLD), made_up("new", NEW)).to_json()
    del document["score_agreement"]
    back = ClipComparison.from_json(document)
    assert back.scores is None and "score differences" not in comparison_text(back)


def test_a_comparison_saved_before_the_l2_error_and_cosine_reads_back_without_them() -> None:
    document = compare_results(made_up("old", OLD), made_up("new", NEW)).to_json()
    for key in ("l2_relative_error", "cosine_similarity"):
        del document["score_agreement"][key]
    back = ClipComparison.from_json(document)
    assert back.scores is not None and back.scores.whole_output is None
    assert back.scores.rmse == pytest.approx(np.sqrt(0.2 / 12))
    text = comparison_text(back)
    assert "RMSE 0.1291" in text and "L2 relative error" not in text


@pytest.fixture(scope="module")
def float_twin(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference's float model, as ``kws train`` writes a run's twin (``<name>.float32.tflite``): MLTK's own
    float weights (the .h5 in its archive) in the seed spec, converted without quantisation, fed the int8
    spectrogram values the int8 model reads."""
    pytest.importorskip("tensorflow")
    from workbench.core.model.inference import FEATURES_DTYPE_KEY
    from workbench.training.model.conversion import to_tflite
    from workbench.training.model.keras_builder import build_model
    from workbench.training.model.model_metadata import detection_settings, labelled_model
    from workbench.training.model.weights_import import initialise_from
    from workbench.training.spec import load_spec

    spec = load_spec(SEED)
    model = build_model(spec)
    assert not initialise_from(model, shared_dir / "reference-models" / f"{SEED}.mltk.zip").pending_batch_norm
    twin = labelled_model(spec, to_tflite(model), detection_settings(spec, SEED_THRESHOLD),
                          extra={FEATURES_DTYPE_KEY: "int8"})
    path = tmp_path_factory.mktemp("twin") / f"{SEED}.float32.tflite"
    path.write_bytes(twin.tflite)
    return path


def test_a_float_model_against_its_int8_model_matches_numpy(capsys, float_twin: Path, reference_model_path: Path,
                                                             small_speech_dataset: Path) -> None:
    assert main(["evaluate", str(float_twin), "--compare", str(reference_model_path), "--dataset",
                 str(small_speech_dataset), "--format", "json", "--workers", "1"]) == 0
    (compared,) = json.loads(capsys.readouterr().out)["workbench"]["compared"]
    clips = clips_for_split(scan_dataset(small_speech_dataset), "test")
    float_scores = evaluate_model(float_twin, clips, workers=1).scores
    int8_scores = evaluate_model(reference_model_path, clips, workers=1).scores
    assert float_scores.shape == int8_scores.shape == (28, 4)
    assert not np.allclose(float_scores * SCORE_STEPS, np.rint(float_scores * SCORE_STEPS))  # not in int8's steps
    difference = np.abs(float_scores - int8_scores)
    figures = compared["score_agreement"]
    assert figures["scores"] == "probabilities" and figures["clips"] == 28
    assert figures["mean_absolute_difference"] == pytest.approx(difference.mean(), abs=10 ** -FLOAT_DIGITS)
    assert figures["max_absolute_difference"] == pytest.approx(difference.max(), abs=10 ** -FLOAT_DIGITS)
    assert figures["rmse"] == pytest.approx(np.sqrt((difference ** 2).mean()), abs=10 ** -FLOAT_DIGITS)
    same = int((float_scores.argmax(axis=1) == int8_scores.argmax(axis=1)).sum())
    assert figures["same_top_class"] == same and figures["top_class_agreement"] == pytest.approx(same / 28)
    # a faithful int8 model: close, but not equal, scores (the figures are not zeros by construction)
    assert 0 < figures["mean_absolute_difference"] < figures["max_absolute_difference"] < 0.5 and same >= 25
    assert main(["evaluate", str(float_twin), "--compare", str(reference_model_path), "--dataset",
                 str(small_speech_dataset), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert f"both pick the same top class on {same} of 28 clips ({same / 28:.1%})" in printed
    assert f"RMSE {figures['rmse']:.4f}" in printed
    # over the whole output, the model given to --compare (here the int8 one) the reference
    squared_error, int8_squares = ((float_scores - int8_scores) ** 2).sum(), (int8_scores ** 2).sum()
    assert figures["l2_relative_error"] == pytest.approx(np.sqrt(squared_error / int8_squares),
                                                         abs=10 ** -FLOAT_DIGITS)
    cosine = (float_scores * int8_scores).sum() / np.sqrt((float_scores ** 2).sum() * int8_squares)
    assert figures["cosine_similarity"] == pytest.approx(cosine, abs=10 ** -FLOAT_DIGITS)
    assert 0 < figures["l2_relative_error"] < 0.5 and 0.9 < figures["cosine_similarity"] < 1
    assert (f"(reference: {SEED}): L2 relative error {figures['l2_relative_error']:.4f}, "
            f"cosine similarity {figures['cosine_similarity']:.6f}") in printed


def test_a_model_against_itself_on_the_command_line(capsys, reference_model_path: Path,
                                                     small_speech_dataset: Path) -> None:
    """The same model twice: no error, a cosine of exactly 1, and the text names both figures."""
    command = ["evaluate", str(reference_model_path), "--compare", str(reference_model_path), "--dataset",
               str(small_speech_dataset), "--workers", "1"]
    assert main(command + ["--format", "json"]) == 0
    (compared,) = json.loads(capsys.readouterr().out)["workbench"]["compared"]
    figures = compared["score_agreement"]
    assert (figures["l2_relative_error"], figures["cosine_similarity"]) == (0.0, 1.0)
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert "L2 relative error 0.0000, cosine similarity 1.000000" in printed
