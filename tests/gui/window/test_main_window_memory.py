"""What the window remembers per model and per dialog: tuned detection values for each model's content
(kept when another model is opened, back when it is opened again, never for a changed file), a last
model that is gone is said, and each kind of file dialog starts where it last chose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.bundled_model_paths import yes_no_model_path
from tests.gui.small_disk_window import window_with_settings_on_a_small_disk
from workbench.assets import default_model_path, sample_audio_path
from workbench.gui import file_dialogs


def threshold(window) -> int:  # type: ignore[no-untyped-def]
    return int(window.controller.settings.detection_threshold)


@pytest.fixture
def two_models(window, tmp_path: Path) -> tuple[Path, Path]:
    """A (the bundled model) and B (a copy whose own threshold is 150: other content, other defaults)."""
    a = tmp_path / "A.tflite"
    shutil.copy(yes_no_model_path(), a)
    window.controller.set_detection_settings(window.controller.settings.replace(detection_threshold=150))
    assert window.save_parameters(tmp_path / "B.tflite"), window.last_error
    window.controller.reset_detection_settings()
    return a, tmp_path / "B.tflite"


def test_switching_models_keeps_each_models_tuning_and_a_changed_file_starts_fresh(qtbot, window, two_models,
                                                                                   tmp_path: Path) -> None:
    from workbench.gui.window.main_window import MainWindow

    a, b = two_models
    assert window.open_model(a)
    assert threshold(window) not in (150, 177, 199, 222)  # A's own value differs from every tuned one
    window.controller.tuning.set(detection_threshold=222)
    assert window.open_model(b)
    assert threshold(window) == 150  # B's own value, not A's tuning
    window.controller.tuning.set(detection_threshold=199)
    assert window.open_model(a)
    assert threshold(window) == 222  # A's tuning came back, not a value from an earlier session
    assert window.open_model(b) and threshold(window) == 199
    window.close()

    again = MainWindow(dark=True)  # the next session: both still remembered
    qtbot.addWidget(again)
    again.show()
    assert again.open_model(a) and threshold(again) == 222
    assert again.open_model(b) and threshold(again) == 199
    again.controller.tuning.set(detection_threshold=177)
    assert again.save_parameters(tmp_path / "C.tflite")  # other content, whose own threshold is 177
    again.controller.tuning.set(detection_threshold=199)
    shutil.copy(tmp_path / "C.tflite", a)  # A's file is rewritten (re-exported): A's tuning is stale for it
    assert again.open_model(a) and threshold(again) == 177 and not again.controller.tuning.is_modified
    assert again.open_model(b) and threshold(again) == 199
    again.controller.reset_detection_settings()  # back to the model's own values: nothing left to remember
    assert again.open_model(a) and again.open_model(b)
    assert threshold(again) == 150 and not again.controller.tuning.is_modified
    again.close()


def test_only_the_most_recently_tuned_models_are_remembered(tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from workbench.core.detection.settings import DetectionSettings
    from workbench.core.detection.tuning import DetectionTuning
    from workbench.core.model.model_file import load_model
    from workbench.gui.settings.app_settings import MAX_TUNED_MODELS, AppSettings

    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    base = load_model(default_model_path())
    models = [type(base)(name=f"m{i}", tflite=base.tflite + bytes([i]), params=base.params)
              for i in range(MAX_TUNED_MODELS + 1)]
    for i, model in enumerate(models):
        tuning = DetectionTuning(DetectionSettings.from_params(model.params))
        tuning.set(detection_threshold=100 + i)
        settings.remember_tuning(model, tuning)
    assert settings.detection_params(models[0]) is None  # the least recent went
    assert settings.detection_params(models[1])["detection_threshold"] == 101
    assert settings.detection_params(models[-1])["detection_threshold"] == 100 + MAX_TUNED_MODELS


@pytest.mark.parametrize("fault", ["gone", "corrupt"])
def test_a_last_model_that_cannot_be_opened_is_named_in_a_notice_that_stays(qtbot, settings_dir, tmp_path: Path,
                                                                           fault: str) -> None:
    """Gone or no longer a model: the same sentence, in the status bar's notice (no box blocks the start-up, and
    the stream's own start-up messages do not replace it), until dismissed or another model is opened."""
    from PySide6.QtWidgets import QMessageBox

    from workbench.gui.window.main_window import MainWindow

    last = tmp_path / "mine.tflite"
    shutil.copy(default_model_path(), last)
    first = MainWindow(dark=True)
    qtbot.addWidget(first)
    assert first.open_model(last) and first.last_error is None
    first.close()
    if fault == "gone":
        last.unlink()
        reason = "was not found"
    else:
        last.write_bytes(b"not a model at all")
        reason = "is not a TensorFlow Lite model (no 'TFL3' identifier)"

    second = MainWindow(dark=True)
    qtbot.addWidget(second)
    second.show()
    second.start_up(audio=sample_audio_path())
    expected = f"The last model used, {last}, {reason}. Opened {default_model_path().name} instead."
    assert second.controller.model.path == default_model_path()
    assert second.notice.text == expected == second.last_error and second.notice.isVisible()
    assert [box for box in second.findChildren(QMessageBox) if box.isVisible()] == []  # nothing modal
    assert second.source_panel.message == ""  # not said as a microphone failure either
    qtbot.wait(100)  # the stream's start-up messages come and go; the notice stays
    assert second.notice.isVisible()
    second.notice.dismiss_button.click()
    assert not second.notice.isVisible() and second.notice.text == ""
    second.close()


def test_a_notice_about_the_last_model_goes_when_another_model_is_opened(qtbot, window) -> None:
    window.notice.show_text("The last model used, /gone.tflite, was not found. Opened kws_yes_no.tflite instead.")
    assert window.notice.isVisible()
    assert window.open_model(default_model_path())
    assert not window.notice.isVisible()


def test_a_model_named_on_the_command_line_opens_without_a_notice_about_the_last_one(
        qtbot, settings_dir, tmp_path: Path) -> None:
    from workbench.assets import reference_model_path
    from workbench.gui.window.main_window import MainWindow

    gone = tmp_path / "mine.tflite"
    shutil.copy(default_model_path(), gone)
    first = MainWindow(dark=True)
    qtbot.addWidget(first)
    assert first.open_model(gone)
    first.close()
    gone.unlink()
    second = MainWindow(dark=True)
    qtbot.addWidget(second)
    second.start_up(model=reference_model_path(), audio=sample_audio_path())
    assert second.controller.model.path == reference_model_path()
    assert second.notice.text == "" and second.last_error is None
    second.close()


def test_each_file_dialog_starts_in_the_folder_it_last_chose(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    from workbench.gui.window.main_window import MainWindow

    models, audio, logs = tmp_path / "models", tmp_path / "audio", tmp_path / "logs"
    for folder in (models, audio, logs):
        folder.mkdir()
    shutil.copy(default_model_path(), models / "m.tflite")
    starts: list[tuple[str, str]] = []
    answer = [""]

    def fake_dialog(_parent, caption, start="", _filter="", *_args, **_kwargs):  # type: ignore[no-untyped-def]
        starts.append((caption, start))
        return answer[0], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    answer[0] = str(models / "m.tflite")
    file_dialogs.choose_model(window)
    answer[0] = ""  # cancelled: the folder stays
    file_dialogs.choose_model(window)
    file_dialogs.choose_audio(window)
    answer[0] = str(logs / "log.csv")
    file_dialogs.choose_export_log(window)
    assert (logs / "log.csv").is_file()
    assert [start for _, start in starts] == ["", str(models), "", file_dialogs.LOG_NAME]
    window.close()

    starts.clear()
    again = MainWindow(dark=True)  # the next session
    qtbot.addWidget(again)
    answer[0] = ""
    file_dialogs.choose_model(again)
    file_dialogs.choose_export_log(again)
    assert [start for _, start in starts] == [str(models), str(logs / file_dialogs.LOG_NAME)]
    again.close()


def test_paths_are_remembered_whole_so_a_start_from_another_folder_finds_them(tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtCore import QSettings

    from workbench.gui.settings.app_settings import MODEL_FOLDER, AppSettings

    work = tmp_path / "Mes données"
    (work / "clips").mkdir(parents=True)
    shutil.copy(default_model_path(), work / "modèle été.tflite")
    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    monkeypatch.chdir(work)
    settings.set_last_model(Path("modèle été.tflite"))  # as typed on the command line
    settings.set_clips_folder(Path("clips"))
    settings.set_last_folder(MODEL_FOLDER, ".")
    monkeypatch.chdir(tmp_path)  # the next start
    assert settings.last_model() == work / "modèle été.tflite"
    assert settings.clips_folder() == work / "clips" and settings.last_folder(MODEL_FOLDER) == str(work)


def test_a_settings_file_that_cannot_be_saved_is_said_at_start_up(qtbot, settings_dir: Path) -> None:
    from PySide6.QtCore import QSettings

    from tests.small_disk import make_read_only, mounted_tmpfs
    from workbench.assets import sample_audio_path
    from workbench.gui.settings.app_settings import AppSettings
    from workbench.gui.window.main_window import MainWindow

    assert AppSettings().save_problem() is None  # the test's own writable folder
    with mounted_tmpfs(settings_dir.parent / "read-only", "64k") as config:
        make_read_only(config)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config))
        window = MainWindow(dark=True)
        qtbot.addWidget(window)
        window.start_up(audio=sample_audio_path())
        problem = window.last_error
        window.close()
    assert problem is not None and problem.startswith("Settings cannot be saved in ") and str(config) in problem


def test_a_settings_file_that_cannot_be_saved_at_close_is_asked_about_first(qtbot, settings_dir: Path) -> None:
    """A disk that fills up during the session: closing would lose the tuning without a word. Cancel keeps the
    window open (and running); Close anyway closes it."""
    from tests.small_disk import fill

    with window_with_settings_on_a_small_disk(qtbot, settings_dir) as (window, config):
        assert window.last_error is None  # the settings file could be written at start-up
        assert window.controller.tuning.set(detection_threshold=222)
        fill(config)
        asked: list[tuple[str, bool]] = []
        answers = iter([False, True])
        window.ask_close_over_unsaved_settings = lambda _parent, problem, tuned: (
            asked.append((problem, tuned)) or next(answers))
        assert not window.close() and window.isVisible() and window.controller.session is not None  # Cancel
        assert asked[0] == (f"Settings cannot be saved in {window.settings.qsettings.fileName()} (the folder is "
                            "read-only or full)", True)
        assert window.close() and len(asked) == 2  # Close anyway


def test_closing_again_once_there_is_room_asks_nothing(qtbot, settings_dir: Path) -> None:
    """QSettings keeps its first error: the question came back after the space was freed and the file written."""
    from PySide6.QtCore import QSettings

    from tests.small_disk import fill

    with window_with_settings_on_a_small_disk(qtbot, settings_dir) as (window, config):
        assert window.controller.tuning.set(detection_threshold=190)
        filler = fill(config)
        asked: list[str] = []
        window.ask_close_over_unsaved_settings = lambda _parent, problem, _tuned: asked.append(problem) or False
        assert not window.close() and len(asked) == 1  # Cancel, to free some space
        filler.unlink()
        assert window.close() and len(asked) == 1  # saved now: closes without a word
        saved = QSettings(window.settings.qsettings.fileName(), QSettings.Format.IniFormat)
        assert '"detection_threshold": 190' in str(saved.value("detection/tuned"))
