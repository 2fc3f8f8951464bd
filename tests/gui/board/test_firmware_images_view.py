"""The Board workspace's two firmware boxes: Profile flashes the Profiler image box's image, Classify and Flash the
Classifier image box's, so a user with their own build of each runs both without retyping; the boxes are remembered
(the first versions' one image moved into them), reached by Tab and explained by tooltips. A real main window, the
simulated board and Commander."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board, board_factory, classifier_image, commander, profiler_image  # noqa: E402,F401

from workbench.board.firmware.catalog import CLASSIFIER_APP, PROFILER_APP  # noqa: E402
from workbench.board.firmware.image_app import APP_BANNERS  # noqa: E402
from workbench.board.logs.classifier_log import START_MARKER as CLASSIFIER_BANNER  # noqa: E402
from workbench.board.logs.profiler_log import START_MARKER as PROFILER_BANNER  # noqa: E402
from workbench.gui.settings.app_settings import APPLICATION, ORGANIZATION  # noqa: E402
from workbench.gui.board import BoardWorkspace  # noqa: E402
from workbench.gui.board.firmware_images_view import FIRMWARE_BOXES, LEGACY_FIRMWARE_KEY  # noqa: E402
from tests.gui.board.board_workspace_steps import (RUN_TIMEOUT_MS, board_workspace, use_board,  # noqa: E402
                                                  wait_idle)

KEYS = {box.app: box.key for box in FIRMWARE_BOXES}


@pytest.fixture
def workspace(window, qtbot, commander):  # noqa: F811
    yield from board_workspace(window, qtbot, watch_ports=False)


def _flashed_images(commander) -> list[str]:  # noqa: F811
    """The names of the images Commander was asked to flash so far, in order (the model's .bin files left out)."""
    return [Path(arg).name for call in commander.calls() if call[:1] == ["flash"] for arg in call[1:]
            if arg.endswith(".s37")]


def test_profile_classify_and_flash_each_flash_their_own_box(window, workspace, qtbot, commander, board,
                                                             profiler_image, classifier_image) -> None:
    """Both boxes filled once: Profile, Classify, Profile again and Flash each put their app on the board (the one
    box before had to be retyped between Profile and Classify, which refused the profiler's image)."""
    ws = workspace
    use_board(ws, board, profiler=profiler_image, classifier=classifier_image)
    with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
        assert ws.profile()
    wait_idle(qtbot, ws)
    assert ws.console.lines()[0] == PROFILER_BANNER and ws.measured.table.rowCount() > 0

    assert ws.classify()
    qtbot.waitUntil(lambda: ws.status.text().startswith("Classifying on the board: "), timeout=RUN_TIMEOUT_MS)
    ws.cancel()
    wait_idle(qtbot, ws)
    assert any(CLASSIFIER_BANNER in line for line in ws.console.lines())

    with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
        assert ws.profile()
    wait_idle(qtbot, ws)
    assert ws.flash()
    wait_idle(qtbot, ws)
    assert window.last_error is None, window.last_error
    assert _flashed_images(commander) == [profiler_image.name, classifier_image.name, profiler_image.name,
                                          classifier_image.name]
    assert ws.firmware.profiler.text() == str(profiler_image)  # nothing was retyped or swapped
    assert ws.firmware.classifier.text() == str(classifier_image)


def test_an_empty_box_leaves_the_other_run_its_image(workspace, profiler_image) -> None:
    ws = workspace
    ws.firmware.profiler.setText(f"  {profiler_image}  ")
    assert ws.options(PROFILER_APP).firmware == profiler_image
    assert ws.options(CLASSIFIER_APP).firmware is None  # MLTK's published classifier
    assert ws.options().firmware is None  # the console and the board's info flash nothing


def test_the_boxes_are_remembered_across_restarts(window, qtbot, workspace, profiler_image,
                                                  classifier_image) -> None:
    workspace.firmware.profiler.setText(str(profiler_image))
    workspace.firmware.classifier.setText(str(classifier_image))
    workspace.firmware.classifier.clear()  # back to the published image: remembered as such
    window.settings.qsettings.sync()
    on_disk = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)
    assert on_disk.value(KEYS[PROFILER_APP]) == str(profiler_image) and on_disk.value(KEYS[CLASSIFIER_APP]) == ""
    again = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(again)
    try:
        assert again.firmware.profiler.text() == str(profiler_image)
        assert again.firmware.classifier.text() == ""
    finally:
        again.shutdown()


@pytest.fixture
def own_build(tmp_path: Path) -> Path:
    """The user's own firmware holding both apps' banners: not judged to be either."""
    path = tmp_path / "own_firmware.bin"
    path.write_bytes(b"\0".join(APP_BANNERS.values()))
    return path


@pytest.mark.parametrize(("image", "boxes"), [("profiler_image", {PROFILER_APP}),
                                              ("classifier_image", {CLASSIFIER_APP}),
                                              ("own_build", {PROFILER_APP, CLASSIFIER_APP})])
def test_the_first_versions_one_image_goes_to_the_box_of_its_app(window, qtbot, commander, request, image,
                                                                  boxes) -> None:
    """Remembered under board/firmware for both runs before: it goes where it was of use, and is not lost."""
    path = request.getfixturevalue(image)
    qsettings = window.settings.qsettings
    for key in KEYS.values():
        qsettings.remove(key)  # the first versions had no such keys
    qsettings.setValue(LEGACY_FIRMWARE_KEY, str(path))
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        assert {app for app, edit in ws.firmware.edits.items() if edit.text() == str(path)} == boxes
        assert all(edit.text() == "" for app, edit in ws.firmware.edits.items() if app not in boxes)
        assert not qsettings.contains(LEGACY_FIRMWARE_KEY)
        assert {app for app, key in KEYS.items() if qsettings.value(key) == str(path)} == boxes
    finally:
        ws.shutdown()


def test_tab_goes_through_each_box_and_its_browse_button_and_tooltips_say_which_run(window, qtbot) -> None:
    window.show_workspace("board")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    ws = window.board
    views = ws.firmware
    views.profiler.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is views.profiler, timeout=2000)
    reached = []
    for _ in range(4):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert reached == [views.browse_buttons[PROFILER_APP], views.classifier, views.browse_buttons[CLASSIFIER_APP],
                       ws.accelerator]
    assert "Profile" in views.profiler.toolTip() and "kws board profile --firmware" in views.profiler.toolTip()
    assert "Classify and Flash" in views.classifier.toolTip()
    assert "kws board classify --firmware" in views.classifier.toolTip()
    names = {button.accessibleName() for button in views.browse_buttons.values()}
    assert names == {"Browse for the profiler image", "Browse for the classifier image"}
    assert "Classifier image" in ws.flash_button.toolTip() and "Profiler image" in ws.profile_button.toolTip()


def test_browse_fills_its_own_box_starting_beside_the_other_image(workspace, qtbot, monkeypatch,
                                                                  profiler_image, tmp_path) -> None:
    asked: list[tuple[str, str]] = []
    chosen = tmp_path / "build" / "audio_classifier.hex"

    def answer(_parent, title, start, _filter):  # noqa: ANN001, ANN202 (QFileDialog's signature)
        asked.append((title, start))
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)
    workspace.firmware.profiler.setText(str(profiler_image))
    qtbot.mouseClick(workspace.firmware.browse_buttons[CLASSIFIER_APP], Qt.MouseButton.LeftButton)
    assert asked == [("Classifier image", str(profiler_image.parent))]
    assert workspace.firmware.classifier.text() == str(chosen)
    assert workspace.firmware.profiler.text() == str(profiler_image)
