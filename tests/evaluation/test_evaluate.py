"""evaluate_model on real clips with the real reference model, frontend and LiteRT."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from workbench.core.audio.audio_file import load_audio
from workbench.core.engine import Engine, EngineOptions
from workbench.core.errors import ModelError, WorkbenchError
from workbench.core.model.model_file import load_model
from workbench.datasets.layout import ClipEntry, scan_dataset
from workbench.evaluation.clip_scores import MIN_CLIPS_FOR_WORKERS, EvaluationCancelled
from workbench.evaluation.evaluate import class_of, clips_for_split, evaluate_model, fold_negative_classes

SCORE_STEPS = 256  # the reference model's int8 output: scale 1/256, zero point -128


def test_the_reference_model_on_real_clips(small_speech_dataset: Path, reference_model_path: Path) -> None:
    index = scan_dataset(small_speech_dataset)
    clips = clips_for_split(index, "test")
    assert len(clips) == 28
    reports: list[tuple[int, int]] = []
    result = evaluate_model(reference_model_path, clips, progress=lambda d, t: reports.append((d, t)), workers=1)
    assert result.classes == ["yes", "no", "_unknown_", "_silence_"]
    assert reports[-1] == (28, 28) and result.skipped == []
    expected = {"yes": 0, "no": 1, "go": 2, "left": 2, "house": 2, "_silence_": 3}
    assert [int(i) for i in result.labels] == [expected[w] for w in result.words]
    assert result.metrics.class_counts == [8, 8, 8, 4]
    assert result.scores.shape == (28, 4)
    assert np.allclose(result.scores.sum(axis=1), 1.0, atol=0.03)  # a softmax, quantised
    assert np.allclose(result.scores * SCORE_STEPS, np.rint(result.scores * SCORE_STEPS))
    # the reference model knows its keywords: most yes/no clips are right
    assert result.accuracy_of("yes") >= 0.75 and result.accuracy_of("no") >= 0.75
    assert 0.0 <= result.metrics.balanced_accuracy <= 1.0 and result.clips_per_s > 0


def test_scores_are_the_live_engines_for_a_one_second_clip(small_speech_dataset: Path,
                                                           reference_model_path: Path) -> None:
    # Without trimming, a full 1 s clip reaches the model exactly as the live engine (fresh frontend state,
    # as in training) sees it when the clip has just fully played: the 10th inference at 100 ms latency.
    clip_path = next(p for p in sorted((small_speech_dataset / "yes").glob("*.wav"))
                     if load_audio(p).samples.size == 16000)
    clips = [c for c in scan_dataset(small_speech_dataset).clips if c.path == clip_path]
    result = evaluate_model(reference_model_path, clips, trim_db=0, workers=1)
    model = load_model(reference_model_path)
    engine = Engine(model, options=EngineOptions(fresh_state=True))
    results = engine.run_clip(load_audio(clip_path).samples)
    at_one_second = next(r for r in results if abs(r.time_s - 1.0) < 1e-9)
    assert np.array_equal(np.rint(result.scores[0] * SCORE_STEPS).astype(int), at_one_second.scores.astype(int))


def test_worker_processes_give_the_same_scores(shared_speech: Path, reference_model_path: Path) -> None:
    clips = scan_dataset(shared_speech, check_audio=False).clips[:MIN_CLIPS_FOR_WORKERS + 50]
    alone = evaluate_model(reference_model_path, clips, workers=1)
    pooled = evaluate_model(reference_model_path, clips, workers=2)
    assert np.array_equal(alone.scores, pooled.scores) and alone.paths == pooled.paths


def test_unreadable_clips_are_skipped_and_reported(small_speech_dataset: Path, reference_model_path: Path,
                                                   tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(small_speech_dataset, root)
    broken = root / "yes" / "zzzzzzzz_nohash_0.wav"
    broken.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt ")
    clips = scan_dataset(root, check_audio=False).clips
    result = evaluate_model(reference_model_path, clips, workers=1)
    assert [p for p, _ in result.skipped] == [broken] and len(result.paths) == len(clips) - 1
    with pytest.raises(WorkbenchError, match="None of the 1 clips"):
        evaluate_model(reference_model_path, [c for c in clips if c.path == broken], workers=1)


def test_files_the_scan_cannot_read_are_reported_not_dropped(small_speech_dataset: Path,
                                                             reference_model_path: Path, tmp_path: Path) -> None:
    """What ``kws dataset info`` counts as unreadable reaches the result (and its JSON), not silence."""
    from workbench.evaluation.report import results_document, summary_text

    root = tmp_path / "data"
    shutil.copytree(small_speech_dataset, root)
    broken = root / "yes" / "zzzzzzzz_nohash_0.wav"
    broken.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt ")
    index = scan_dataset(root)
    assert [p for p, _ in index.unreadable] == [broken]
    result = evaluate_model(reference_model_path, clips_for_split(index, "all"), workers=1,
                            unreadable=index.unreadable)
    assert [p for p, _ in result.unreadable] == [broken] and result.skipped == []
    assert result.unreadable[0][1].startswith("not a readable audio file")
    assert results_document(result)["workbench"]["unreadable"] == [{"path": str(broken),
                                                                    "reason": result.unreadable[0][1]}]
    assert "1 unreadable file in the datasets" in summary_text(result) and str(broken) in summary_text(result)


def test_class_mapping_for_models_without_silence(small_speech_dataset: Path, reference_model_path: Path) -> None:
    assert class_of("_silence_", ["yes", "no", "_unknown_"]) == "_unknown_"
    assert class_of("_silence_", ["yes", "no"]) is None and class_of("go", ["yes", "no"]) is None
    assert class_of("go", ["go", "_unknown_"]) == "go"
    clips = scan_dataset(small_speech_dataset).clips
    renamed = evaluate_model(reference_model_path, clips, ["yes", "no", "_unknown_", "other"], workers=1)
    assert renamed.metrics.class_counts == [8, 8, 12, 0]  # silence counted as _unknown_
    keywords_only = evaluate_model(reference_model_path, clips, ["yes", "no", "maybe", "other"], workers=1)
    assert len(keywords_only.paths) == 16 and len(keywords_only.skipped) == 12
    with pytest.raises(ModelError, match="3 class names"):
        evaluate_model(reference_model_path, clips, ["yes", "no", "_unknown_"], workers=1)


def test_cancel_stops_the_evaluation(shared_speech: Path, reference_model_path: Path) -> None:
    clips = scan_dataset(shared_speech, check_audio=False).clips[:MIN_CLIPS_FOR_WORKERS + 50]
    for workers in (1, 2):
        cancel = threading.Event()
        with pytest.raises(EvaluationCancelled, match="cancelled after"):
            evaluate_model(reference_model_path, clips, workers=workers, cancel=cancel,
                           progress=lambda done, total: cancel.set())


def test_nothing_to_evaluate(small_speech_dataset: Path, reference_model_path: Path) -> None:
    index = scan_dataset(small_speech_dataset)
    assert clips_for_split(index, "validation") == []
    with pytest.raises(WorkbenchError, match="No clips to evaluate"):
        evaluate_model(reference_model_path, [], workers=1)
    with pytest.raises(WorkbenchError):
        clips_for_split(index, "train")


def test_negative_word_classes_fold_into_unknown() -> None:
    classes = ["yes", "no", "_unknown_", "_silence_", "_go_", "_left_"]
    scores = np.array([[0.1, 0.5, 0.1, 0.0, 0.3, 0.0],   # a "go" clip the model calls "no"
                       [0.0, 0.1, 0.1, 0.0, 0.7, 0.1],   # a "go" clip it calls "_go_": an unknown word
                       [0.6, 0.0, 0.1, 0.1, 0.0, 0.2]])  # a "yes"
    names, folded, labels = fold_negative_classes(classes, scores, np.array([4, 4, 0]))
    assert names == ["yes", "no", "_unknown_", "_silence_"] and labels.tolist() == [2, 2, 0]
    assert folded[:, 2] == pytest.approx([0.4, 0.9, 0.3]) and folded.sum(axis=1) == pytest.approx(scores.sum(axis=1))
    assert folded.argmax(axis=1).tolist() == [1, 2, 0]
    assert class_of("go", classes) == "_go_" and class_of("up", classes) == "_unknown_"
    plain = ["yes", "no", "_unknown_", "_silence_"]
    assert fold_negative_classes(plain, scores[:, :4], np.array([1, 2, 0]))[0] == plain


def test_a_model_with_a_negative_class_is_reported_with_it_folded(small_speech_dataset: Path,
                                                                   reference_model_path: Path) -> None:
    clips = scan_dataset(small_speech_dataset).clips
    plain = evaluate_model(reference_model_path, clips, workers=1)
    negative = evaluate_model(reference_model_path, clips, ["yes", "_no_", "_unknown_", "_silence_"], workers=1)
    assert negative.classes == ["yes", "_unknown_", "_silence_"]
    counts = dict(zip(plain.classes, plain.metrics.class_counts))
    assert negative.metrics.class_counts == [counts["yes"], counts["no"] + counts["_unknown_"], counts["_silence_"]]
    no, unknown = plain.classes.index("no"), plain.classes.index("_unknown_")
    assert negative.scores[:, 1] == pytest.approx(plain.scores[:, no] + plain.scores[:, unknown])


def test_the_exact_auc_of_scores_crowded_below_the_first_step(shared_speech: Path,
                                                               reference_model_path: Path) -> None:
    """The reference model's _silence_ scores on the test split sit mostly below 0.01, where MLTK's steps cannot
    order them: its AUC by MLTK's rule and the exact one (every pair of clips, ties counting half) part."""
    result = evaluate_model(reference_model_path, clips_for_split(scan_dataset(shared_speech), "test"), workers=1)
    silence = result.classes.index("_silence_")
    is_silence, score = result.labels == silence, result.scores[:, silence]
    positives, negatives = score[is_silence][:, None], score[~is_silence][None, :]
    wins = (positives > negatives).sum() + 0.5 * (positives == negatives).sum()
    assert result.metrics.roc_auc_exact[silence] == pytest.approx(wins / (positives.size * negatives.size), abs=1e-12)
    assert result.metrics.roc_auc[silence] == pytest.approx(0.537, abs=0.001)
    assert result.metrics.roc_auc_exact[silence] == pytest.approx(0.554, abs=0.001)


def _reference_with_params(reference_model_path: Path, folder: Path, name: str, drop: tuple[str, ...] = (),
                           **changes: object) -> Path:
    """A copy of the reference model whose parameters lack ``drop`` and take ``changes`` (a real file)."""
    from workbench.core.model.model_params import read_params, write_params

    tflite = reference_model_path.read_bytes()
    params = {k: v for k, v in read_params(tflite).items() if k not in drop}
    params.update(changes)
    path = folder / name
    path.write_bytes(write_params(tflite, params))
    return path


def test_a_model_without_class_names_says_why_no_clip_counts(small_speech_dataset: Path,
                                                             reference_model_path: Path, tmp_path: Path) -> None:
    """A model from another tool has no ``classes``: the error names its class_N classes and the fix."""
    unnamed = _reference_with_params(reference_model_path, tmp_path, "unnamed.tflite", drop=("classes",))
    clips = scan_dataset(small_speech_dataset).clips
    with pytest.raises(WorkbenchError) as caught:
        evaluate_model(unnamed, clips, workers=1)
    assert str(caught.value) == (
        "None of the model's classes (class_0, class_1, class_2, class_3) is a word in the dataset: set the "
        f"class names with kws params {unnamed} classes=… (one name per output, in order).")
    # a model that has names, none of them a word of the clips: the selection may be wrong too
    named = _reference_with_params(reference_model_path, tmp_path, "named.tflite", classes="up,down,left_,right_")
    with pytest.raises(WorkbenchError, match=r"\(up, down, left_, right_\) is a word in the dataset: check the "
                                             r"dataset folders and --split, or set the class names"):
        evaluate_model(named, clips, workers=1)


def test_a_model_the_frontend_cannot_feed_gets_the_detect_check_first(reference_model_path: Path,
                                                                       tmp_path: Path) -> None:
    """The input check of ``kws detect`` (the engine's), in its words, before classes or clips are looked at."""
    narrow = _reference_with_params(reference_model_path, tmp_path, "narrow.tflite", drop=("classes",),
                                    **{"fe.filterbank_n_channels": 32})
    with pytest.raises(ModelError) as by_engine:
        Engine(load_model(narrow))
    missing = [ClipEntry(tmp_path / "gone.wav", "yes", "gone", "testing")]  # would be an AudioError if read
    with pytest.raises(ModelError) as by_evaluation:
        evaluate_model(narrow, missing, workers=1)
    assert str(by_evaluation.value) == str(by_engine.value)
    assert "spectrogram" in str(by_evaluation.value) and "49x32" in str(by_evaluation.value).replace(" x ", "x")
