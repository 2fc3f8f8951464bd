"""Why the last model did not open is said from the load error's ``reason``, never by taking its message apart:
real faulty files (gone, a folder, not a model, empty, cut short, an archive without a model) at paths that hold
another failure's words, quotes, colons and "it", through the real controller, and once through start-up."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.model.model_file import TFLITE_SUFFIX
from workbench.gui.session_controller import SessionController
from workbench.gui.window.open_model.last_model import last_model_reason, last_model_sentence

NOT_TFLITE = "is not a TensorFlow Lite model (no 'TFL3' identifier)"
CUT_SHORT_BYTES = 32  # past the 'TFL3' identifier (bytes 4..8), well before the end of the model's tables
# folder names that hold other failures' words and the characters a sentence is cut at
TRAPS = (f"x {NOT_TFLITE}", "model file not found: it", "not a model file: it's", "is empty; opened, it:")


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _gone(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _archive_without_model(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "no model here")
    return path


def _cut_short(path: Path) -> Path:
    return _write(path, default_model_path().read_bytes()[:CUT_SHORT_BYTES])


FAULTS: dict[str, tuple[Callable[[Path], Path], str, Callable[[Path], str]]] = {
    # fault: (make it at a path, the reason said after "The last model used, PATH,", the loader's own message)
    "gone": (_gone, "was not found", lambda p: f"model file not found: {p}"),
    "folder": (_folder, "is a folder, not a model file", lambda p: f"{p} is a folder, not a model file: give a "
                                                                   ".tflite or .mltk.zip file"),
    "not a model": (lambda p: _write(p, b"not a model at all"), NOT_TFLITE, lambda p: f"{p} {NOT_TFLITE}"),
    "empty": (lambda p: _write(p, b""), "is empty", lambda p: f"{p} is empty"),
    "archive": (_archive_without_model, "contains no .tflite model", lambda p: f"{p} contains no .tflite model"),
}


@pytest.mark.parametrize("trap", TRAPS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_reason_names_no_path_whatever_the_path_holds(qapp, tmp_path: Path, fault: str, trap: str) -> None:
    make, reason, message = FAULTS[fault]
    suffix = ".mltk.zip" if fault == "archive" else TFLITE_SUFFIX
    path = make(tmp_path / trap / f"it: 'mine' {trap}{suffix}")
    controller = SessionController()
    assert controller.load_model(path, report=False) is False
    assert controller.load_error == message(path)  # the message itself is unchanged, path and all
    assert last_model_reason(controller.load_failure) == reason
    assert last_model_sentence(path, reason, default_model_path()) == (
        f"The last model used, {path}, {reason}. Opened {default_model_path().name} instead.")


def test_a_model_cut_short_says_what_the_parser_found(qapp, tmp_path: Path) -> None:
    """A failure inside the file (its tables) is said after "could not be opened", without the path again."""
    path = _cut_short(tmp_path / TRAPS[0] / f"it: {TRAPS[1]}{TFLITE_SUFFIX}")
    controller = SessionController()
    assert controller.load_model(path, report=False) is False
    inner = controller.load_error.removeprefix(f"{path}: ")
    assert inner != controller.load_error and str(path) not in inner
    assert last_model_reason(controller.load_failure) == f"could not be opened: {inner}"


def test_start_up_names_a_last_model_with_odd_characters_once(qtbot, settings_dir, tmp_path: Path) -> None:
    from workbench.gui.window.main_window import MainWindow

    last = tmp_path / f"x {NOT_TFLITE}" / f"it: 'mine'; {NOT_TFLITE} (2){TFLITE_SUFFIX}"
    last.parent.mkdir()
    shutil.copy(default_model_path(), last)
    first = MainWindow(dark=True)
    qtbot.addWidget(first)
    assert first.open_model(last) and first.last_error is None
    first.close()
    last.write_bytes(b"")  # overwritten by something that is not a model

    second = MainWindow(dark=True)
    qtbot.addWidget(second)
    second.show()
    second.start_up(audio=sample_audio_path())
    assert second.controller.model.path == default_model_path()
    assert second.notice.text == second.last_error == (
        f"The last model used, {last}, is empty. Opened {default_model_path().name} instead.")
    second.close()


def test_the_bundled_model_a_first_start_falls_back_on_is_not_a_recent_file(qtbot, settings_dir) -> None:
    """The user opened nothing: File > Recent stays empty (the bundled models have their own menu)."""
    from workbench.gui.window.main_window import MainWindow

    window = MainWindow(dark=True)
    qtbot.addWidget(window)
    window.show()
    window.start_up(audio=sample_audio_path())
    assert window.controller.model.path == default_model_path()
    assert [action.toolTip() for action in window.recent_menu.actions() if action.toolTip()] == [
        str(sample_audio_path().resolve())]  # the audio given, not the model
    assert window.open_model(default_model_path())  # chosen by the user: listed
    assert str(default_model_path().resolve()) in [action.toolTip() for action in window.recent_menu.actions()]
    window.close()
