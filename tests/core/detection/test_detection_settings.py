"""DetectionSettings as the board firmware reads them: its defaults, list types, stored types, board problems."""

from __future__ import annotations

import pytest

from workbench.core.detection.settings import (
    FIRMWARE_REQUIRED_FRONTEND_KEYS, DetectionSettings, board_problems,
)
from workbench.core.errors import SettingsError
from workbench.core.model.model_file import load_model, model_from_bytes
from workbench.core.model.model_params import write_params

DETECTION_KEYS = ("average_window_duration_ms", "detection_threshold", "suppression_ms", "minimum_count",
                  "volume_gain", "latency_ms", "detection_threshold_list", "verbose_model_output_logs")


def test_a_model_without_detection_parameters_gets_the_firmwares_defaults(reference_model_path) -> None:
    """cli_opts.hpp (FORMATS.md): window 1000, threshold 185, suppression 1500, count 3, volume 1, latency 100."""
    model = load_model(reference_model_path)
    stripped = {k: v for k, v in model.params.items() if k not in DETECTION_KEYS}
    bare = model_from_bytes(write_params(model.tflite, stripped), "bare")
    settings = DetectionSettings.from_params(bare.params)
    assert (settings.average_window_duration_ms, settings.detection_threshold, settings.suppression_ms,
            settings.minimum_count, settings.volume_gain, settings.latency_ms) == (1000, 185, 1500, 3, 1.0, 100)
    assert settings.detection_threshold_list is None and settings == DetectionSettings()


@pytest.mark.parametrize("bad", ["180,200,255,255", "180", 180, [180, "x"], [180.5, 200], [True, 1]])
def test_a_threshold_list_that_is_not_whole_numbers_is_one_settings_error(bad) -> None:
    with pytest.raises(SettingsError, match="detection_threshold_list"):
        DetectionSettings(detection_threshold_list=bad)


def test_a_threshold_list_the_firmware_would_not_read_is_ignored_and_said(reference_model_path) -> None:
    """The firmware reads only an Int32List: a float list or a string is left out (threshold applies)."""
    params = load_model(reference_model_path).params
    for stored in ([200.0, 200.0, 255.0, 255.0], "200,200,255,255"):
        with_list = {**params, "detection_threshold_list": stored}
        assert DetectionSettings.from_params(with_list).detection_threshold_list is None
        assert any("ignores detection_threshold_list" in p for p in board_problems(with_list))
    assert DetectionSettings.from_params({**params, "detection_threshold_list": [200, 200, 255, 255]}) \
        .threshold_for(1) == 200


def test_to_params_keeps_the_type_the_model_stores() -> None:
    settings = DetectionSettings(volume_gain=0.0, detection_threshold=200)
    assert type(settings.to_params()["volume_gain"]) is int  # MLTK writes a whole gain as an int
    kept = settings.to_params({"volume_gain": 0.0, "detection_threshold": 185.0, "verbose_model_output_logs": 0})
    assert type(kept["volume_gain"]) is float and kept["volume_gain"] == 0.0
    assert type(kept["detection_threshold"]) is float and kept["detection_threshold"] == 200.0
    assert type(kept["verbose_model_output_logs"]) is int and kept["verbose_model_output_logs"] == 0
    assert DetectionSettings.from_params(kept) == settings


def test_board_problems(reference_model_path) -> None:
    params = load_model(reference_model_path).params
    assert board_problems(params) == []
    no_classes = {k: v for k, v in params.items() if k != "classes"}
    assert board_problems(no_classes) == ["the board firmware needs the class names: add them with "
                                          "kws params MODEL classes=NAME,NAME,…"]
    assert "list of strings" in board_problems({**params, "classes": "yes,no,_unknown_,_silence_"})[0]
    no_frontend = {k: v for k, v in params.items() if k not in FIRMWARE_REQUIRED_FRONTEND_KEYS[:2]}
    assert board_problems(no_frontend) == ["the board firmware needs 2 audio frontend settings the model lacks "
                                           "(fe.sample_rate_hz, fe.sample_length_ms); the workbench uses its "
                                           "defaults for them, the board refuses to start: write those into a copy "
                                           "with kws params MODEL fe.sample_rate_hz=16000 fe.sample_length_ms=1000 "
                                           "-o OUT.tflite"]
    short = board_problems({**params, "detection_threshold_list": [200, 200]})
    assert short and "has 2 entries but the model has 4 classes" in short[0]
    assert len(board_problems({})) == 2  # a plain TensorFlow model: no classes, no frontend settings


def test_the_frontend_fix_writes_the_values_the_workbench_uses_beside_the_models_own() -> None:
    """A model with a 40 ms window but no fft_length is run with a 1024-point FFT: the command says 1024, not the
    default 512; fe.* values the frontend cannot run with leave the defaults (the line is still given)."""
    own = {f"fe.{name}": value for name, value in (("sample_rate_hz", 16000), ("window_size_ms", 40))}
    frontend_line = board_problems({"classes": ["yes"], **own}, "m.tflite")[0]
    fix = frontend_line.split("write those into a copy with ", 1)[1]
    assert fix.startswith("kws params m.tflite fe.sample_length_ms=1000 fe.window_step_ms=20 fe.fft_length=1024 ")
    assert " fe.noise_reduction_enable=true " in fix and " fe.pcan_strength=0.95 " in fix
    assert "fe.window_size_ms" not in fix and fix.endswith(" fe.log_scale_shift=6 -o OUT.tflite")
    impossible = board_problems({"classes": ["yes"], "fe.sample_rate_hz": -1}, "m.tflite")[0]
    assert " fe.fft_length=512 " in impossible and "fe.sample_rate_hz=" not in impossible


def test_a_gain_too_large_for_an_int_stays_a_float_and_can_be_saved(reference_model_path, tmp_path) -> None:
    """A whole gain is written as an int only where it fits the firmware's int32: 1e40 as an int would not fit the
    64 bits SL_PARAMSv1 stores, and Save into model would fail."""
    from workbench.core.detection.tuning import save_settings_into_model

    model = model_from_bytes(write_params(load_model(reference_model_path).tflite, {"volume_gain": 2}), "int_gain")
    huge = DetectionSettings(volume_gain=1e40)
    assert type(huge.to_params()["volume_gain"]) is float
    assert type(huge.to_params(model.params)["volume_gain"]) is float
    assert type(DetectionSettings(volume_gain=3.0).to_params(model.params)["volume_gain"]) is int  # as before
    saved = save_settings_into_model(model, huge, tmp_path / "huge.tflite")
    assert load_model(saved).params["volume_gain"] == 1e40
