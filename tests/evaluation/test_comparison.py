"""Two models' results on the same clips: exact per-class figures, a paired speaker interval, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import WorkbenchError
from workbench.evaluation.comparison import ClipComparison, compare_results, comparison_text
from workbench.evaluation.evaluate import EvaluationResult
from workbench.evaluation.metrics import classifier_metrics

CLASSES = ["yes", "no", "_unknown_", "_silence_"]


def result(name: str, labels: list[int], predicted: list[int], speakers: list[str]) -> EvaluationResult:
    scores = np.full((len(labels), len(CLASSES)), 0.02)
    scores[np.arange(len(labels)), predicted] = 0.94
    truth = np.array(labels, np.int64)
    paths = [Path(f"{CLASSES[label]}/{speaker}_nohash_{i}.wav") for i, (label, speaker) in enumerate(zip(labels,
                                                                                                         speakers))]
    return EvaluationResult(name=name, classes=list(CLASSES), paths=paths, words=[CLASSES[label] for label in labels],
                            labels=truth, scores=scores, metrics=classifier_metrics(scores, truth))


def clips(speakers: int) -> tuple[list[int], list[str]]:
    """Every speaker says one clip of each class."""
    labels = [k for _ in range(speakers) for k in range(len(CLASSES))]
    names = [f"s{s}" for s in range(speakers) for _ in CLASSES]
    return labels, names


def test_the_same_predictions_differ_by_nothing() -> None:
    labels, speakers = clips(8)
    predicted = [0 if k == 1 else k for k in labels]  # every "no" heard as "yes"
    a, b = result("a", labels, predicted, speakers), result("b", labels, predicted, speakers)
    c = compare_results(a, b)
    assert c.balanced_difference == 0.0 and c.interval == (0.0, 0.0)
    assert (c.only_first_right, c.only_second_right) == (0, 0)
    assert c.verdict == "within what the speakers alone could change"


def test_a_model_right_where_the_other_is_wrong_for_every_speaker_is_better() -> None:
    labels, speakers = clips(10)
    wrong_no = [0 if k == 1 else k for k in labels]
    old, new = result("old", labels, wrong_no, speakers), result("new", labels, labels, speakers)
    c = compare_results(old, new)
    assert c.balanced_difference == pytest.approx(new.metrics.balanced_accuracy - old.metrics.balanced_accuracy)
    assert c.balanced_difference == pytest.approx(0.25)  # "no" from 0 to 100 %: a quarter of the balance
    assert c.interval == pytest.approx((0.25, 0.25))  # every speaker the same: every draw the same
    assert c.verdict == "new is better"
    assert (c.only_first_right, c.only_second_right) == (0, 10)
    assert c.first_accuracies[1] == 0.0 and c.second_accuracies[1] == 1.0 and c.clips_per_class == (10,) * 4
    text = comparison_text(c)
    assert "new against old on the same 40 clips" in text and "+100.0 points" in text and "new is better" in text


def test_one_speaker_is_not_enough_to_call_a_winner() -> None:
    labels, speakers = clips(10)
    one_speaker_fixed = [0 if k == 1 and s != "s0" else k for k, s in zip(labels, speakers)]
    all_wrong = [0 if k == 1 else k for k in labels]
    c = compare_results(result("old", labels, all_wrong, speakers), result("new", labels, one_speaker_fixed, speakers))
    low, high = c.interval  # type: ignore[misc]
    assert low == 0.0 and high > c.balanced_difference > 0  # s0 may not be drawn at all
    assert c.verdict == "within what the speakers alone could change"


def test_refusals_and_too_few_speakers() -> None:
    labels, speakers = clips(3)
    a = result("a", labels, labels, speakers)
    c = compare_results(a, a)
    assert c.interval is None and c.verdict == "too few speakers to tell"
    other = result("b", labels, labels, [s + "x" for s in speakers])
    with pytest.raises(WorkbenchError, match="different clips"):
        compare_results(a, other)
    renamed = result("c", labels, labels, speakers)
    renamed.classes = ["on", "off", "_unknown_", "_silence_"]
    with pytest.raises(WorkbenchError, match="same classes"):
        compare_results(a, renamed)


def test_a_comparison_round_trips_through_its_json() -> None:
    labels, speakers = clips(6)
    wrong_no = [0 if k == 1 else k for k in labels]
    c = compare_results(result("old", labels, wrong_no, speakers), result("new", labels, labels, speakers))
    assert ClipComparison.from_json(json.loads(json.dumps(c.to_json()))) == c
    labels, speakers = clips(2)
    same = result("x", labels, labels, speakers)
    few = compare_results(same, same)  # too few speakers: no interval
    assert few.interval is None and ClipComparison.from_json(few.to_json()) == few


def test_two_models_of_the_same_name_are_told_apart() -> None:
    """A run trained with the tflite_micro_speech spec against the bundled tflite_micro_speech: the text must
    still say which column, which verdict and which count is which."""
    labels, speakers = clips(10)
    wrong_no = [0 if k == 1 else k for k in labels]
    name = "tflite_micro_speech"
    bundled, run = result(name, labels, wrong_no, speakers), result(name, labels, labels, speakers)
    c = compare_results(bundled, run)
    this, other = f"{name} (this model)", f"{name} (the other model)"
    assert c.verdict == f"{this} is better"
    text = comparison_text(c)
    assert text.startswith(f"{this} against {other} on the same 40 clips:")
    header = text.splitlines()[1].split()
    assert header[2:] == [name, "(the", "other", "model)", name, "(this", "model)", "difference"]
    assert f"clips only {this} gets right: 10; only {other}: 0" in text
    back = ClipComparison.from_json(json.loads(json.dumps(c.to_json())))  # what the GUI reads
    assert comparison_text(back) == text
    assert (back.first, back.second) == (name, name)  # the JSON keeps the models' own names


def test_different_names_are_left_alone() -> None:
    labels, speakers = clips(4)
    text = comparison_text(compare_results(result("old", labels, labels, speakers),
                                           result("new", labels, labels, speakers)))
    assert "this model" not in text and text.startswith("new against old")


def test_a_class_without_clips_is_null_in_the_comparisons_json_and_reads_back() -> None:
    labels, speakers = clips(6)
    kept = [i for i, k in enumerate(labels) if k != 1]  # no "no" clips
    labels, speakers = [labels[i] for i in kept], [speakers[i] for i in kept]
    c = compare_results(result("old", labels, labels, speakers), result("new", labels, labels, speakers))
    document = json.loads(json.dumps(c.to_json()))
    assert document["class_accuracies"][1] is None and document["against_class_accuracies"][1] is None
    assert document["class_accuracies"][0] == 1.0
    back = ClipComparison.from_json(document)
    assert back == c and comparison_text(back) == comparison_text(c)


def test_clips_whose_names_hold_no_speaker_are_not_counted_as_speakers() -> None:
    """Speech Commands' silence clips (``_silence_/0003.wav``) name no speaker: each is drawn on its own, and the
    text says so instead of counting every one of them as a speaker."""
    labels, speakers = clips(6)
    a = result("a", labels, labels, speakers)
    a.paths = [p if "_silence_" not in str(p) else Path(f"_silence_/{i:04d}.wav") for i, p in enumerate(a.paths)]
    c = compare_results(a, a)
    assert (c.speakers, c.clips_without_speaker) == (6, 6)
    assert "over the same 6 speakers redrawn for both, the 6 clips that name no speaker each drawn alone)" in \
        comparison_text(c)
    again = type(c).from_json(c.to_json())
    assert again == c and c.to_json()["clips_without_speaker"] == 6


def test_a_model_whose_file_has_another_name_is_named_by_its_file_too() -> None:
    """A copy of kws_yes_no saved as otherfe2.tflite: "kws_yes_no" alone names a model the user never picked."""
    labels, speakers = clips(10)
    wrong_no = [0 if k == 1 else k for k in labels]
    old, new = result("kws_yes_no", labels, wrong_no, speakers), result("quick_kws", labels, labels, speakers)
    c = compare_results(old, new, files=(Path("/models/otherfe2.tflite"), Path("/runs/a/quick_kws.tflite")))
    text = comparison_text(c)
    assert text.startswith("quick_kws against kws_yes_no (otherfe2.tflite) on the same 40 clips:"), text
    assert "clips only quick_kws gets right: 10; only kws_yes_no (otherfe2.tflite): 0" in text
    back = ClipComparison.from_json(json.loads(json.dumps(c.to_json())))
    assert back == c and comparison_text(back) == text and (back.first, back.second) == ("kws_yes_no", "quick_kws")
    archive = compare_results(old, new, files=(Path("kws_yes_no.mltk.zip"), None))
    assert comparison_text(archive).startswith("quick_kws against kws_yes_no on the same")


def test_models_of_one_name_with_other_classes_are_named_by_their_files() -> None:
    """A copy of kws_yes_no with its classes reordered keeps the name kws_yes_no: the refusal named both
    "kws_yes_no", which says nothing of which is which (``kws evaluate kws_yes_no --compare swapped.tflite``)."""
    labels, speakers = clips(4)
    bundled, swapped = (result("kws_yes_no", labels, labels, speakers) for _ in range(2))
    swapped.classes = ["no", "yes", "_unknown_", "_silence_"]
    with pytest.raises(WorkbenchError) as refused:
        compare_results(swapped, bundled, files=(Path("/models/swapped.tflite"), Path("/app/kws_yes_no.tflite")))
    assert str(refused.value) == ("kws_yes_no has the classes yes, no, _unknown_, _silence_ and kws_yes_no "
                                  "(swapped.tflite) no, yes, _unknown_, _silence_: compare models with the same "
                                  "classes")
    with pytest.raises(WorkbenchError) as unknown_files:
        compare_results(swapped, bundled)
    assert str(unknown_files.value).startswith("kws_yes_no (this model) has the classes yes, no, _unknown_, "
                                               "_silence_ and kws_yes_no (the other model) no, yes")
