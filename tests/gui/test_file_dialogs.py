"""Saving parameters into a model copy says what the board firmware would still refuse in it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.bundled_model_paths import yes_no_model_path
from workbench.core.model.model_file import load_model, model_copy_path
from workbench.core.model.model_params import write_params
from workbench.gui import file_dialogs


def save_through_the_dialog(window, monkeypatch, target: Path) -> list[QMessageBox]:  # type: ignore[no-untyped-def]
    """Answer the save dialog with ``target`` (the only thing faked), then return the board notices shown."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_args, **_kwargs: (str(target), "")))
    file_dialogs.choose_save_parameters(window)
    assert model_copy_path(target).is_file(), window.last_error  # the copy, .tflite added
    return [box for box in window.findChildren(QMessageBox) if box.objectName() == file_dialogs.BOARD_NOTICE_NAME]


def test_a_saved_model_without_class_names_gets_a_notice(window, monkeypatch, tmp_path: Path) -> None:
    model = load_model(yes_no_model_path())
    plain = tmp_path / "plain.tflite"  # as a model from another tool: everything but the class names
    plain.write_bytes(write_params(model.tflite, {k: v for k, v in model.params.items() if k != "classes"}))
    assert window.open_model(plain), window.last_error
    notices = save_through_the_dialog(window, monkeypatch, tmp_path / "plain-tuned")
    assert len(notices) == 1 and notices[0].isVisible()
    text = notices[0].text()
    assert text.startswith("Saved plain-tuned.tflite, but the board will not run it")
    assert f"The board firmware needs the class names: add them with kws params {tmp_path / 'plain-tuned.tflite'} " \
           "classes=" in text
    notices[0].close()


def test_a_model_the_board_runs_gets_no_notice(window, monkeypatch, tmp_path: Path) -> None:
    assert save_through_the_dialog(window, monkeypatch, tmp_path / "tuned.tflite") == []


def test_the_detection_log_is_never_exported_over_the_model_or_the_audio_in_use(  # type: ignore[no-untyped-def]
        window, monkeypatch, tmp_path: Path) -> None:
    from workbench.assets import sample_audio_path
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    mine, audio = tmp_path / "mine.tflite", tmp_path / "take.wav"
    mine.write_bytes(yes_no_model_path().read_bytes())
    audio.write_bytes(sample_audio_path().read_bytes())
    assert window.open_model(mine), window.last_error
    assert window.controller.set_source(SourceChoice(FILE, path=audio, realtime=False, loop=False))
    for target in (mine, audio):
        before = target.read_bytes()
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, t=target, **_k: (str(t), "")))
        file_dialogs.choose_export_log(window)
        assert target.read_bytes() == before
        assert window.last_error == (f"{target} is the input: writing there would replace it; choose another "
                                     "output file.")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(tmp_path / "log.csv"), "")))
    file_dialogs.choose_export_log(window)
    assert (tmp_path / "log.csv").read_text().startswith("wall_time,")


def test_saving_the_bundled_model_s_parameters_suggests_a_file_the_save_accepts(  # type: ignore[no-untyped-def]
        window, monkeypatch, tmp_path: Path) -> None:
    """The first save most users make: the suggestion must not sit in the installed package's folder, which the
    save then refuses."""
    monkeypatch.setenv("HOME", str(tmp_path))
    suggested: list[str] = []

    def accept_the_suggestion(_parent, _caption, start="", *_args, **_kwargs):  # type: ignore[no-untyped-def]
        suggested.append(start)
        return start, ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(accept_the_suggestion))
    file_dialogs.choose_save_parameters(window)
    assert suggested == [str(tmp_path / "kws_yes_no-tuned.tflite")]
    assert (tmp_path / "kws_yes_no-tuned.tflite").is_file(), window.last_error
