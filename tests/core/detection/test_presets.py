"""Named detection presets a model carries (``preset.<name>.<parameter>``): read, refused, written into a real .tflite
and read back, kept when the model's own values are saved."""

from __future__ import annotations

import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.core.detection.parameter_text import parse_parameter
from workbench.core.detection.presets import (
    DetectionPreset, chosen_preset, preset_key_problem, preset_name, preset_params, presets_in, shown_preset_name,
    suggested_preset_name,
)
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import save_preset_into_model, save_settings_into_model
from workbench.core.errors import ModelError, SettingsError
from workbench.core.model.model_file import load_model, model_with_params, save_model
from workbench.core.model.model_params import params_buffer
from workbench.core.model.params_dictionary import INT32_LIST, decode_entries

CLASSES = ("yes", "no", "_unknown_", "_silence_")
OWN = DetectionSettings(detection_threshold=170, detection_threshold_list=(170, 204, 255, 255),
                        average_window_duration_ms=500, suppression_ms=750, minimum_count=1)
QUIET = DetectionSettings(detection_threshold=130, detection_threshold_list=(130, 190, 255, 255),
                          average_window_duration_ms=750, suppression_ms=1500, minimum_count=1)
QUIET_TEXT = "for a quiet room: keywords among silence and few other words"


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return load_model(yes_no_model_path())


def test_every_preset_is_read_sorted_by_name_and_keeps_the_models_own_values_it_does_not_give() -> None:
    params = {**OWN.to_params(), "preset.quiet_room.detection_threshold": 120,
              "preset.quiet_room.description": QUIET_TEXT, "preset.alarm.suppression_ms": 3000}
    presets = presets_in(params, OWN, CLASSES)
    assert [preset.name for preset in presets] == ["alarm", "quiet_room"]
    alarm, quiet = presets
    assert alarm == DetectionPreset("alarm", "", OWN.replace(suppression_ms=3000))
    assert quiet.settings == OWN.replace(detection_threshold=120)  # the model's per-class list is kept
    assert (quiet.description, quiet.shown_name) == (QUIET_TEXT, "Quiet room")
    assert presets_in(OWN.to_params(), OWN) == ()


@pytest.mark.parametrize("key, said", [
    ("preset.quiet_room", "must read preset.NAME.PARAMETER"),
    ("preset.Quiet.detection_threshold", "names a preset 'Quiet'"),
    ("preset.quiet.detection_treshold", "did you mean preset.quiet.detection_threshold?"),
    ("preset.quiet.classes", "sets no parameter a preset takes"),
])
def test_a_malformed_preset_key_is_refused_naming_it(key: str, said: str) -> None:
    with pytest.raises(ModelError) as refused:
        presets_in({**OWN.to_params(), key: 120}, OWN)
    assert key in str(refused.value) and said in str(refused.value)
    assert preset_key_problem(key) is not None and preset_key_problem("preset.quiet.minimum_count") is None


@pytest.mark.parametrize("key, value, said", [
    ("preset.quiet.detection_threshold", 300, "detection_threshold must be 0-255"),
    ("preset.quiet.suppression_ms", "long", "suppression_ms must be an integer"),
    ("preset.quiet.detection_threshold_list", [130, 190], "has 2 entries but the model has 4 classes"),
    ("preset.quiet.description", 7, "must be text"),
])
def test_a_bad_preset_value_is_refused_naming_its_key(key: str, value: object, said: str) -> None:
    with pytest.raises(SettingsError) as refused:
        presets_in({**OWN.to_params(), key: value}, OWN, CLASSES)
    assert key in str(refused.value) and said in str(refused.value)


def test_a_preset_name_is_read_as_the_user_sees_it_and_refused_with_its_rule() -> None:
    assert preset_name("Quiet room") == preset_name(" quiet_room ") == "quiet_room"
    with pytest.raises(SettingsError, match="lowercase letters, digits and underscores"):
        preset_name("quiet-room")


@pytest.mark.parametrize("text, suggested", [
    ("office_stream", "office_stream"), ("Office stream-2", "office_stream_2"), ("__car__", "car"), ("---", ""),
])
def test_a_suggested_name_is_one_the_rule_takes_and_reads_as_its_text(text: str, suggested: str) -> None:
    """What the Calibration workspace offers as a preset's name for a stream file (its stem)."""
    assert suggested_preset_name(text) == suggested
    assert not suggested or (preset_name(suggested) == suggested and shown_preset_name(suggested) != "")
    assert shown_preset_name("office_stream_2") == "Office stream 2"


def test_an_unknown_preset_names_the_models_presets_or_says_it_has_none() -> None:
    presets = presets_in({"preset.quiet_room.minimum_count": 1, "preset.alarm.minimum_count": 2}, OWN)
    assert chosen_preset(presets, "quiet room", "m.tflite").settings == OWN.replace(minimum_count=1)
    with pytest.raises(SettingsError, match=r"m.tflite has no preset loud; its presets: alarm, quiet_room"):
        chosen_preset(presets, "loud", "m.tflite")
    with pytest.raises(SettingsError, match=r"m.tflite has no presets .*--as-preset loud"):
        chosen_preset((), "loud", "m.tflite")


def test_a_typed_preset_value_is_read_as_the_models_own_parameter_of_that_name() -> None:
    assert parse_parameter("preset.q.detection_threshold_list", "130,190,255,255", None) == [130, 190, 255, 255]
    assert parse_parameter("preset.q.minimum_count", "1e0", None) == 1
    assert parse_parameter("preset.q.description", " for a quiet room, 2 people ", None) == "for a quiet room, 2 people"


def test_a_preset_round_trips_through_a_real_model_file_beside_the_models_own_values(model, tmp_path) -> None:
    path = tmp_path / "quiet.tflite"
    save_model(model_with_params(model, preset_params("quiet_room", QUIET, QUIET_TEXT, model.params)), path)
    written = load_model(path)
    own = DetectionSettings.from_params(written.params)
    assert own == DetectionSettings.from_params(model.params)  # what the board uses is unchanged
    assert presets_in(written.params, own, written.classes) == (DetectionPreset("quiet_room", QUIET_TEXT, QUIET),)
    types = {key: code for key, code, _ in decode_entries(params_buffer(path.read_bytes()))}
    assert types["preset.quiet_room.detection_threshold_list"] == INT32_LIST  # as the firmware's own list


def test_a_preset_stays_what_it_was_when_the_models_own_values_change_and_are_saved(model, tmp_path) -> None:
    """Every parameter is stored, "no per-class list" too: the model's own list, saved later, is not taken."""
    single = QUIET.replace(detection_threshold_list=None)
    first = save_preset_into_model(model, "quiet_room", single, QUIET_TEXT, tmp_path / "quiet.tflite")
    saved = save_settings_into_model(load_model(first), OWN, tmp_path / "saved.tflite")  # "Save into model…"
    reread = load_model(saved)
    own = DetectionSettings.from_params(reread.params)
    assert own.detection_threshold_list == OWN.detection_threshold_list
    assert presets_in(reread.params, own, reread.classes)[0].settings == single
