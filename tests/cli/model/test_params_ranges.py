"""`kws params` refuses a whole number the firmware or SL_PARAMSv1 cannot hold with one sentence naming the key,
and writes nothing (real `kws` processes on the real reference model)."""

from __future__ import annotations

import subprocess

import pytest

from tests.cli.installed_kws import run_kws
from workbench.core.model.model_file import load_model

INT32 = "from -2,147,483,648 to 2,147,483,647"
COUNT = "from 0 to 2,147,483,647"  # what the detection settings accept: the range said is the real one
STORABLE = "from -9,223,372,036,854,775,808 to 18,446,744,073,709,551,615"


def kws_params(*argv: str) -> subprocess.CompletedProcess:
    return run_kws("params", *argv)


@pytest.mark.parametrize(("change", "sentence"), [
    ("minimum_count=1e30", f"minimum_count takes a whole number {COUNT}, got '1e30'"),
    ("detection_threshold=1e30", "detection_threshold takes a whole number from 0 to 255, got '1e30'"),
    ("minimum_count=5000000000", f"minimum_count takes a whole number {COUNT}, got '5000000000'"),
    ("latency_ms=1e19", "latency_ms takes a whole number from 1 to 2,147,483,647, got '1e19'"),
    ("suppression_ms=-5000000000", f"suppression_ms takes a whole number {COUNT}, got '-5000000000'"),
    ("detection_threshold_list=1e30,180,180,180",
     f"detection_threshold_list takes a comma-separated list of whole numbers {INT32}, got '1e30,180,180,180'"),
    ("fe.sample_rate_hz=1e30", f"fe.sample_rate_hz takes a whole number {STORABLE}, got '1e30'"),  # not a detection key
])
def test_a_number_out_of_range_is_one_sentence_naming_the_key(tmp_path, reference_model_path, change, sentence) -> None:
    out = tmp_path / "out.tflite"
    proc = kws_params(str(reference_model_path), change, "-o", str(out))
    assert proc.returncode == 2 and proc.stderr == f"kws: error: {sentence}\n" and not proc.stdout
    assert not out.exists()


def test_numbers_the_model_can_hold_are_written(tmp_path, reference_model_path) -> None:
    out = tmp_path / "out.tflite"
    proc = kws_params(str(reference_model_path), "minimum_count=2147483647", "volume_gain=1e30", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    params = load_model(out).params
    assert params["minimum_count"] == 2**31 - 1 and params["volume_gain"] == pytest.approx(1e30)


def test_a_gain_beyond_float32_is_written_and_shown_without_a_warning(tmp_path, reference_model_path) -> None:
    """1e40 does not fit a float32: it is stored as a float64, and showing it must not make numpy warn on stderr."""
    out = tmp_path / "out.tflite"
    written = kws_params(str(reference_model_path), "volume_gain=1e40", "-o", str(out))
    assert written.returncode == 0 and written.stderr == "", written.stderr
    assert load_model(out).params["volume_gain"] == 1e40
    shown = kws_params(str(out))
    assert shown.returncode == 0 and shown.stderr == "" and "volume_gain=1e+40\n" in shown.stdout
    info = run_kws("info", str(out))
    assert info.returncode == 0 and info.stderr == "" and "1e+40" in info.stdout
