"""`kws evaluate` on real clips with the real reference model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import copy_clips, write_clip  # noqa: E402

from workbench.cli.main import main  # noqa: E402


@pytest.fixture(scope="module")
def speech(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_clips(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("speech"),
                      {"yes": 5, "no": 5, "down": 3, "_silence_": 2})


def test_text_report(capsys, speech: Path, reference_model_path: Path) -> None:
    assert main(["evaluate", str(reference_model_path), "--dataset", str(speech), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "Model: tflite_micro_speech" in out and "Clips: 15 scored, 0 skipped" in out
    assert "the test split of" in out and "lists:" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.split()[:1] and
            line.split()[0] in ("yes", "no", "_unknown_", "_silence_") and "%" in line}
    assert [rows[c][1] for c in ("yes", "no", "_unknown_", "_silence_")] == ["5", "5", "3", "2"]


def test_json_and_out_folder(capsys, speech: Path, reference_model_path: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "report"
    code = main(["evaluate", str(reference_model_path), "--dataset", str(speech), "--format", "json",
                 "--out", str(out_dir), "--no-plots", "--workers", "1"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    saved = json.loads((out_dir / "eval-results.json").read_text())
    assert printed == saved
    assert printed["class_counts"] == [5, 5, 3, 2] and len(printed["fpr"][0]) == 101
    assert sorted(p.name for p in out_dir.iterdir()) == ["eval-results.json", "predictions.csv", "summary.txt"]


def test_a_model_with_negative_classes_is_said_to_count_them_as_unknown(capsys, speech: Path, tmp_path: Path) -> None:
    """The bundled kws_yes_no_stream, by its name: its _go_, _down_ and _left_ outputs count as _unknown_ (the
    dataset's "down" clips among them), and the printed text, the JSON and summary.txt say so."""
    note = "_go_, _down_, _left_ are counted as _unknown_ (their probabilities summed before the top class is picked)."
    assert main(["evaluate", "kws_yes_no_stream", "--dataset", str(speech), "--workers", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert note in lines and "Average ROC AUC: " in "\n".join(lines)
    assert main(["evaluate", "kws_yes_no_stream", "--dataset", str(speech), "--format", "json", "--out",
                 str(tmp_path / "report"), "--no-plots", "--workers", "1"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["classes"] == ["yes", "no", "_unknown_", "_silence_"] and printed["class_counts"] == [5, 5, 3, 2]
    folded = printed["workbench"]["folded_into_unknown"]
    assert folded["classes"] == ["_go_", "_down_", "_left_"] and folded["note"] == note
    assert note in (tmp_path / "report" / "summary.txt").read_text(encoding="utf-8").splitlines()
    assert len(printed["roc_auc_exact"]) == 4 and printed["roc_auc_exact_avg"] is not None


def test_split_all_merges_datasets_and_counts_other_words_as_unknown(capsys, speech: Path,
                                                                      reference_model_path: Path,
                                                                      tmp_path: Path) -> None:
    takes = tmp_path / "takes"
    write_clip(takes / "hello" / "hello_20240102-100000.wav")  # a word the model does not know
    write_clip(takes / "yes" / "yes_20240102-100000.wav")
    code = main(["evaluate", str(reference_model_path), "--dataset", str(speech), "--dataset", str(takes),
                 "--split", "all", "--format", "json", "--workers", "1"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["class_counts"] == [6, 5, 4, 2] and data["workbench"]["clips"] == 17
    assert data["workbench"]["evaluated"].startswith("every clip of")


def test_compare_scores_both_models_on_the_same_clips(capsys, speech: Path, reference_model_path: Path,
                                                      tmp_path: Path) -> None:
    from tests.bundled_model_paths import yes_no_model_path

    alone = []
    for model in (yes_no_model_path(), reference_model_path):
        assert main(["evaluate", str(model), "--dataset", str(speech), "--format", "json", "--workers", "1"]) == 0
        alone.append(json.loads(capsys.readouterr().out))
    code = main(["evaluate", str(yes_no_model_path()), "--compare", str(reference_model_path), "--dataset",
                 str(speech), "--format", "json", "--out", str(tmp_path / "report"), "--no-plots", "--workers", "1"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["class_accuracies"] == alone[0]["class_accuracies"]
    (compared,) = document["workbench"]["compared"]
    assert (compared["model"], compared["against"]) == ("kws_yes_no", "tflite_micro_speech")
    assert compared["class_accuracies"] == alone[0]["class_accuracies"]
    assert compared["against_class_accuracies"] == alone[1]["class_accuracies"]
    assert compared["balanced_accuracy_difference"] == pytest.approx(
        alone[0]["balanced_accuracy"] - alone[1]["balanced_accuracy"])
    summary = (tmp_path / "report" / "summary.txt").read_text()
    assert "kws_yes_no against tflite_micro_speech on the same 15 clips" in summary
    assert main(["evaluate", str(yes_no_model_path()), "--compare", str(reference_model_path), "--dataset",
                 str(speech), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    block = summary[summary.index("kws_yes_no against"):]  # the comparison, as summary.txt holds it
    assert printed.endswith(block) and "balanced accuracy " in block and "clips only kws_yes_no gets right" in block


def test_models_of_one_name_with_other_classes_are_told_apart_by_file(capsys, speech: Path, tmp_path: Path) -> None:
    """kws_yes_no against its copy with the classes reordered was refused as "kws_yes_no has the classes … and
    kws_yes_no …": both carry the name kws_yes_no, so the sentence must name the copy by its file."""
    swapped = tmp_path / "swapped.tflite"
    assert main(["params", "kws_yes_no", "classes=no,yes,_unknown_,_silence_", "-o", str(swapped)]) == 0
    capsys.readouterr()
    assert main(["evaluate", "kws_yes_no", "--compare", str(swapped), "--dataset", str(speech),
                 "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("kws: error: kws_yes_no has the classes yes, no, _unknown_, _silence_ and kws_yes_no "
                        "(swapped.tflite) no, yes, _unknown_, _silence_: compare models with the same classes\n"), err


def test_clips_of_an_earlier_evaluation_are_evaluated_again(capsys, speech: Path, reference_model_path: Path,
                                                           tmp_path: Path) -> None:
    assert main(["evaluate", str(reference_model_path), "--dataset", str(speech), "--format", "json", "--out",
                 str(tmp_path / "first"), "--no-plots", "--workers", "1"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["evaluate", str(reference_model_path), "--clips", str(tmp_path / "first" / "predictions.csv"),
                 "--format", "json", "--workers", "1"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["class_counts"] == first["class_counts"] == [5, 5, 3, 2]
    assert again["class_accuracies"] == first["class_accuracies"] and again["roc_auc"] == first["roc_auc"]
    assert again["workbench"]["evaluated"].startswith("the clips listed in")



def test_clips_are_never_replaced_by_the_report_and_a_split_beside_them_is_refused(
        capsys, speech: Path, reference_model_path: Path, tmp_path: Path, monkeypatch) -> None:
    """``--clips same/predictions.csv --out same`` would replace the earlier model's predictions with the new
    ones; ``--split`` beside ``--clips`` would be silently ignored. Both refused before any clip is scored."""
    assert main(["evaluate", str(reference_model_path), "--dataset", str(speech), "--out", str(tmp_path / "first"),
                 "--no-plots", "--workers", "1"]) == 0
    capsys.readouterr()
    listed = tmp_path / "first" / "predictions.csv"
    before = listed.read_bytes()
    monkeypatch.chdir(tmp_path)
    for argv in (["--clips", str(listed), "--out", str(tmp_path / "first")],
                 ["--clips", "first/predictions.csv", "--out", "./first/"],
                 ["--clips", str(listed), "--split", "validation"],
                 ["--clips", str(listed), "--split", "test"]):
        assert main(["evaluate", str(reference_model_path), *argv, "--workers", "1"]) == 2, argv
        captured = capsys.readouterr()
        assert captured.err.startswith("kws: error: ") and captured.err.count("\n") == 1, captured.err
        assert "evaluating" not in captured.err and captured.out == ""
        assert ("--split" if "--split" in argv else "--out") in captured.err
    assert listed.read_bytes() == before
    assert main(["evaluate", str(reference_model_path), "--clips", str(listed), "--out", str(tmp_path / "again"),
                 "--no-plots", "--workers", "1"]) == 0
    assert (tmp_path / "again" / "predictions.csv").read_bytes() == before

def test_a_clip_list_made_from_a_relative_dataset_path_works_from_any_folder(
        capsys, speech: Path, reference_model_path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(speech.parent)
    assert main(["evaluate", str(reference_model_path), "--dataset", speech.name, "--format", "json", "--out",
                 str(tmp_path / "first"), "--no-plots", "--workers", "1"]) == 0
    first = json.loads(capsys.readouterr().out)
    monkeypatch.chdir(tmp_path)  # a colleague's folder: the dataset's relative path names nothing here
    assert main(["evaluate", str(reference_model_path), "--clips", str(tmp_path / "first" / "predictions.csv"),
                 "--format", "json", "--workers", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["class_counts"] == first["class_counts"]


def test_a_relative_clip_list_is_read_beside_itself(speech: Path, tmp_path: Path, monkeypatch) -> None:
    from workbench.evaluation.clip_predictions import clips_of_predictions

    clip = next(speech.glob("yes/*.wav"))
    listed = tmp_path / "lists" / "clips.csv"
    listed.parent.mkdir()
    (listed.parent / "yes").mkdir()
    (listed.parent / "yes" / clip.name).write_bytes(clip.read_bytes())
    listed.write_text(f"path,word\nyes/{clip.name},yes\n")
    monkeypatch.chdir(tmp_path)
    assert [entry.path for entry in clips_of_predictions(listed)] == [listed.parent / "yes" / clip.name]


def test_errors_are_one_line(capsys, speech: Path, reference_model_path: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.tflite").write_bytes(b"not a model")
    for argv in (["evaluate", str(tmp_path / "bad.tflite"), "--dataset", str(speech)],
                 ["evaluate", str(reference_model_path), "--dataset", str(tmp_path / "missing")],
                 ["evaluate", str(reference_model_path), "--dataset", str(speech), "--split", "validation"],
                 ["evaluate", str(reference_model_path), "--dataset", str(speech), "--workers", "0"],
                 ["evaluate", str(reference_model_path), "--dataset", str(speech), "--trim-db", "-3"],
                 ["evaluate", str(reference_model_path), "--clips", str(tmp_path / "bad.tflite")],
                 ["evaluate", str(reference_model_path), "--clips", str(tmp_path / "missing.csv")],
                 # checked before the clips are scored: no progress bar, no lost evaluation
                 ["evaluate", str(reference_model_path), "--dataset", str(speech), "--out",
                  str(tmp_path / "bad.tflite" / "report")]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("kws: error: ") and err.count("\n") == 1, err


def _reference_copy(reference_model_path: Path, path: Path, **changes: object) -> Path:
    """The reference model without class names (a model from another tool) and with ``changes``."""
    from workbench.core.model.model_params import read_params, write_params

    tflite = reference_model_path.read_bytes()
    params = {k: v for k, v in read_params(tflite).items() if k != "classes"}
    path.write_bytes(write_params(tflite, {**params, **changes}))
    return path


def test_a_model_without_class_names_is_told_how_to_name_them(capsys, speech: Path, reference_model_path: Path,
                                                              tmp_path: Path) -> None:
    unnamed = _reference_copy(reference_model_path, tmp_path / "unnamed.tflite")
    assert main(["evaluate", str(unnamed), "--dataset", str(speech), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err == ("kws: error: None of the model's classes (class_0, class_1, class_2, class_3) is a word in the "
                   f"dataset: set the class names with kws params {unnamed} classes=… (one name per output, in "
                   "order).\n")


def test_a_model_the_frontend_cannot_feed_is_refused_before_the_dataset_is_read(capsys, speech: Path,
                                                                               reference_model_path: Path,
                                                                               tmp_path: Path) -> None:
    """``kws detect``'s input check comes first: a missing dataset folder is not even looked at."""
    narrow = _reference_copy(reference_model_path, tmp_path / "narrow.tflite", **{"fe.filterbank_n_channels": 32})
    assert main(["detect", "--model", str(narrow), str(next((speech / "yes").glob("*.wav")))]) == 2
    by_detect = capsys.readouterr().err
    assert by_detect.startswith("kws: error: ") and "spectrogram" in by_detect and by_detect.count("\n") == 1
    for dataset in (speech, tmp_path / "missing"):
        assert main(["evaluate", str(narrow), "--dataset", str(dataset), "--workers", "1"]) == 2
        assert capsys.readouterr().err == by_detect


def test_a_report_that_does_not_fit_leaves_no_new_folder(capsys, speech: Path, reference_model_path: Path,
                                                         tmp_path: Path) -> None:
    """All or nothing includes the folder it made: a full disk left an empty report folder behind."""
    from small_disk import fill, mounted_tmpfs

    with mounted_tmpfs(tmp_path / "disk", "64k") as disk:
        fill(disk)
        code = main(["evaluate", str(reference_model_path), "--dataset", str(speech), "--out", str(disk / "ev"),
                     "--no-plots", "--workers", "1"])
        err = capsys.readouterr().err
        assert code == 2 and "No space left on device" in err, err
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


def test_the_figures_are_printed_though_the_out_folder_went_meanwhile(capsys, speech: Path, reference_model_path: Path,
                                                                      tmp_path: Path, monkeypatch) -> None:
    """The --out folder deleted while the clips were scored: the report files cannot be written (exit 2, saying
    why), but the figures were lost with them; they are printed first."""
    import shutil

    import workbench.evaluation.evaluate as evaluate

    out_dir = tmp_path / "report"
    out_dir.mkdir()
    scored = evaluate.evaluate_model

    def score_then_lose_the_folder(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = scored(*args, **kwargs)
        shutil.rmtree(out_dir)  # as a user tidying up during a long evaluation
        (tmp_path / "report").write_text("a file where the folder was")
        return result

    monkeypatch.setattr(evaluate, "evaluate_model", score_then_lose_the_folder)
    code = main(["evaluate", str(reference_model_path), "--dataset", str(speech), "--out", str(out_dir),
                 "--no-plots", "--workers", "1"])
    printed = capsys.readouterr()
    assert code == 2 and "Clips: 15 scored, 0 skipped" in printed.out and "report" in printed.err
