"""The Evaluation tab's clip list: a real ``kws evaluate`` predictions.csv, the most confident mistakes first, the
filters, playing a clip in Live (double-click or the button), a clip or list that is gone or damaged."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.assets import default_model_path
from workbench.cli.main import main
from workbench.gui.training.evaluation.evaluation_clips_model import CLIP, LABEL_SCORE, PREDICTED_SCORE, RANK
from workbench.gui.training.evaluation.evaluation_clips_view import EMPTY_NOTE, EvaluationClipsView
from workbench.gui.training.evaluation.evaluation_report_view import CLIPS_TAB, EvaluationReportView

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from dataset_builders import copy_clips  # noqa: E402

CLIPS_PER_WORD = {"yes": 4, "no": 4, "go": 6, "left": 6, "_silence_": 2}  # the yes/no model mishears go and left
MODEL_NAME = "kws_yes_no.tflite"


@pytest.fixture(scope="module")
def run_folder(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished run as kws train leaves it: the model, summary.json and eval/predictions.csv."""
    root = tmp_path_factory.mktemp("clips")
    speech = copy_clips(shared_dir / "datasets" / "speech_commands", root / "speech", CLIPS_PER_WORD)
    folder = root / "run"
    folder.mkdir()
    shutil.copy(default_model_path(), folder / MODEL_NAME)
    assert main(["evaluate", str(folder / MODEL_NAME), "--dataset", str(speech), "--out", str(folder / "eval"),
                 "--no-plots", "--workers", "1"]) == 0
    (folder / "summary.json").write_text(json.dumps({"name": "kws_yes_no", "model": MODEL_NAME, "epochs": 1}))
    return folder


@pytest.fixture(scope="module")
def rows(run_folder: Path) -> list[dict[str, str]]:
    with (run_folder / "eval" / "predictions.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _mistakes(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The wrong rows, the highest score of the predicted class first (ties: lower true-class score, file order)."""
    wrong = [row for row in rows if row["label"] != row["predicted"]]
    assert len(wrong) >= 3, "the yes/no model mishears some go and left clips: the tests need a few mistakes"
    return sorted(wrong, key=lambda row: (-float(row[f"score_{row['predicted']}"]),
                                          float(row[f"score_{row['label']}"])))


@pytest.fixture
def host(tmp_path: Path) -> WorkspaceHostDouble:
    return WorkspaceHostDouble(tmp_path)


@pytest.fixture
def view(qtbot, host: WorkspaceHostDouble, run_folder: Path):  # type: ignore[no-untyped-def]
    widget = EvaluationClipsView(host)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    assert widget.show_run(run_folder / "eval" / "predictions.csv", run_folder / MODEL_NAME)
    return widget


def _shown_paths(view: EvaluationClipsView) -> list[str]:
    return [str(clip.path) for clip in view.shown()]


def _cell(view: EvaluationClipsView, row: int, column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole):
    return view.table.model().index(row, column).data(role)


def test_the_mistakes_are_listed_the_most_confident_first(view, rows) -> None:
    expected = _mistakes(rows)
    assert _shown_paths(view) == [row["path"] for row in expected]
    assert view.table.model().rowCount() == len(expected)
    first = expected[0]
    assert _cell(view, 0, CLIP) == Path(first["path"]).name
    assert _cell(view, 0, CLIP, Qt.ItemDataRole.ToolTipRole) == first["path"]
    assert _cell(view, 0, PREDICTED_SCORE) == f"{float(first['score_' + first['predicted']]):.3f}"
    assert _cell(view, 0, LABEL_SCORE) == f"{float(first['score_' + first['label']]):.3f}"
    assert [_cell(view, 0, column) for column in (2, 3, 4)] == [first["word"], first["label"], first["predicted"]]
    assert view.count.text().startswith(f"{len(expected)} of {len(rows)} clips shown ({len(expected)} mistakes;")
    assert view.table.accessibleName() and view.play_button.toolTip()


def test_the_filters_narrow_the_list_and_the_count_follows(view, rows) -> None:
    view.mistakes_only.setChecked(False)
    assert sorted(_shown_paths(view)) == sorted(row["path"] for row in rows)
    assert view.count.text().startswith(f"{len(rows)} of {len(rows)} clips shown")
    view.predicted_filter.setCurrentText("no")
    assert sorted(_shown_paths(view)) == sorted(row["path"] for row in rows if row["predicted"] == "no")
    view.predicted_filter.setCurrentText("any")
    view.label_filter.setCurrentText("yes")
    assert sorted(_shown_paths(view)) == sorted(row["path"] for row in rows if row["label"] == "yes")
    view.label_filter.setCurrentText("any")
    view.mistakes_only.setChecked(True)
    view.word_filter.setText("LEF")
    left = [row["path"] for row in _mistakes(rows) if row["word"] == "left"]
    assert left and _shown_paths(view) == left
    assert view.count.text().startswith(f"{len(left)} of {len(rows)} clips shown") and "most often left" in \
        view.count.text()
    view.word_filter.setText("no such word")
    assert _shown_paths(view) == [] and view.count.text() == f"0 of {len(rows)} clips shown."


def test_a_column_sorts_and_the_rank_restores_the_default_order(view, rows) -> None:
    default = _shown_paths(view)
    view.table.sortByColumn(PREDICTED_SCORE, Qt.SortOrder.AscendingOrder)
    scores = [clip.predicted_score for clip in view.shown()]
    assert scores == sorted(scores) and _shown_paths(view) != default
    view.table.sortByColumn(RANK, Qt.SortOrder.AscendingOrder)
    assert _shown_paths(view) == default


def test_a_double_click_plays_the_clip_in_live(view, host, qtbot, rows) -> None:
    where = view.table.visualRect(view.table.model().index(1, CLIP)).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # a double-click's first press
    assert host.audio == []  # a single click only selects
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert host.audio == [Path(_mistakes(rows)[1]["path"])] and host.shown == ["live"] and not host.errors


def test_the_play_button_plays_the_selected_clip(view, host, rows) -> None:
    assert not view.play_button.isEnabled()  # nothing selected yet
    view.table.selectRow(0)
    assert view.play_button.isEnabled()
    view.play_button.click()
    assert host.audio == [Path(_mistakes(rows)[0]["path"])] and host.shown == ["live"]


def test_a_filter_that_hides_the_selected_clip_clears_the_selection(view, rows) -> None:
    """Qt would move the selection to a neighbouring clip, which Play would then play without a word."""
    view.mistakes_only.setChecked(False)
    shown = _shown_paths(view)
    row = next(i for i, path in enumerate(shown) if "/no/" in path and i > 0)  # after some clip of another word
    view.table.selectRow(row)
    view.word_filter.setText("n")  # the selected clip stays in sight: it stays selected
    assert view.selected_clip() is not None and str(view.selected_clip().path) == shown[row]
    assert view.play_button.isEnabled()
    for text in ("yes", "go", "left"):
        view.word_filter.setText("")
        view.table.selectRow(row)
        view.word_filter.setText(text)
        assert _shown_paths(view) and view.selected_clip() is None and not view.play_button.isEnabled(), text
        assert not view.table.selectionModel().hasSelection()


def test_tab_into_the_table_selects_the_row_return_plays(view, host, qtbot, rows) -> None:
    view.activateWindow()
    view.word_filter.setFocus()
    qtbot.waitUntil(view.word_filter.hasFocus)
    qtbot.keyClick(view.word_filter, Qt.Key.Key_Tab)
    assert view.table.hasFocus()
    assert view.selected_clip() is not None and str(view.selected_clip().path) == _mistakes(rows)[0]["path"]
    assert view.play_button.isEnabled()
    where = view.table.visualRect(view.table.model().index(0, CLIP)).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, where)
    assert view.selected_clip() is None and view.table.currentIndex().row() == 0  # deselected, still current
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert host.audio == [] and host.shown == []  # an unselected row is not played
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert host.audio == [Path(_mistakes(rows)[0]["path"])] and host.shown == ["live"]


def test_a_clip_that_is_gone_is_one_error_sentence(view, host, tmp_path: Path) -> None:
    view.table.selectRow(0)
    clip = view.selected_clip()
    assert clip is not None
    moved = tmp_path / clip.path.name
    shutil.move(clip.path, moved)
    try:
        assert not view.play_selected()
    finally:
        shutil.move(moved, clip.path)
    assert host.audio == [] and host.shown == [] and len(host.errors) == 1
    message = host.errors[0]
    assert clip.path.name in message and message.endswith(".") and ". " not in message, message


def first_version_run(run_folder: Path, rows: list[dict[str, str]], run: Path, dataset: str) -> Path:
    """``run_folder`` as the first version left it: its predictions.csv names the clips relative to the folder the
    run was started in (``speech/yes/x.wav``), and its run.json records the dataset ``dataset`` (absolute)."""
    shutil.copytree(run_folder, run)
    speech = Path(rows[0]["path"]).parents[1]  # the dataset: <speech>/<word>/<clip>
    (run / "run.json").write_text(json.dumps({"datasets": [{"path": dataset, "weight": 1.0}]}))
    with (run / "eval" / "predictions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "path": str(speech.name / Path(row["path"]).relative_to(speech))} for row in rows)
    return run


def test_a_first_version_runs_clips_play_from_its_dataset_and_else_say_they_are_listed_relative(
        qtbot, host, run_folder: Path, rows, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # not the folder the run was started in
    speech = str(Path(rows[0]["path"]).parents[1])
    for name, dataset in (("found", speech), ("gone", str(tmp_path / "moved" / "speech"))):
        run = first_version_run(run_folder, rows, tmp_path / name, dataset)
        widget = EvaluationClipsView(host)
        qtbot.addWidget(widget)
        assert widget.show_run(run / "eval" / "predictions.csv", run / MODEL_NAME)
        widget.table.selectRow(0)
        widget.play_selected()
    assert host.audio == [Path(_mistakes(rows)[0]["path"])] and len(host.errors) == 1
    listed = Path(_mistakes(rows)[0]["path"]).relative_to(Path(speech).parent)
    assert host.errors[0].startswith(f"The clip {listed} is not found: the list names it by a path relative to the "
                                     "folder its evaluation ran in (an older version of the workbench wrote such "
                                     "lists)"), host.errors[0]
    assert "moved or deleted" not in host.errors[0]


@pytest.mark.parametrize("damage, words", [
    (lambda path: path.write_text(path.read_text()[:-40]), "is damaged"),  # cut off in the last row
    (lambda path: path.write_bytes(b"\x00\xff PK zip, not a list"), "No test clips to list"),
    (lambda path: path.unlink(), "has no predictions.csv"),
    (lambda path: path.write_text(path.read_text().splitlines()[0] + "\n"), "holds none"),  # its header only
])
def test_a_damaged_or_missing_list_is_a_note_not_an_exception(qtbot, host, run_folder: Path, tmp_path: Path,
                                                              damage, words: str) -> None:
    folder = Path(shutil.copytree(run_folder / "eval", tmp_path / "eval"))
    damage(folder / "predictions.csv")
    widget = EvaluationClipsView(host)
    qtbot.addWidget(widget)
    assert not widget.show_run(folder / "predictions.csv", run_folder / MODEL_NAME)
    note = widget.note.text()
    assert words in note and note.endswith(".") and not widget.note.isHidden(), note
    assert widget.table.model().rowCount() == 0 and widget.count.text() == "" and not host.errors


def test_it_says_when_live_runs_another_model(view, host, run_folder: Path, reference_model_path: Path) -> None:
    assert view.live_note.text() == "Live has no model loaded: use this run's model there to hear its scores."
    assert host.open_model(reference_model_path)
    assert view.live_note.text() == "Live runs tflite_micro_speech: use this run's model there to hear its scores."
    assert not view.live_note.isHidden()
    assert host.open_model(run_folder / MODEL_NAME)
    assert view.live_note.text() == "" and view.live_note.isHidden()


def test_the_report_view_fills_the_clips_with_the_run_and_clears_them(qtbot, host, run_folder: Path, rows) -> None:
    report = EvaluationReportView(host=host)
    qtbot.addWidget(report)
    assert report.show_run(run_folder)
    mistakes = len(_mistakes(rows))
    assert len(report.clips.clips) == len(rows) and len(report.clips.shown()) == mistakes
    assert report.details.tabText(report.details.indexOf(report.clips)) == f"{CLIPS_TAB} ({mistakes} wrong)"
    assert not report.clips.play_button.isHidden()
    report.clear()
    assert report.clips.clips == [] and report.clips.note.text() == EMPTY_NOTE
    assert report.details.tabText(report.details.indexOf(report.clips)) == CLIPS_TAB
    report.show_run(run_folder)
    report.show_note("This run stopped before its evaluation.")
    assert report.clips.clips == []


def test_without_a_host_the_clips_only_list(qtbot, run_folder: Path, rows) -> None:
    report = EvaluationReportView()
    qtbot.addWidget(report)
    assert report.show_run(run_folder) and len(report.clips.clips) == len(rows)
    assert report.clips.play_button.isHidden()
    report.clips.table.selectRow(0)
    assert not report.clips.play_selected()
