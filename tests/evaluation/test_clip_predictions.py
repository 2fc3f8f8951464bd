"""Reading a predictions.csv back (the Evaluation tab's clip list): a real ``kws evaluate`` report, the most
confident mistakes first, and a damaged or foreign file as one sentence."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from workbench.assets import default_model_path
from workbench.cli.main import main
from workbench.core.errors import WorkbenchError
from workbench.evaluation.clip_predictions import clips_of_predictions, read_clip_predictions


@pytest.fixture(scope="module")
def predictions(small_speech_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The predictions.csv of the bundled yes/no model on the small dataset (it hears some go/left as yes/no)."""
    out = tmp_path_factory.mktemp("eval")
    assert main(["evaluate", str(default_model_path()), "--dataset", str(small_speech_dataset), "--out", str(out),
                 "--no-plots", "--workers", "1"]) == 0
    return out / "predictions.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_clip_is_read_with_its_scores_the_most_confident_mistakes_first(predictions: Path) -> None:
    rows = _rows(predictions)
    clips = read_clip_predictions(predictions)
    assert sorted(str(c.path) for c in clips) == sorted(row["path"] for row in rows)
    wrong = [row for row in rows if row["label"] != row["predicted"]]
    assert len(wrong) >= 2, "the bundled model makes mistakes on go and left: the order needs some"
    expected = sorted(wrong, key=lambda row: (-float(row[f"score_{row['predicted']}"]),
                                              float(row[f"score_{row['label']}"])))  # stable: file order on ties
    mistakes = clips[:len(wrong)]
    assert [str(c.path) for c in mistakes] == [row["path"] for row in expected]
    assert all(not c.correct for c in mistakes) and all(c.correct for c in clips[len(wrong):])
    first, row = mistakes[0], expected[0]
    assert (first.word, first.label, first.predicted) == (row["word"], row["label"], row["predicted"])
    assert first.predicted_score == float(row[f"score_{row['predicted']}"]) > first.label_score
    right = [c.label_score for c in clips[len(wrong):]]
    assert right == sorted(right)  # then the correct clips, the nearest misses first


def test_a_list_saved_by_a_spreadsheet_with_a_byte_order_mark_is_read_as_it_is(predictions: Path,
                                                                               tmp_path: Path) -> None:
    """Saved as "CSV UTF-8", the list starts with a BOM: it was said to have no 'path' column."""
    saved = tmp_path / "predictions.csv"
    saved.write_bytes(b"\xef\xbb\xbf" + predictions.read_bytes())
    assert read_clip_predictions(saved) == read_clip_predictions(predictions)
    assert clips_of_predictions(saved) == clips_of_predictions(predictions)


def test_relative_clip_paths_are_taken_beside_the_list(predictions: Path, tmp_path: Path) -> None:
    rows = _rows(predictions)
    clip = Path(rows[0]["path"])
    (tmp_path / clip.parent.name).mkdir()
    shutil.copy(clip, tmp_path / clip.parent.name / clip.name)
    listed = tmp_path / "predictions.csv"
    with listed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow({**rows[0], "path": f"{clip.parent.name}/{clip.name}"})
    assert [c.path for c in read_clip_predictions(listed)] == [tmp_path / clip.parent.name / clip.name]


def _cut_mid_row(text: str) -> str:
    return text[:text.rindex("\n", 0, len(text) - 1) + 30]  # a copy interrupted in the last row


def _first_score(value: str):  # type: ignore[no-untyped-def]
    """A damage: the first clip's score of its predicted class replaced by ``value``."""
    def damage(text: str) -> str:
        reader = csv.DictReader(text.splitlines(keepends=True))
        rows = list(reader)
        rows[0][f"score_{rows[0]['predicted']}"] = value
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or []), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    return damage


@pytest.mark.parametrize("damage, words", [
    (_cut_mid_row, "is damaged: it needs a clip path and a score from 0 to 1"),
    (_first_score("lots"), "line 2 of"),
    (_first_score("1.5"), "line 2 of"),
    (_first_score("nan"), "line 2 of"),
    (lambda text: "path,word\n/a.wav,a\n", "is not a list of clip predictions"),
    (lambda text: "", "is not a list of clip predictions"),
])
def test_a_damaged_or_foreign_list_is_one_sentence(predictions: Path, tmp_path: Path, damage, words: str) -> None:
    broken = tmp_path / "predictions.csv"
    broken.write_text(damage(predictions.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(WorkbenchError) as caught:
        read_clip_predictions(broken)
    message = str(caught.value)
    assert words in message and ". " not in message and "\n" not in message, message


@pytest.mark.parametrize("make", [
    lambda path: path.write_bytes(b"\xff\xfe\x00binary\x00"),
    lambda path: path.mkdir(),
    lambda path: None,  # not there at all
])
def test_an_unreadable_list_is_one_sentence(tmp_path: Path, make) -> None:
    path = tmp_path / "predictions.csv"
    make(path)
    with pytest.raises(WorkbenchError, match="^cannot read .*predictions.csv"):
        read_clip_predictions(path)


@pytest.mark.parametrize("damage", [_cut_mid_row, _first_score("lots"), _first_score("1.5")])
def test_a_damaged_list_is_refused_for_evaluating_again_with_the_clips_tabs_sentence(
        predictions: Path, tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    """``kws evaluate --clips`` (and the Evaluation tab's Compare) would otherwise score the stub row as a clip
    and silently miss the clips after it."""
    broken = tmp_path / "predictions.csv"
    broken.write_text(damage(predictions.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(WorkbenchError) as read:
        read_clip_predictions(broken)
    with pytest.raises(WorkbenchError) as listed:
        clips_of_predictions(broken)
    assert str(listed.value) == str(read.value)


def test_a_hand_written_list_cut_short_is_refused(tmp_path: Path) -> None:
    listed = tmp_path / "clips.csv"
    listed.write_text("path,word\n/data/yes/a_nohash_0.wav,yes\n/data/no/b_nohash_0.wav\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"^line 3 of .*clips.csv is damaged: it needs a clip path and its word$"):
        clips_of_predictions(listed)
    listed.write_text("path,word\n/data/yes/a_nohash_0.wav,yes\n", encoding="utf-8")
    assert [clip.word for clip in clips_of_predictions(listed)] == ["yes"]


def test_kws_evaluate_compare_refuses_a_damaged_list_before_scoring(capsys, predictions: Path, tmp_path: Path,
                                                                    reference_model_path: Path) -> None:
    broken = tmp_path / "predictions.csv"
    broken.write_text(_cut_mid_row(predictions.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["evaluate", str(default_model_path()), "--compare", str(reference_model_path), "--clips",
                 str(broken), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    lines = predictions.read_text(encoding="utf-8").count("\n")
    assert captured.err.startswith(f"kws: error: line {lines} of {broken} is damaged"), captured.err
    assert "evaluating" not in captured.err and captured.out == ""


def first_version_run(predictions: Path, dataset: Path, run: Path) -> Path:
    """A training run as the first version left it: run.json records the dataset absolute, and its eval/
    predictions.csv names every clip as given on the command line (``--dataset speech-parent/speech``), relative to
    the folder the run was started in (the dataset's grandparent)."""
    import json

    given = Path(dataset.parent.name) / dataset.name
    (run / "eval").mkdir(parents=True)
    (run / "run.json").write_text(json.dumps({"datasets": [{"path": str(dataset), "weight": 1.0}],
                                              "out": "runs/v1run", "command": ["train", "--dataset", str(given)]}))
    rows = _rows(predictions)
    listed = run / "eval" / "predictions.csv"
    with listed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "path": str(given / Path(row["path"]).relative_to(dataset))} for row in rows)
    return listed


def test_a_first_version_runs_relative_clips_are_found_in_its_datasets_from_any_folder(
        predictions: Path, small_speech_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = first_version_run(predictions, small_speech_dataset, tmp_path / "runs" / "v1run")
    assert not Path(_rows(listed)[0]["path"]).is_absolute()
    monkeypatch.chdir(tmp_path)  # not the folder the run was started in
    clips = read_clip_predictions(listed)
    assert sorted(c.path for c in clips) == sorted(Path(row["path"]) for row in _rows(predictions))
    assert all(c.path.is_file() and not c.unresolved for c in clips)
    assert [c.path for c in clips_of_predictions(listed)] == [Path(row["path"]) for row in _rows(predictions)]


def test_relative_clips_found_nowhere_are_said_to_be_listed_so_not_moved(
        predictions: Path, small_speech_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.evaluation.clip_predictions import missing_clip_sentence

    listed = first_version_run(predictions, small_speech_dataset, tmp_path / "runs" / "v1run")
    (listed.parent.parent / "run.json").write_text('{"datasets": [{"path": "/nowhere/speech", "weight": 1.0}]}')
    monkeypatch.chdir(tmp_path)
    clip = read_clip_predictions(listed)[0]
    assert clip.unresolved and not clip.path.is_absolute()
    assert missing_clip_sentence(clip) == (
        f"The clip {clip.path} is not found: the list names it by a path relative to the folder its evaluation ran "
        "in (an older version of the workbench wrote such lists), and that path names no file from here; evaluate "
        "the model again to list every clip by its full path.")
    with pytest.raises(WorkbenchError) as raised:
        clips_of_predictions(listed)
    assert str(raised.value).startswith(
        f"{listed} names its clips by a path relative to the folder its evaluation ran in (an older version of the "
        f"workbench wrote such lists), and none of them is found from here (the first: {_rows(listed)[0]['path']})")


def test_kws_evaluate_takes_a_first_version_runs_list_from_another_folder(
        capsys, predictions: Path, small_speech_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = first_version_run(predictions, small_speech_dataset, tmp_path / "runs" / "v1run")
    monkeypatch.chdir(tmp_path)
    assert main(["evaluate", str(default_model_path()), "--clips", str(listed), "--workers", "1"]) == 0
    assert f"Clips: {len(_rows(predictions))} scored, 0 skipped" in capsys.readouterr().out
