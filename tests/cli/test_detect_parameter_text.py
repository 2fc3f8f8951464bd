"""`kws detect`'s detection options read their text as `kws params KEY=VALUE` does: the same text runs with the
value `kws params` stores, or is refused with the same sentence (real `kws` processes, real model and audio)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.bundled_model_paths import yes_no_model_path
from tests.cli.installed_kws import run_kws
from workbench.assets import sample_audio_path
from workbench.core.detection.parameter_text import parse_parameter
from workbench.core.errors import SettingsError

TIMEOUT_S = 300
ERROR_PREFIX = "kws: error: "
# 230 leaves only the sample's "yes" (232; its "no" peaks at 229), the default threshold both
ONLY_YES_THRESHOLD = "2.3e2"


def kws(*argv: str) -> subprocess.CompletedProcess:
    return run_kws(*argv, timeout=TIMEOUT_S)


def detect(*options: str, model: Path | None = None) -> subprocess.CompletedProcess:
    """``kws detect`` of the sample with ``model``, by default kws_yes_no: the figures above are its scores."""
    chosen = model or yes_no_model_path()
    return kws("detect", str(sample_audio_path()), "--format", "jsonl", "--model", str(chosen), *options)


def refusal(key: str, text: str) -> str:
    with pytest.raises(SettingsError) as raised:
        parse_parameter(key, text, None)
    return str(raised.value)


@pytest.mark.parametrize(("option", "text", "plain"), [
    ("--threshold", ONLY_YES_THRESHOLD, "230"),
    ("--threshold-list", f"{ONLY_YES_THRESHOLD},230, 2.55e2,255", "230,230,255,255"),
    ("--window-ms", "1.5e3", "1500"),
    ("--suppression-ms", "5e2", "500"),
    ("--count", "4e0", "4"),
    ("--latency-ms", "5e1", "50"),
])
def test_option_text_runs_with_the_value_kws_params_stores(option, text, plain) -> None:
    typed, expected = detect(option, text), detect(option, plain)
    assert typed.returncode == 0 and expected.returncode == 0, typed.stderr + expected.stderr
    assert typed.stdout == expected.stdout and typed.stdout.strip()


def test_a_threshold_typed_as_kws_params_stores_it_decides_alike(tmp_path) -> None:
    tuned = tmp_path / "tuned.tflite"
    written = kws("params", str(yes_no_model_path()), f"detection_threshold={ONLY_YES_THRESHOLD}", "-o", str(tuned))
    assert written.returncode == 0, written.stderr
    from_model, from_option = detect(model=tuned), detect("--threshold", ONLY_YES_THRESHOLD)
    assert from_model.returncode == 0 and from_option.returncode == 0
    assert from_model.stdout == from_option.stdout and '"label": "no"' not in from_option.stdout


@pytest.mark.parametrize(("option", "key", "text"), [
    ("--threshold", "detection_threshold", "1e30"),
    ("--threshold-list", "detection_threshold_list", "1e30,180,180,180"),
    ("--threshold-list", "detection_threshold_list", "180,1.5,180,180"),
    ("--count", "minimum_count", "5e9"),
    ("--latency-ms", "latency_ms", "1e19"),
    ("--window-ms", "average_window_duration_ms", "-3e9"),
    ("--suppression-ms", "suppression_ms", "soon"),
])
def test_option_text_is_refused_with_the_kws_params_sentence(tmp_path, option, key, text) -> None:
    sentence = refusal(key, text)
    refused = detect(f"{option}={text}")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr and not refused.stdout
    assert refused.stderr.rstrip().endswith(f"argument {option}: {sentence}")
    out = tmp_path / "out.tflite"
    params = kws("params", str(yes_no_model_path()), f"{key}={text}", "-o", str(out))
    assert params.returncode == 2 and params.stderr == f"{ERROR_PREFIX}{sentence}\n" and not out.exists()


def test_a_fractional_threshold_is_refused_as_kws_params_refuses_it(tmp_path) -> None:
    out = tmp_path / "out.tflite"
    params = kws("params", str(yes_no_model_path()), "detection_threshold=1.5", "-o", str(out))
    refused = detect("--threshold", "1.5")
    assert params.returncode == refused.returncode == 2 and params.stderr.startswith(ERROR_PREFIX)
    assert refused.stderr == params.stderr and not refused.stdout
