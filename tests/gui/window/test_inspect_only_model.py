"""A model that loads but cannot run on the live stream opens for inspection: Model and Profile show it,
Live says why it cannot stream, every stream control is disabled with that reason, and opening a model
that can stream brings the stream back. Real models (the bundled one with a changed fe.* parameter, and
MFCC, two-output and image models built with TensorFlow), the real engine thread and real widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import default_model_path, sample_audio_path
from workbench.core.engine import Engine
from workbench.core.errors import ModelError
from workbench.core.model.model_file import load_model, model_with_params
from workbench.core.model.tflite_graph import parse_model
from workbench.gui.stream.source_choice import FILE, SourceChoice

CHANNELS_KEY = "fe.filterbank_n_channels"
OTHER_CHANNELS = 20  # the bundled model takes 40 channels: 20 no longer fits its input
FRAMES_SHOWN = 5  # frame-timer ticks that every workspace gets to draw the inspected model
FRAME_WAIT_MS = 20
STREAM_TIMEOUT_MS = 10_000


def _cannot_stream(path: Path) -> str:
    """The ModelError text the engine gives for ``path`` (the reason the GUI must show)."""
    with pytest.raises(ModelError) as caught:
        Engine(load_model(path))
    return str(caught.value)


@pytest.fixture
def mismatched(tmp_path: Path) -> Path:
    """The bundled model whose frontend settings no longer fit its [1, 49, 40, 1] input."""
    model = load_model(default_model_path())
    path = tmp_path / "channels20.tflite"
    path.write_bytes(model_with_params(model, {CHANNELS_KEY: OTHER_CHANNELS}).tflite)
    return path


@pytest.fixture(scope="module")
def other_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Models an STM32Cube.AI or Edge Impulse user brings: MFCC [1, 49, 10, 1], two outputs, a 32 x 32 image."""
    tf = pytest.importorskip("tensorflow")
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(3)
    folder = tmp_path_factory.mktemp("byom")

    def save(name: str, model: object) -> None:
        (folder / f"{name}.tflite").write_bytes(bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert()))

    mfcc = layers.Input((49, 10, 1), batch_size=1)
    save("mfcc", tf.keras.Model(mfcc, layers.Dense(4, activation="softmax")(layers.Flatten()(mfcc))))
    grid = layers.Input((49, 40, 1), batch_size=1)
    flat = layers.Flatten()(grid)
    save("two_outputs", tf.keras.Model(grid, [layers.Dense(4, activation="softmax")(flat), layers.Dense(1)(flat)]))
    image = layers.Input((32, 32, 3), batch_size=1)
    conv = layers.Conv2D(4, 3, activation="relu")(image)
    save("image", tf.keras.Model(image, layers.Dense(10, activation="softmax")(layers.Flatten()(conv))))
    return {path.stem: path for path in folder.glob("*.tflite")}


def _drop(window, path: Path) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier))


def _visit_every_workspace(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    for key in window.workspaces:
        window.show_workspace(key)
        qtbot.wait(FRAMES_SHOWN * FRAME_WAIT_MS)  # the frame timer runs: a traceback would fail the test
    window.show_workspace("live")


def _assert_inspecting(window, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The window shows ``path``'s model for inspection and says everywhere why it cannot stream."""
    controller = window.controller
    detail = _cannot_stream(path).removeprefix(f"model {controller.model.name}: ")
    assert controller.model.path == path and controller.inspect_only and window.model_path == path
    assert controller.session is None and not controller.running and controller.engine is None
    assert window.profile_view.proxy.rowCount() == len(parse_model(path.read_bytes()).operators) > 0
    assert window.model_view.field_text("path") == str(path)
    frontend = window.model_view.field_text("frontend")
    assert frontend.endswith(f"The live stream cannot feed this model: {detail}."), frontend  # said there too
    notice = window.live.notice_text
    assert notice.endswith(detail + ".") and "only the Model and Profile workspaces show it" in notice
    assert not window.live.splitter.isVisible() and window.live.notice.isVisible()
    assert not window.start_action.isEnabled() and detail in window.start_action.toolTip()
    assert not window.record_action.isEnabled()
    panel = window.source_panel
    assert not panel.start_button.isEnabled() and detail in panel.start_button.toolTip()
    assert not panel.transport.play_button.isEnabled() and not panel.transport.open_button.isEnabled()
    assert not window.tuning_panel.isEnabled() and detail in window.tuning_panel.notice
    # File > Save parameters (Ctrl+S) would write the last streamable model's sliders into this one: off, and why
    assert not window.save_parameters_action.isEnabled() and detail in window.save_parameters_action.statusTip()
    assert window.model_view.field_text("name") in window.status_labels["model"].text()
    assert "inspection only" in window.status_labels["model"].text()


def _assert_streaming_again(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    controller = window.controller
    assert not controller.inspect_only and controller.engine is not None
    session = controller.session
    qtbot.waitUntil(lambda: controller.running and session.inferences.total > 0, timeout=STREAM_TIMEOUT_MS)
    assert window.live.notice_text == "" and window.live.splitter.isVisible()
    assert window.start_action.isEnabled()
    recordable = window.source_panel.record_button.isEnabled()  # a microphone streams, not a file
    assert window.record_action.isEnabled() == recordable and recordable == (controller.source_choice.kind != FILE)
    panel = window.source_panel  # the microphone's Start is back: off only when there is no microphone at all
    assert panel.unavailable is None and panel.start_button.isEnabled() == bool(panel.devices)
    assert panel.transport.open_button.isEnabled()
    assert window.tuning_panel.isEnabled() and window.tuning_panel.notice == ""
    assert window.save_parameters_action.isEnabled() and "Ctrl+S" in window.save_parameters_action.statusTip()
    assert window.tuning_panel.rows["detection_threshold"].slider.isVisible()
    assert "inspection only" not in window.status_labels["model"].text()


def test_a_model_the_stream_cannot_fill_opens_for_inspection_then_the_bundled_one_streams_again(
        qtbot, window, mismatched: Path, tmp_path: Path) -> None:
    controller = window.controller
    assert controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    qtbot.waitUntil(lambda: controller.running, timeout=STREAM_TIMEOUT_MS)

    _drop(window, mismatched)  # drag and drop
    assert window.last_error is None
    _assert_inspecting(window, mismatched)
    assert window.board.model_label.text().startswith(controller.model.name)
    assert not window.board.classify()  # the board's classifier feeds it as the stream does: refused, said
    assert window.last_error.startswith("The board's classifier cannot run this model either: ")
    window.last_error = None
    window.indicator.update(controller.session)  # the status bar's figures of the stream that stopped go
    assert window.indicator.text("time") == window.indicator.text("lag") == ""
    _visit_every_workspace(qtbot, window)
    controller.toggle()  # Space / Start while inspecting: nothing starts, nothing raises
    assert not controller.running and controller.session is None

    assert not window.open_audio(sample_audio_path())  # nothing can play: said in one sentence
    assert window.last_error.startswith("Nothing can play while only inspecting: ")
    assert window.last_error.endswith(f"{CHANNELS_KEY}=40 to match.") and controller.session is None
    broken = tmp_path / "broken.tflite"
    broken.write_bytes(b"not a flatbuffer" * 16)
    assert not window.open_model(broken)  # a file that does not load is still refused
    assert controller.model.path == mismatched and controller.inspect_only

    assert window.open_model(default_model_path())  # the stream that played comes back
    assert controller.source_choice.path == sample_audio_path()
    _assert_streaming_again(qtbot, window)

    recent = next(a for a in window.recent_menu.actions() if a.toolTip() == str(mismatched))
    recent.trigger()  # recent files
    _assert_inspecting(window, mismatched)


@pytest.mark.parametrize("name", ["mfcc", "two_outputs", "image"])
def test_models_of_other_tools_show_their_profile_and_why_they_cannot_stream(
        qtbot, window, other_models: dict[str, Path], name: str) -> None:
    path = other_models[name]
    assert window.open_model(path), window.last_error
    _assert_inspecting(window, path)
    _visit_every_workspace(qtbot, window)
    assert window.open_model(default_model_path())
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    _assert_streaming_again(qtbot, window)


def test_tuning_memory_and_the_last_model_survive_an_inspected_model(qtbot, window, mismatched: Path) -> None:
    from workbench.gui.window.main_window import MainWindow

    window.controller.tuning.set(detection_threshold=222)
    assert window.open_model(mismatched)
    assert window.controller.tuning is None and window.model_view.parameters_shown()
    assert window.open_model(yes_no_model_path())
    assert window.controller.settings.detection_threshold == 222  # the bundled model's tuning came back
    assert window.open_model(mismatched)
    window.close()

    again = MainWindow(dark=True)  # the next session starts on the inspected model, without a message
    qtbot.addWidget(again)
    again.show()
    again.start_up()
    assert again.last_error is None
    _assert_inspecting(again, mismatched)
    assert again.open_model(yes_no_model_path())  # the start-up stream (microphone, else the sample) begins
    _assert_streaming_again(qtbot, again)
    assert again.controller.settings.detection_threshold == 222
    again.close()


def test_guided_recording_says_why_it_cannot_start(qtbot, window, mismatched: Path) -> None:
    from workbench.gui.stream.guided_recording_view import GuidedRecordingView

    assert window.open_model(mismatched)
    view = GuidedRecordingView(window.controller, window)
    qtbot.addWidget(view)
    view.speaker_edit.setText("tester")
    assert not view.start()
    assert f"{CHANNELS_KEY}=40 to match" in view.result.text()


def test_a_file_asked_for_while_inspecting_plays_once_a_model_can_stream(qtbot, window, mismatched: Path) -> None:
    window.start_up(model=mismatched, audio=sample_audio_path())  # kws-workbench MODEL --file WAV
    controller = window.controller
    assert controller.inspect_only and window.last_error.startswith("Nothing can play while only inspecting: ")
    assert window.open_model(default_model_path())
    assert controller.source_choice.kind == FILE and controller.source_choice.path == sample_audio_path()
    qtbot.waitUntil(lambda: controller.running, timeout=STREAM_TIMEOUT_MS)
