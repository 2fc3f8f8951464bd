"""ModelInfoView shows the real reference model: classes, tensors, every SL_PARAMSv1 parameter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from workbench.assets import default_model_path
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_file import load_model
from workbench.core.model.tflite_graph import parse_model
from workbench.gui.model.model_info_view import (
    GROUP_DETECTION, GROUP_FRONTEND, GROUP_OTHER, GROUP_PRESETS, ModelInfoView, describe_tensor, format_value,
)

REFERENCE_CLASS_COUNT = 4
REFERENCE_PARAM_COUNT = 34  # ../shared/README.md: SL_PARAMSv1 metadata with 34 entries


@pytest.fixture(scope="module")
def model(reference_model_path):
    return load_model(reference_model_path)


@pytest.fixture
def view(qtbot):
    widget = ModelInfoView()
    qtbot.addWidget(widget)
    return widget


def test_shows_classes_tensors_and_file(view, model):
    view.set_model(model)
    assert len(model.classes) == REFERENCE_CLASS_COUNT
    classes_text = view.field_text("classes")
    assert classes_text.startswith(f"{REFERENCE_CLASS_COUNT}:")
    for name in model.classes:
        assert name in classes_text
    graph = parse_model(model.tflite)
    input_tensor = graph.tensor(graph.inputs[0])
    assert view.field_text("input") == describe_tensor(input_tensor)
    assert input_tensor.shape_str in view.field_text("input") and "int8" in view.field_text("input")
    assert "zero point" in view.field_text("output")
    assert view.field_text("path") == str(model.path)
    assert f"{len(model.tflite):,} bytes" in view.field_text("size")
    assert view.field_text("layers").startswith(f"{len(graph.operators)}: CONV_2D")
    frames, channels = FrontendSettings.from_params(model.params).spectrogram_shape
    assert f"{frames} frames × {channels} channels" in view.field_text("frontend")


def test_every_parameter_is_listed_in_its_group(view, model):
    view.set_model(model)
    shown = view.parameters_shown()
    listed = {key: value for group in shown.values() for key, value in group.items()}
    assert len(model.params) == REFERENCE_PARAM_COUNT
    assert len(listed) == REFERENCE_PARAM_COUNT
    for key, value in model.params.items():
        assert listed[key] == format_value(value)
    assert all(key.startswith("fe.") for key in shown[GROUP_FRONTEND])
    assert "detection_threshold" in shown[GROUP_DETECTION]
    assert "classes" in shown[GROUP_OTHER]


def test_clearing_and_switching_models(view, model):
    view.set_model(model)
    view.set_model(None)
    assert view.parameters_shown() == {}
    assert view.field_text("name") == "—"
    view.set_model(model)
    assert view.field_text("name") == model.name


def test_archive_model_shows_its_size_too(qtbot, shared_dir):
    archive = shared_dir / "reference-models" / "tflite_micro_speech.mltk.zip"
    if not archive.exists():
        pytest.skip(f"reference archive not available: {archive}")
    model = load_model(archive)
    view = ModelInfoView(model)
    qtbot.addWidget(view)
    assert "archive" in view.field_text("size")
    assert len(view.parameters_shown()[GROUP_FRONTEND]) > 0


@pytest.fixture
def tuned_view(view, model):
    from workbench.core.detection.settings import DetectionSettings
    from workbench.core.detection.tuning import DetectionTuning

    tuning = DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes)
    view.set_model(model, tuning)
    return view, tuning


def _edit(view, key: str, text: str) -> None:
    from workbench.gui.model.parameter_table_view import COLUMN_NOW

    view.parameter_table.item(key).setText(COLUMN_NOW, text)  # what the cell editor commits


def test_detection_values_in_use_are_editable_and_reach_the_tuning(tuned_view, qtbot):
    from workbench.gui.model.parameter_table_view import COLUMN_NOW

    view, tuning = tuned_view
    assert view.parameters_in_use()[GROUP_DETECTION]["detection_threshold"] == "185"
    assert GROUP_FRONTEND not in view.parameters_in_use()  # read-only groups show no second value
    item = view.parameter_table.item("detection_threshold")
    assert item.flags() & Qt.ItemFlag.ItemIsEditable
    assert not view.parameter_table.item("fe.window_step_ms").flags() & Qt.ItemFlag.ItemIsEditable
    _edit(view, "detection_threshold", "200")
    assert tuning.settings.detection_threshold == 200
    assert item.font(COLUMN_NOW).bold() and not view.parameter_table.item("suppression_ms").font(COLUMN_NOW).bold()
    assert view.parameters_shown()[GROUP_DETECTION]["detection_threshold"] == "185"  # the file is unchanged
    with qtbot.waitSignal(view.error) as blocker:
        _edit(view, "detection_threshold", "999")
    assert "detection_threshold" in blocker.args[0]
    assert tuning.settings.detection_threshold == 200 and item.text(COLUMN_NOW) == "200"
    with qtbot.waitSignal(view.error):
        _edit(view, "minimum_count", "three")
    _edit(view, "detection_threshold_list", "190, 191, 192, 193")
    assert tuning.settings.detection_threshold_list == (190, 191, 192, 193)
    _edit(view, "verbose_model_output_logs", "true")
    assert tuning.settings.verbose_model_output_logs is True


def test_tuning_changes_elsewhere_show_and_reset_returns_to_the_file(tuned_view):
    view, tuning = tuned_view
    tuning.set(suppression_ms=1200)  # e.g. the Tuning panel's slider
    assert view.parameters_in_use()[GROUP_DETECTION]["suppression_ms"] == "1200"
    view.reset_button.click()
    assert tuning.settings.suppression_ms == 750
    assert view.parameters_in_use()[GROUP_DETECTION]["suppression_ms"] == "750"


def test_size_uses_the_kb_of_kws_profile(view, model):
    """21,616 bytes: "21.6 kB", as `kws profile` prints 21.6k and the Profile workspace's flash bar says."""
    view.set_model(model)
    assert view.field_text("size") == "21.6 kB (21,616 bytes)"


def test_a_cell_reads_its_text_as_kws_params_does(tuned_view, qtbot):
    """The same text gives the same value or the same refusal in the window as on the command line."""
    view, tuning = tuned_view
    _edit(view, "detection_threshold", "2e2")  # kws params detection_threshold=2e2 stores 200
    assert tuning.settings.detection_threshold == 200
    _edit(view, "detection_threshold_list", "[190, 191, 192, 193]")  # as the cell shows a list
    assert tuning.settings.detection_threshold_list == (190, 191, 192, 193)
    with qtbot.waitSignal(view.error) as blocker:
        _edit(view, "detection_threshold_list", "190, 1.5, 192, 193")
    assert blocker.args[0] == ("detection_threshold_list takes a comma-separated list of whole numbers, "
                               "got '190, 1.5, 192, 193'")
    _edit(view, "detection_threshold_list", "")  # emptied: removed, as detection_threshold_list= does
    assert tuning.settings.detection_threshold_list is None


def test_the_board_row_says_what_the_firmware_would_refuse(view, model, tmp_path):
    """As ``kws info``'s "board:" lines: a model saved without parameters lacks the class names and the frontend
    settings; the reference model lacks nothing."""
    from workbench.core.model.model_file import load_model, model_with_params, save_model
    from workbench.gui.model.model_info_view import BOARD_OK_TEXT

    view.set_model(model)
    assert view.field_text("board") == BOARD_OK_TEXT
    path = tmp_path / "bare.tflite"
    save_model(model_with_params(model, dict.fromkeys(model.params)), path)
    bare = load_model(path)
    assert bare.params == {}
    view.set_model(bare)
    lines = view.field_text("board").splitlines()
    assert len(lines) == 2
    assert lines[0] == ("The board firmware needs the class names: add them with "
                        f"kws params {path.name} classes=NAME,NAME,…")  # the Path row says where it is
    assert lines[1].startswith("The board firmware needs 19 audio frontend settings the model lacks (fe.")


def test_a_model_without_parameters_is_not_tuned_away_until_a_value_changes(view, model):
    """With no parameters in the file the values in force are the firmware's defaults: nothing is bold, there is
    nothing to reset; a change makes its row bold and offers Reset, which returns to the defaults."""
    from workbench.core.detection.settings import DetectionSettings
    from workbench.core.detection.tuning import DetectionTuning
    from workbench.core.model.model_file import model_with_params
    from workbench.gui.model.parameter_table_view import COLUMN_NOW

    bare = model_with_params(model, dict.fromkeys(model.params))
    tuning = DetectionTuning(DetectionSettings.from_params(bare.params))
    view.set_model(bare, tuning)
    table = view.parameter_table
    in_use = view.parameters_in_use()[GROUP_DETECTION]
    assert in_use["detection_threshold"] == str(DetectionSettings().detection_threshold)
    assert [key for key in in_use if table.item(key).font(COLUMN_NOW).bold()] == []
    assert not view.reset_button.isEnabled()
    tuning.set(suppression_ms=1200)
    assert [key for key in in_use if table.item(key).font(COLUMN_NOW).bold()] == ["suppression_ms"]
    assert view.reset_button.isEnabled()
    view.reset_button.click()
    assert not tuning.is_modified and not view.reset_button.isEnabled()
    assert not table.item("suppression_ms").font(COLUMN_NOW).bold()


def test_no_operator_name_is_clipped_however_narrow_the_summary(qtbot, model):
    """At 1280 px the audit saw "FULLY_CONNECTED" lose its comma: a word-wrapped label breaks only between words
    and clips a longer one. The value is never narrower than its widest word; a narrow column puts it under its
    name instead."""
    view = ModelInfoView(model)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    layers = view.summary_labels["layers"]
    widest = max(layers.fontMetrics().horizontalAdvance(word) for word in layers.text().split())
    assert "FULLY_CONNECTED," in layers.text().split()
    total = sum(view.splitter.sizes())
    narrow = []
    for width in range(360, 150, -3):
        view.splitter.setSizes([width, total - width])
        qtbot.wait(1)
        if layers.contentsRect().width() < widest:
            narrow.append((width, layers.contentsRect().width()))
    assert narrow == [], f"the Layers value is narrower than {widest} px (its widest word) at these widths"


def test_reset_says_what_the_tuning_panels_reset_says(qtbot, view, model):
    from workbench.gui.stream.tuning_panel import TuningPanel

    panel = TuningPanel()
    qtbot.addWidget(panel)
    view.set_model(model)
    assert view.reset_button.text() == panel.reset_button.text() == "Reset to model values"


def test_a_model_without_parameters_says_it_has_none(qtbot) -> None:
    """A model another tool converted carries no SL_PARAMSv1 metadata; one the stream cannot feed (an MFCC input)
    is only inspected, so nothing is in use either: the table says so instead of staying blank."""
    from workbench.core.model.model_file import model_from_bytes
    from workbench.gui.model.parameter_table_view import NO_PARAMETERS_TEXT

    tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test model")
    inputs = tf.keras.Input((49, 10, 1), batch_size=1)
    outputs = tf.keras.layers.Dense(4, activation="softmax")(tf.keras.layers.Flatten()(inputs))
    converter = tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(inputs, outputs))
    model = model_from_bytes(bytes(converter.convert()), "mfcc")
    assert model.params == {}
    view = ModelInfoView()
    qtbot.addWidget(view)
    view.set_model(model)  # no tuning: what the window gives a model it only inspects
    table = view.parameter_table
    assert [table.topLevelItem(i).text(0) for i in range(table.topLevelItemCount())] == [NO_PARAMETERS_TEXT]
    assert view.parameters_shown() == {} and view.parameters_in_use() == {}
    view.set_model(None)  # no model: nothing to say about its parameters
    assert table.topLevelItemCount() == 0


def test_a_models_presets_are_listed_apart_from_its_own_values(view):
    """The default model's quiet_room keys: a group of their own, not among the detection values in use (where they
    would seem to act) nor under Other."""
    model = load_model(default_model_path())
    view.set_model(model)
    shown = view.parameters_shown()
    presets = {key for key in model.params if key.startswith("preset.")}
    assert presets and set(shown[GROUP_PRESETS]) == presets
    assert "preset.quiet_room.detection_threshold_list" in shown[GROUP_PRESETS]
    assert not presets & (set(shown[GROUP_DETECTION]) | set(shown[GROUP_OTHER]))
    assert "detection_threshold_list" in shown[GROUP_DETECTION]
