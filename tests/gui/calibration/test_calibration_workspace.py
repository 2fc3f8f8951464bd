"""The Calibration workspace end to end under pytest-qt: a real `kws calibrate` child on a real stream."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt

from tests.calibration.conftest import noise_recording, small_dataset, speech_commands  # noqa: F401  (fixtures)
from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.calibration.results.det_plot import PERCENT
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.model.model_file import load_model
from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace
from workbench.gui.calibration.det_curve_view import FRONT_POINT_PX, fa_axis
from workbench.gui.calibration.run_folders import owner_of
from workbench.gui.calibration.stream_dialog import StreamDialog

RUN_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory, speech_commands: Path) -> Path:  # noqa: F811
    wav = tmp_path_factory.mktemp("gui-stream") / "stream.wav"
    write_stream(make_dataset_stream([speech_commands], StreamRecipe(minutes=1.5, seed=21)), wav)
    return wav


@pytest.fixture
def workspace(qtbot, tmp_path: Path, reference_model_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """The workspace on the reference model; a second run over unsaved results goes ahead (Discard) without the
    question's modal box, which a test that looks at the question replaces with its own answers."""
    from workbench.gui.calibration import calibration_dialogs

    monkeypatch.setattr(calibration_dialogs, "ask_rerun_results", lambda _parent: calibration_dialogs.DISCARD)
    host = WorkspaceHostDouble(tmp_path)
    assert host.controller.load_model(reference_model_path)
    view = CalibrationWorkspace(host)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    yield view
    view.shutdown()
    host.controller.close()


def run_to_end(qtbot, view: CalibrationWorkspace) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert view.running
    qtbot.waitUntil(lambda: not view.running, timeout=RUN_TIMEOUT_MS)


def test_small_calibration_end_to_end(qtbot, workspace, stream, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view, host = workspace, workspace.host
    view.inputs.set_stream(stream)
    assert view.inputs.labels_edit.text() == str(stream.with_suffix(".json"))
    run_to_end(qtbot, view)
    assert host.errors == []
    output = view.output
    assert output is not None and view.progress.value() == view.progress.maximum()
    document = output.document
    assert len(view.curve.all_sets.data) == document["sets_tried"] == output.fa_per_hour.size
    model = view.table.table_model
    assert model.rowCount() == len(document["pareto"]) >= 2
    headers = [model.headerData(c, Qt.Orientation.Horizontal).replace("\n", " ") for c in range(model.columnCount())]
    assert headers[:4] == ["FA/h", "FRR %", "FRR yes %", "FRR no %"]
    first = document["pareto"][0]
    assert model.data(model.index(0, 2)) == f"{first['per_keyword']['yes']['frr'] * 100:.1f}"
    recommended = document["recommended"]
    assert recommended is not None and "Recommended for ≤ 100 FA/h" in view.status.text()
    spread = recommended["speaker_interval"]
    assert spread is not None and spread["speakers_redrawn"] >= spread["keyword_speakers"] == spread["speakers"]
    assert (f"over the stream's {spread['speakers_redrawn']} speakers redrawn ({spread['keyword_speakers']} of them "
            "speak keywords)") in view.status.text()
    assert view.table.table_model.rows[view.table.selected_row()]["frr"] == recommended["frr"]
    star_x, star_y = view.curve.recommended.getData()
    assert (star_x[0], star_y[0]) == (pytest.approx(fa_axis(recommended["fa_per_hour"])),
                                      pytest.approx(recommended["frr"] * PERCENT))
    # the ring: the model's own parameters (what the tuning holds), scored in the GUI on the stored scores
    own = document["model_parameters"]
    ring_x, ring_y = view.curve.current.getData()
    assert (ring_x[0], ring_y[0]) == (pytest.approx(fa_axis(own["fa_per_hour"])), pytest.approx(own["frr"] * PERCENT))

    # double-click another Pareto row: the tuning sliders get it, the ring moves onto that set's figures
    row = next(i for i, entry in enumerate(document["pareto"])  # (a set that misses every keyword is not saved)
               if i != view.table.selected_row() and entry["frr"] < 1.0)
    rect = view.table.visualRect(view.table.table_model.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # as a hand does:
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, then double
    item = document["pareto"][row]
    settings = host.controller.tuning.settings
    assert (settings.detection_threshold, settings.average_window_duration_ms, settings.suppression_ms,
            settings.minimum_count) == (item["detection_threshold"], item["average_window_duration_ms"],
                                        item["suppression_ms"], item["minimum_count"])
    ring_x, ring_y = view.curve.current.getData()
    assert (ring_x[0], ring_y[0]) == (pytest.approx(fa_axis(item["fa_per_hour"])), pytest.approx(item["frr"] * PERCENT))
    assert f"{item['frr'] * 100:.1f} %" in view.summary.text()

    saved = view.save_into_model(tmp_path / "calibrated.tflite")
    params = load_model(saved).params
    assert params["detection_threshold"] == item["detection_threshold"]
    assert params["suppression_ms"] == item["suppression_ms"]
    report = tmp_path / "report"
    report.mkdir()
    names = sorted(p.name for p in view.save_report(report))
    assert names == ["calibration.json", "det.png", "labels.json", "scores.npz", "sweep.csv"]
    assert json.loads((report / "calibration.json").read_text()) == document
    view.grab().save(str(tmp_path / "calibration_workspace.png"))


def test_a_compared_model_is_drawn_and_described_beside_the_calibrated_one(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream) -> None:
    from tests.bundled_model_paths import yes_no_model_path

    view = workspace
    view.inputs.set_stream(stream)
    view.inputs.compare.set_paths([yes_no_model_path()])
    run_to_end(qtbot, view)
    assert view.host.errors == []
    (entry,) = view.output.compared
    assert entry["model"]["name"] == "kws_yes_no" and len(entry["pareto"]) >= 2
    line, star = view.curve._compared[0]
    x, y = line.getData()
    assert x[0] == pytest.approx(fa_axis(entry["pareto"][0]["fa_per_hour"]))
    assert y[0] == pytest.approx(entry["pareto"][0]["frr"] * PERCENT)
    if entry["recommended"] is not None:
        star_x, _ = star.getData()
        assert star_x[0] == pytest.approx(fa_axis(entry["recommended"]["fa_per_hour"]))
    status = view.status.text()
    assert "Recommended for ≤ 100 FA/h" in status and "kws_yes_no: " in status
    assert "against tflite_micro_speech" in status or entry["recommended"] is None
    # the next calibration without a compared model clears the extra curve
    view.inputs.compare.set_paths([])
    run_to_end(qtbot, view)
    assert view.output.compared == []
    cleared = line.getData()[0]
    assert cleared is None or len(cleared) == 0
    assert "kws_yes_no" not in view.status.text()


def test_a_saved_report_opens_again_and_its_sets_still_tune_the_model(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path) -> None:
    view, host = workspace, workspace.host
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    shown = view.output.document
    report = tmp_path / "report"
    view.save_report(report)
    fresh = CalibrationWorkspace(host)  # a later session: nothing run in it
    qtbot.addWidget(fresh)
    assert fresh.open_report(report) and host.errors == []
    assert fresh.output.document == shown and fresh.output.folder == report
    assert fresh.table.table_model.rowCount() == len(shown["pareto"])
    assert "Recommended for ≤ 100 FA/h" in fresh.status.text()
    assert fresh.model_of_run == Path(shown["model"]["file"]) and fresh._use_row(0)
    assert host.controller.tuning.settings.detection_threshold == shown["pareto"][0]["detection_threshold"]
    fresh.shutdown()
    assert report.is_dir() and (report / "scores.npz").is_file()  # the user's folder is only read

    # its model moved away: shown all the same; tuning and saving say why they cannot
    document = dict(shown, model=dict(shown["model"], file=str(tmp_path / "gone.tflite")))
    (report / "calibration.json").write_text(json.dumps(document))
    assert fresh.open_report(report) and fresh.model_of_run is None
    assert "gone.tflite was not found" in host.statuses[-1]
    assert not fresh._use_row(0) and host.errors[-1] == f"the calibrated model {tmp_path / 'gone.tflite'} was not found"
    assert fresh.save_into_model(tmp_path / "x.tflite") is None and not (tmp_path / "x.tflite").exists()
    errors = len(host.errors)
    assert not fresh.open_report(tmp_path / "nothing here")
    assert len(host.errors) == errors + 1 and "lacks calibration.json" in host.errors[-1]
    assert fresh.output.document == document  # a failed open keeps what is shown


def test_clicking_a_front_point_on_the_curve_uses_that_set(qtbot, workspace, stream) -> None:  # type: ignore[no-untyped-def]
    view = workspace
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    front = view.output.pareto
    index = len(front) // 2
    x, y = fa_axis(front[index]["fa_per_hour"]), front[index]["frr"] * PERCENT
    qtbot.waitUntil(lambda: view.curve.plot_widget.isVisible())
    scene = view.curve.plot.getViewBox().mapViewToScene(QPointF(float(x), float(y)))
    point = view.curve.plot_widget.mapFromScene(scene)
    qtbot.mouseClick(view.curve.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=point)
    settings = view.host.controller.tuning.settings
    chosen = [p for p in front if (p["detection_threshold"], p["average_window_duration_ms"], p["suppression_ms"],
                                   p["minimum_count"]) == (settings.detection_threshold,
                                                           settings.average_window_duration_ms,
                                                           settings.suppression_ms, settings.minimum_count)]
    assert chosen, "the click chose no front set"
    hit = view.curve.plot.getViewBox().mapViewToScene(
        QPointF(float(fa_axis(chosen[0]["fa_per_hour"])), chosen[0]["frr"] * PERCENT))
    assert (hit - scene).manhattanLength() <= FRONT_POINT_PX  # the set under the pointer (or one drawn on it)


def test_another_loaded_model_is_replaced_by_the_calibrated_one_on_use(qtbot, workspace, stream) -> None:  # type: ignore[no-untyped-def]
    from tests.bundled_model_paths import yes_no_model_path

    view, host = workspace, workspace.host
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    calibrated = Path(view.output.model_file)
    assert host.controller.load_model(yes_no_model_path())
    if yes_no_model_path().resolve() != calibrated.resolve():
        assert "not the calibrated one" in view.summary.text()
        assert not view.curve.current.getData()[0].size
    assert view._use_row(0)
    assert Path(host.controller.model.path).resolve() == calibrated.resolve()
    assert host.controller.tuning.settings.detection_threshold == view.output.pareto[0]["detection_threshold"]


def test_cancel_stops_the_child_and_keeps_nothing(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, monkeypatch) -> None:
    from workbench.gui.calibration import calibration_dialogs as dialogs

    view = workspace
    long_stream = tmp_path / "long.wav"
    save_wav(long_stream, np.tile(load_audio(stream).samples, 8))  # 12 min: seconds of replay to cancel
    events = json.loads(stream.with_suffix(".json").read_text())["events"]  # not its record of a shorter stream
    (tmp_path / "long.json").write_text(json.dumps({"events": events}))
    view.inputs.set_stream(long_stream)
    with qtbot.waitSignal(view.child.progress, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert view.cancel_button.isEnabled() and not view.run_button.isEnabled()
    asked: list[bool] = []
    monkeypatch.setattr(dialogs, "ask_stop_running", lambda _parent: asked.append(True) or False)
    assert view.confirm_close() is False and view.running and asked == [True]  # No: it goes on
    pending = view._pending[0]
    assert pending.is_dir() and owner_of(pending.name) == os.getpid()  # a killed window's folder can be told apart
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.running, timeout=RUN_TIMEOUT_MS)
    assert view.status.text() == "cancelled" and view.output is None and view.host.errors == []
    assert view.run_button.isEnabled() and not pending.exists()


def test_closing_over_a_finished_runs_unsaved_results_offers_to_save_them(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from workbench.gui.calibration import calibration_dialogs as dialogs

    view = workspace
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    run_folder = view._run_folder
    answers = iter([dialogs.DISCARD, dialogs.CANCEL, dialogs.SAVE, dialogs.SAVE])
    asked: list[object] = []
    monkeypatch.setattr(dialogs, "ask_unsaved_results", lambda parent: asked.append(parent) or next(answers))
    report = tmp_path / "report"
    folders = iter(["", str(report)])  # the first folder choice is cancelled
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_args: next(folders)))
    assert view.confirm_close() is True  # Discard
    assert view.confirm_close() is False  # Cancel: the window stays
    assert view.confirm_close() is False and not report.exists()  # Save report…, then no folder: it stays
    assert view.confirm_close() is True and (report / "calibration.json").is_file()  # saved, then closes
    assert view.confirm_close() is True and len(asked) == 4  # saved: nothing more to ask
    assert view.open_report(report) and view.confirm_close() is True and len(asked) == 4  # the user's own folder
    assert not run_folder.exists()  # opening a report let the run's temporary copy go


def test_bad_labels_and_missing_stream_are_messages(qtbot, workspace, stream, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view, host = workspace, workspace.host
    assert not view.run() and host.errors == ["choose a labelled stream, or build one"]
    labels = tmp_path / "bad.json"
    labels.write_text('{"events": [{"label": "up", "start_s": 1.0, "end_s": 1.5}]}')
    view.inputs.set_stream(stream)
    view.inputs.labels_edit.setText(str(labels))
    run_to_end(qtbot, view)
    assert len(host.errors) == 2 and host.errors[1].startswith("bad.json: event 1 has the label 'up'")
    assert "\n" not in host.errors[1] and view.output is None and view.run_button.isEnabled()
    labels.write_text('{"events": []}')  # no keyword: the advice names the window's box, not the option
    run_to_end(qtbot, view)
    assert len(host.errors) == 3 and "with \u201cBackground\u201d)" in host.errors[2], host.errors[2]
    assert "--background" not in host.errors[2]


def test_stream_dialog_builds_a_stream(qtbot, small_dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = StreamDialog(("yes", "no"), dataset=small_dataset)
    qtbot.addWidget(dialog)
    dialog.minutes_spin.setValue(0.5)
    dialog.split_combo.setCurrentText("all")
    dialog.out_edit.setText(str(tmp_path / "built"))
    with qtbot.waitSignal(dialog.accepted, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    assert dialog.built_path == tmp_path / "built.wav"
    assert load_audio(dialog.built_path).duration_s == 30.0
    assert json.loads((tmp_path / "built.json").read_text())["events"]


def test_stream_dialog_reports_a_bad_dataset_in_place(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = StreamDialog(("yes", "no"), dataset=tmp_path / "nowhere")
    qtbot.addWidget(dialog)
    dialog.out_edit.setText(str(tmp_path / "s.wav"))
    qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.child.running and dialog.build_button.isEnabled(), timeout=RUN_TIMEOUT_MS)
    assert "does not exist" in dialog.status.text() and dialog.result() == 0


def test_inputs_are_remembered(qtbot, tmp_path, stream, noise_recording) -> None:  # type: ignore[no-untyped-def]
    from workbench.gui.calibration.calibration_inputs_view import CalibrationInputsView

    qsettings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = CalibrationInputsView(qsettings)
    qtbot.addWidget(first)
    first.set_loaded_model(Path("model.tflite"))
    first.set_stream(stream)
    first.set_backgrounds([noise_recording])
    first.compare.set_paths([stream])  # any existing file: the list only passes paths on
    first.target_spin.setValue(12.5)
    args = first.calibrate_arguments()
    assert args[:2] == ["--model", "model.tflite"] and ["--compare", str(stream)] == args[-2:]
    assert args[args.index("--background") + 1] == str(noise_recording)
    second = CalibrationInputsView(qsettings)
    qtbot.addWidget(second)
    assert second.stream_edit.text() == str(stream) and second.labels_edit.text() == str(stream.with_suffix(".json"))
    assert second.backgrounds() == [noise_recording] and second.target_spin.value() == 12.5
    assert second.compare.paths() == [stream]


def test_a_typed_stream_takes_the_labels_beside_it_never_the_last_streams(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path) -> None:
    import shutil

    inputs = workspace.inputs
    inputs.set_stream(stream)
    assert inputs.labels_edit.text() == str(stream.with_suffix(".json"))
    other = tmp_path / "other.wav"
    shutil.copy(stream, other)  # the same length: kws calibrate would accept the first stream's labels
    inputs.stream_edit.clear()
    qtbot.keyClicks(inputs.stream_edit, str(other))  # typed (or pasted)
    assert inputs.labels_edit.text() == ""  # none beside it: Run says so, rather than use another stream's
    shutil.copy(stream.with_suffix(".json"), other.with_suffix(".json"))
    qtbot.keyClick(inputs.stream_edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(inputs.stream_edit, "v")
    assert inputs.labels_edit.text() == str(other.with_suffix(".json"))


def test_saving_into_a_model_the_board_would_refuse_says_so(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, reference_model_path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from workbench.core.model.model_params import write_params
    from workbench.gui.file_dialogs import BOARD_NOTICE_NAME

    view = workspace
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)

    def notices() -> list[QMessageBox]:
        return [b for b in view.findChildren(QMessageBox) if b.objectName() == BOARD_NOTICE_NAME]

    assert view.save_into_model(tmp_path / "fine.tflite") and notices() == []  # the reference model: nothing to say
    bare = {k: v for k, v in load_model(reference_model_path).params.items() if not k.startswith("fe.")}
    no_frontend = tmp_path / "no-frontend.tflite"
    no_frontend.write_bytes(write_params(reference_model_path.read_bytes(), bare))
    view._model_of_run = no_frontend  # the run's model, as if it had been calibrated so
    saved = view.save_into_model(tmp_path / "for-the-board.tflite")
    assert saved is not None and len(notices()) == 1
    assert "audio frontend settings" in notices()[0].text()


def test_a_failed_run_says_the_results_shown_are_the_earlier_ones(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path) -> None:
    view, host = workspace, workspace.host
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    earlier, recommendation = view.output, view.status.text()
    assert earlier is not None and host.errors == [] and recommendation.startswith("Recommended for")
    labels = tmp_path / "late.json"
    labels.write_text('{"events": [{"label": "yes", "start_s": 100000.0, "end_s": 100000.5}]}')
    view.inputs.labels_edit.setText(str(labels))
    run_to_end(qtbot, view)
    assert len(host.errors) == 1 and view.output is earlier  # kept: nothing of the earlier run is lost
    assert view.status.text() == ("the calibration failed; the results shown are still the earlier "
                                  f"calibration's ({stream.with_suffix('.json').name}):\n{recommendation}")


def test_a_temp_folder_that_cannot_be_made_is_said_and_nothing_starts(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, monkeypatch) -> None:
    import tempfile

    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(in_the_way))  # as a full or read-only TMPDIR, mkdtemp fails
    view, host = workspace, workspace.host
    view.inputs.set_stream(stream)
    assert not view.run() and not view.running
    assert len(host.errors) == 1 and host.errors[0].startswith(
        f"The calibration needs a temporary folder in {in_the_way} (TMPDIR), and none can be made there: ")
    assert view.run_button.isEnabled()
