"""Text typed for a model parameter (``kws params KEY=VALUE``, the Model view's cells) as the firmware reads it."""

from __future__ import annotations

import pytest

from workbench.core.detection.parameter_text import parse_parameter
from workbench.core.errors import SettingsError


@pytest.mark.parametrize(("key", "text", "current", "expected"), [
    ("detection_threshold", "1e2", 185, 100),  # the firmware reads an int32
    ("detection_threshold_list", "180, 200,255", None, [180, 200, 255]),  # typed by the key, not stored yet
    ("detection_threshold_list", "", [180, 200], None),  # removed
    ("volume_gain", "2", 0.0, 2.0),  # a stored float stays a float (MLTK on_off_v3)
    ("volume_gain", "2", None, 2),
    ("classes", "up, down", ["yes", "no"], ["up", "down"]),
    ("my_flag", "on", False, True),
    ("my_ints", "1, 2e1", [5, 6], [1, 20]),  # a stored integer list stays one
    ("my_new_key", "0.5", None, 0.5),
    ("my_new_key", "hello", None, "hello"),
    ("my_bytes", "00ff", b"\x01", b"\x00\xff"),
])
def test_values_take_the_type_the_firmware_reads(key, text, current, expected):
    value = parse_parameter(key, text, current)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(("key", "text", "current", "message"), [
    ("detection_threshold_list", "180,1.5", None,
     "detection_threshold_list takes a comma-separated list of whole numbers, got '180,1.5'"),
    ("my_ints", "1,x", [5, 6], "my_ints takes a comma-separated list of whole numbers, got '1,x'"),
    ("classes", " , ", ["yes"], "classes needs at least one name (comma-separated), got ' , '"),
    ("minimum_count", "three", 3, "expected a number, got 'three'"),
    ("verbose_model_output_logs", "maybe", False, "expected true or false, got 'maybe'"),
    ("my_bytes", "zz", b"\x01", "expected hexadecimal bytes, got 'zz'"),
])
def test_refusals_say_what_the_key_takes(key, text, current, message):
    with pytest.raises(SettingsError) as raised:
        parse_parameter(key, text, current)
    assert str(raised.value) == message
