"""The live window end to end offscreen: real model, real engine thread, real file source, real widgets."""

from __future__ import annotations

from PySide6.QtCore import QSize

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from workbench.assets import default_model_path, sample_audio_path

REPO = Path(__file__).resolve().parents[3]


def test_window_opens_with_the_bundled_model(window) -> None:
    model = window.controller.model
    assert model is not None and "yes" in model.classes
    assert model.name in window.status_labels["model"].text()
    assert set(window.docks) == {"Source", "Detections", "Tuning"}
    assert window.current_workspace == "live" and window.stack.currentWidget() is window.live
    assert "yes" in window.model_view.field_text("classes")
    assert window.profile_view.proxy.rowCount() == 4


def test_bundled_models_menu_opens_every_bundled_model(window) -> None:
    from workbench.assets import reference_model_path

    window.bundled_menu.aboutToShow.emit()
    actions = window.bundled_menu.actions()
    assert [a.text().split(" ")[0] for a in actions] == ["kws_yes_no_stream", "kws_yes_no", "tflite_micro_speech"]
    assert "(default)" in actions[0].text() and "336k MACs" in actions[2].text()
    actions[2].trigger()
    assert window.controller.model.path == reference_model_path() and window.last_error is None
    assert "tflite_micro_speech" in window.status_labels["model"].text()
    window.bundled_menu.aboutToShow.emit()  # filled again, not appended
    assert len(window.bundled_menu.actions()) == 3


def test_stream_menu_opens_a_guided_recording_session(window) -> None:
    from workbench.gui.stream.guided_recording_view import GuidedRecordingView

    stream_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Stream")
    action = next(a for a in stream_menu.actions() if "guided" in a.text())
    action.trigger()
    views = [w for w in window.findChildren(GuidedRecordingView) if w.isVisible()]
    assert len(views) == 1 and views[0].controller is window.controller
    views[0].close()


def test_sample_gives_yes_and_no_in_the_log_and_scores_in_the_plot(play_file, window) -> None:
    play_file(window, sample_audio_path())
    labels = window.log.labels()
    assert "yes" in labels and "no" in labels, labels
    assert labels.index("yes") < labels.index("no")
    assert window.log.table.rowCount() == len(labels)

    times, raw, averaged = window.live.scores.plotted_scores()
    classes = window.controller.model.classes
    assert times.size == window.controller.session.inferences.total > 0
    assert np.all(np.diff(times) > 0)
    for word in ("yes", "no"):
        k = classes.index(word)
        assert raw[:, k].max() > window.controller.settings.detection_threshold
        assert averaged[:, k].max() > 0
    drawn = window.live.scores.traces.drawn(len(classes) + classes.index("yes"))  # averaged after raw
    assert drawn.shape[0] > 1 and drawn[:, 1].max() > 0  # what is painted
    assert np.array_equal(drawn[:, 0], times[-drawn.shape[0]:])
    assert np.array_equal(window.live.scores.bars.scores(), averaged[-1])  # bars show the newest averaged

    image = window.live.spectrogram.visible_image()
    assert image.max() > -128 and image.dtype == np.int8
    assert np.abs(window.live.waveform.envelope()).max() > 0.1  # the words' waveform reached the view
    assert window.live.waveform.meter.hold_db > window.live.waveform.meter.level_db - 1e-9


def test_threshold_255_detects_nothing_on_the_same_audio(play_file, window) -> None:
    panel = window.tuning_panel
    if panel is not None:
        panel.rows["detection_threshold"].spin.setValue(255)
    else:
        window.controller.set_detection_settings(window.controller.settings.replace(detection_threshold=255))
    assert window.controller.settings.detection_threshold == 255
    assert window.live.scores.threshold_lines[0].value() == 255
    play_file(window, sample_audio_path())
    assert window.log.labels() == []
    _, raw, _ = window.live.scores.plotted_scores()
    assert raw.max() > 0  # the model still ran; only the detector stayed silent


def test_saving_parameters_writes_a_model_whose_metadata_reads_back(window, tmp_path: Path) -> None:
    from workbench.core.model.model_params import read_params

    window.controller.set_detection_settings(
        window.controller.settings.replace(detection_threshold=201, suppression_ms=900))
    target = tmp_path / "tuned.tflite"
    assert window.save_parameters(target), window.last_error
    params = read_params(target.read_bytes())
    assert params["detection_threshold"] == 201
    assert params["suppression_ms"] == 900
    assert window.open_model(target)
    assert window.controller.settings.detection_threshold == 201


def test_a_parameters_copy_is_always_a_tflite(window, tmp_path: Path) -> None:
    from workbench.core.model.model_params import read_params

    assert window.save_parameters(tmp_path / "tuned")  # no suffix: .tflite is added
    assert read_params((tmp_path / "tuned.tflite").read_bytes())["detection_threshold"] >= 0
    assert not window.save_parameters(tmp_path / "tuned.txt")
    assert window.last_error == "Cannot save the model copy as tuned.txt: name it with the .tflite suffix."
    assert not (tmp_path / "tuned.txt").exists()
    window.error_box.close()


def test_a_parameters_copy_is_never_written_into_a_bundled_model(window) -> None:
    from workbench.bundled_models import bundled_model_file

    bundled = bundled_model_file("tflite_micro_speech")
    assert bundled is not None
    before = bundled.read_bytes()
    assert not window.save_parameters(bundled)
    assert window.last_error.endswith("would overwrite the bundled model tflite_micro_speech.tflite; choose another "
                                      "output file.")
    assert bundled.read_bytes() == before
    window.error_box.close()


def test_a_parameters_copy_is_never_written_beside_a_folder(window, tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    assert not window.save_parameters(folder)
    assert window.last_error == f"Cannot write {folder}: it is a folder."
    assert not (tmp_path / "models.tflite").exists() and not any(folder.iterdir())
    window.error_box.close()


def _drop(window, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def test_a_corrupt_model_dropped_on_the_window_gives_a_message(window, tmp_path: Path) -> None:
    before = window.controller.model
    bad = tmp_path / "broken.tflite"
    bad.write_bytes(b"this is not a flatbuffer" * 10)
    _drop(window, bad)
    assert window.last_error, "no message for a corrupt model"
    assert window.controller.model is before  # still running the old model
    assert window.error_box.isVisible()
    window.error_box.close()
    assert not window.open_path(tmp_path / "notes.txt")
    assert window.last_error.endswith("nor audio (.wav, .flac, .ogg, .mp3)")


@pytest.mark.parametrize("suffix", [".wav", ".mp3"])
def test_dropping_audio_plays_it(qtbot, window, tmp_path: Path, suffix: str) -> None:
    path = sample_audio_path()
    if suffix != path.suffix:  # the sample as a phone or an editor would export it
        samples, rate = sf.read(str(path), dtype="int16")
        path = tmp_path / f"yes_no{suffix}"
        sf.write(str(path), samples, rate, format=suffix[1:].upper())
    _drop(window, path)
    assert window.controller.source_choice.path == path
    qtbot.waitUntil(lambda: window.controller.session.stats().stream_time_s > 0.2, timeout=10_000)
    window.controller.stop()


def test_export_log_to_csv(play_file, window, tmp_path: Path) -> None:
    play_file(window, sample_audio_path())
    out = window.log.export_csv(tmp_path / "log.csv")
    lines = out.read_text().splitlines()
    assert lines[0].startswith("wall_time,stream_time_s,label")
    assert [line.split(",")[2] for line in lines[1:]] == window.log.labels()


def test_layout_model_and_parameters_persist(qtbot, settings_dir, tmp_path: Path) -> None:
    from workbench.gui.window.main_window import MainWindow

    first = MainWindow(dark=False)
    qtbot.addWidget(first)
    first.show()
    assert first.open_model(default_model_path())
    first.controller.set_detection_settings(first.controller.settings.replace(detection_threshold=222))
    # a size of the user's (not the default), inside the offscreen platform's small screen, which
    # restoreGeometry would otherwise clamp it to
    first.resize(QSize(740, 720).expandedTo(first.minimumSizeHint()))
    saved = first.size()
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    assert not second.dark
    assert second.settings.last_model() == default_model_path()
    second.start_up(audio=sample_audio_path())
    assert second.controller.settings.detection_threshold == 222
    assert second.size() == saved
    second.close()


def test_self_test_exits_zero_without_qt() -> None:
    code = ("import sys; from workbench.gui.app import main; rc = main(['--self-test']); "
            "assert 'PySide6' not in sys.modules, 'self-test imported Qt'; sys.exit(rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "detected  yes" in out.stdout and "detected  no" in out.stdout


def test_kws_workbench_entry_point_self_test() -> None:
    exe = Path(sys.executable).with_name("kws-workbench")
    if not exe.exists():
        pytest.skip(f"entry point not installed at {exe} (pip install -e .)")
    out = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_an_unreadable_audio_file_leaves_the_stream_playing(qtbot, window, tmp_path: Path) -> None:
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    sample = sample_audio_path()
    assert window.controller.set_source(SourceChoice(FILE, path=sample, realtime=True, loop=True))
    qtbot.waitUntil(lambda: window.controller.running, timeout=5000)
    assert window.log.flash_label.text() == "listening…"
    session = window.controller.session
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio at all")
    assert not window.open_audio(bad)
    assert "notes.wav" in window.last_error
    assert window.controller.session is session and window.controller.running  # the sample still plays
    assert window.controller.source_choice.path == sample
    assert window.source_panel.transport.file_label.text() == sample.name
    assert window.source_panel.transport.file_path == str(sample)
    window.error_box.close()
    window.controller.stop()
    assert window.log.flash_label.text() == "not listening"
