"""Text typed for a model parameter (``kws params KEY=VALUE``, the Model view's cells) as the firmware reads it."""

from __future__ import annotations

import pytest

from workbench.core.detection.parameter_text import parse_parameter, unknown_key_problem
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
    ("minimum_count", "2147483647", 3, 2**31 - 1),  # the firmware's int32, to its last value
    ("latency_ms", "-2.147483648e9", 100, -(2**31)),  # (the settings refuse a negative one, not the parser)
    ("volume_gain", "1e30", 2, 1e30),  # a number too big for an int32 is stored as a float
    ("my_count", "18446744073709551615", 5, 2**64 - 1),  # any other key: what SL_PARAMSv1 stores (u64)
    ("my_new_key", "-9223372036854775808", None, -(2**63)),
    ("my_new_key", "1e30", None, 1e30),  # a new key guesses a float from a float's text
    ("my_ints", "2147483647,-2147483648", [5, 6], [2**31 - 1, -(2**31)]),
    ("features_dtype", " Int8 ", None, "int8"),  # a key the workbench reads: one of its values, as listed
    ("features_dtype", "uint16", "int8", "uint16"),
    ("features_dtype", "", "int8", None),  # removed
])
def test_values_take_the_type_the_firmware_reads(key, text, current, expected):
    value = parse_parameter(key, text, current)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(("key", "text", "current", "message"), [
    ("detection_threshold_list", "180,1.5", None,
     "detection_threshold_list takes a comma-separated list of whole numbers, got '180,1.5'"),
    ("my_ints", "1,x", [5, 6], "my_ints takes a comma-separated list of whole numbers, got '1,x'"),
    ("classes", " , ", ["yes"], "classes needs at least one name (comma-separated), got ' , '"),
    ("minimum_count", "three", 3, "minimum_count takes a number, got 'three'"),
    ("verbose_model_output_logs", "maybe", False,
     "verbose_model_output_logs takes true or false (yes/on or no/off too), got 'maybe'"),
    ("my_bytes", "zz", b"\x01", "my_bytes takes hexadecimal bytes, got 'zz'"),
    ("minimum_count", "1e30", 3, "minimum_count takes a whole number from 0 to 2,147,483,647, got '1e30'"),
    ("detection_threshold", "1e30", 185,
     "detection_threshold takes a whole number from 0 to 255, got '1e30'"),
    ("minimum_count", "5000000000", None,
     "minimum_count takes a whole number from 0 to 2,147,483,647, got '5000000000'"),
    ("latency_ms", "1e19", 100, "latency_ms takes a whole number from 1 to 2,147,483,647, got '1e19'"),
    ("suppression_ms", "-2147483649", 1500,
     "suppression_ms takes a whole number from 0 to 2,147,483,647, got '-2147483649'"),
    ("suppression_ms", "-5000000000", 1500,  # the range said is the one accepted: no negatives
     "suppression_ms takes a whole number from 0 to 2,147,483,647, got '-5000000000'"),
    ("detection_threshold_list", "180,1e30", None, "detection_threshold_list takes a comma-separated list of "
     "whole numbers from -2,147,483,648 to 2,147,483,647, got '180,1e30'"),
    ("my_ints", "1,2147483648", [5, 6], "my_ints takes a comma-separated list of whole numbers "
     "from -2,147,483,648 to 2,147,483,647, got '1,2147483648'"),  # SL_PARAMSv1 stores int32 lists only
    ("my_new_list", "1,2147483648", [], "my_new_list takes a comma-separated list of whole numbers "
     "from -2,147,483,648 to 2,147,483,647, got '1,2147483648'"),
    ("my_count", "1e30", 5, "my_count takes a whole number from -9,223,372,036,854,775,808 to "
     "18,446,744,073,709,551,615, got '1e30'"),
    ("my_new_key", "1" + "0" * 30, None, "my_new_key takes a whole number from -9,223,372,036,854,775,808 to "
     "18,446,744,073,709,551,615, got '1" + "0" * 30 + "'"),
    ("classes", "yes,yes,_unknown_,_silence_", ["yes", "no", "_unknown_", "_silence_"],
     "classes names yes more than once: give every output of the model its own class name"),
    ("classes", "a,b,a,b", None,
     "classes names a, b more than once: give every output of the model its own class name"),
    ("features_dtype", "float32", None, "features_dtype takes int8 (a float32 model fed the int8 spectrogram) or "
     "uint16 (the raw spectrogram, as without the key), got 'float32'"),
])
def test_refusals_say_what_the_key_takes(key, text, current, message):
    with pytest.raises(SettingsError) as raised:
        parse_parameter(key, text, current)
    assert str(raised.value) == message


@pytest.mark.parametrize(("key", "problem"), [
    ("detection_treshold", "neither the board firmware nor MLTK reads a parameter detection_treshold "
     "(did you mean detection_threshold?)"),
    ("Detection_Threshold", "neither the board firmware nor MLTK reads a parameter Detection_Threshold "
     "(did you mean detection_threshold?)"),
    ("fe.window_sz_ms", "neither the board firmware nor MLTK reads a parameter fe.window_sz_ms "
     "(did you mean fe.window_size_ms?)"),
    ("my_notes", "neither the board firmware nor MLTK reads a parameter my_notes (did you mean my_note?)"),
    ("colour", "neither the board firmware nor MLTK reads a parameter colour"),
    ("my_note", None),  # the model holds it: a key of its own
    ("detection_threshold_list", None),  # read by the firmware, though the model does not hold it
    ("samplewise_norm.rescale", None), ("description", None), ("fe.pcan_enable", None),
    ("features_dtype", None),  # read by the workbench
    ("features_dtyp", "neither the board firmware nor MLTK reads a parameter features_dtyp "
     "(did you mean features_dtype?)"),
])
def test_a_key_nothing_reads_is_named_with_the_closest_known_key(key, problem):
    assert unknown_key_problem(key, ["classes", "my_note"]) == problem


@pytest.mark.parametrize(("value", "text"), [(1e40, "1e+40"), (-1e300, "-1e+300"), (1.25, "1.25")])
def test_a_float_beyond_float32_is_shown_without_a_numpy_warning(value: float, text: str) -> None:
    import warnings

    from workbench.core.detection.parameter_text import number_text

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered in cast" would fail here
        assert number_text(value) == text
