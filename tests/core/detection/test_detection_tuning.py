"""DetectionTuning on the reference model's real parameters, and writing them back into a real model."""

from __future__ import annotations

import pytest

from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import (
    PARAMETER_SPECS, DetectionTuning, parameter_spec, save_settings_into_model,
)
from workbench.core.errors import SettingsError
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import read_params


@pytest.fixture(scope="module")
def model(reference_model_path):
    return load_model(reference_model_path)


@pytest.fixture
def defaults(model) -> DetectionSettings:
    return DetectionSettings.from_params(model.params)


@pytest.fixture
def tuning(model, defaults):
    return DetectionTuning(defaults, classes=model.classes)


def record(tuning: DetectionTuning) -> list[DetectionSettings]:
    seen: list[DetectionSettings] = []
    tuning.changed.connect(seen.append)
    return seen


def test_starts_at_model_values(tuning, defaults):
    assert tuning.settings == defaults
    assert not tuning.is_modified
    assert all(tuning.class_threshold(i) is None for i in range(tuning.class_count))


def test_set_changes_and_emits_once_and_ignores_repeats(tuning, defaults):
    seen = record(tuning)
    new_threshold = defaults.detection_threshold - 10
    assert tuning.set(detection_threshold=new_threshold, suppression_ms=defaults.suppression_ms + 100)
    assert tuning.settings.detection_threshold == new_threshold
    assert tuning.settings.suppression_ms == defaults.suppression_ms + 100
    assert seen == [tuning.settings]
    assert tuning.is_modified
    assert not tuning.set(detection_threshold=new_threshold)  # a slider repeating its value
    assert len(seen) == 1


@pytest.mark.parametrize("change", [{"detection_threshold": 256}, {"detection_threshold": -1},
                                    {"minimum_count": -3}, {"no_such_parameter": 1}])
def test_invalid_changes_raise_and_change_nothing(tuning, defaults, change):
    seen = record(tuning)
    with pytest.raises(SettingsError):
        tuning.set(**change)
    assert tuning.settings == defaults
    assert seen == []


def test_class_threshold_writes_a_full_list_that_follows_the_global(tuning, defaults):
    seen = record(tuning)
    glob = defaults.detection_threshold
    assert tuning.set_class_threshold(0, 200)
    n = tuning.class_count
    assert tuning.settings.detection_threshold_list == (200,) + (glob,) * (n - 1)
    assert tuning.effective_class_threshold(1) == glob
    tuning.set(detection_threshold=glob - 20)
    assert tuning.settings.detection_threshold_list == (200,) + (glob - 20,) * (n - 1)
    tuning.set_class_threshold(0, None)
    assert tuning.settings.detection_threshold_list is None
    assert len(seen) == 3


def test_a_class_override_equal_to_the_global_stays_an_override(tuning, defaults):
    glob = defaults.detection_threshold
    tuning.set_class_threshold(1, glob)  # "use global" unticked: the row starts at the global value
    assert tuning.class_threshold(1) == glob
    tuning.set(detection_threshold=glob + 5)
    assert tuning.settings.detection_threshold_list[1] == glob
    assert tuning.settings.detection_threshold_list[0] == glob + 5


def test_model_list_entries_equal_to_global_read_as_use_global(model, defaults):
    glob = defaults.detection_threshold
    n = len(model.classes)
    listed = defaults.replace(detection_threshold_list=(glob, glob + 30) + (glob,) * (n - 2))
    tuning = DetectionTuning(listed, classes=model.classes)
    assert tuning.settings == listed  # kept exactly as the model has it
    assert tuning.class_threshold(0) is None
    assert tuning.class_threshold(1) == glob + 30


def test_class_checks(tuning, model, defaults):
    with pytest.raises(SettingsError):
        tuning.set_class_threshold(len(model.classes), 100)
    with pytest.raises(SettingsError):
        tuning.set_class_threshold(0, 300)
    with pytest.raises(SettingsError):
        tuning.set(detection_threshold_list=(100,) * (len(model.classes) + 1))
    assert tuning.settings == defaults


def test_reset_restores_model_values(tuning, defaults):
    tuning.set(average_window_duration_ms=defaults.average_window_duration_ms + 500, volume_gain=5.0)
    tuning.set_class_threshold(2, 99)
    seen = record(tuning)
    assert tuning.reset_to_model()
    assert tuning.settings == defaults
    assert not tuning.is_modified
    assert tuning.class_threshold(2) is None
    assert seen == [defaults]
    assert not tuning.reset_to_model()


def test_disconnected_listener_is_not_called(tuning, defaults):
    seen = record(tuning)
    tuning.changed.disconnect(seen.append)
    tuning.set(detection_threshold=defaults.detection_threshold + 1)
    assert seen == []
    assert len(tuning.changed) == 0


def test_specs_cover_the_tunable_fields_and_bound_sliders_inside_spin_ranges():
    names = {f for f in DetectionSettings.__dataclass_fields__}
    for spec in PARAMETER_SPECS:
        assert spec.name in names
        assert spec.minimum <= spec.slider_maximum <= spec.maximum
        assert spec.help
    with pytest.raises(SettingsError):
        parameter_spec("nope")


def test_saved_model_carries_the_settings_and_still_loads(model, tuning, defaults, tmp_path):
    tuning.set(detection_threshold=defaults.detection_threshold - 25, suppression_ms=1200,
               minimum_count=defaults.minimum_count + 1)
    tuning.set_class_threshold(1, 210)
    target = tmp_path / "tuned.tflite"
    written = save_settings_into_model(model, tuning.settings, target)
    assert written == target and target.is_file()

    params = read_params(target.read_bytes())
    assert DetectionSettings.from_params(params) == tuning.settings
    for key, value in model.params.items():  # everything else is kept; the hash names the changed model
        if key not in tuning.settings.to_params():
            assert params[key] == value or (key == "hash" and params[key] != value), key

    reloaded = load_model(target)
    assert reloaded.classes == model.classes
    assert DetectionSettings.from_params(reloaded.params) == tuning.settings

    # clearing the per-class list removes it from the saved copy again
    tuning.set_class_threshold(1, None)
    again = save_settings_into_model(reloaded, tuning.settings, tmp_path / "again.tflite")
    assert "detection_threshold_list" not in read_params(again.read_bytes())
    assert DetectionSettings.from_params(load_model(again).params) == tuning.settings


def test_saving_keeps_the_types_the_model_stores(model, tmp_path):
    """MLTK's on_off_v3 stores volume_gain 0.0 (a float): saving tuned values (GUI, calibrate --apply-to)
    must not turn it into the integer 0."""
    from workbench.core.model.model_file import model_from_bytes
    from workbench.core.model.model_params import params_buffer, write_params
    from workbench.core.model.params_dictionary import F64, decode_entries

    float_gain = model_from_bytes(write_params(model.tflite, {**model.params, "volume_gain": 0.0}), "on_off_like")
    settings = DetectionSettings.from_params(float_gain.params).replace(detection_threshold=201)
    saved = save_settings_into_model(float_gain, settings, tmp_path / "tuned.tflite")
    entries = {key: (code, value) for key, code, value in decode_entries(params_buffer(saved.read_bytes()))}
    assert entries["volume_gain"] == (F64, 0.0) and entries["detection_threshold"][1] == 201
