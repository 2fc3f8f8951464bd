"""`kws detect --preset NAME`: a real model carrying presets written by `kws params`, the real sample recording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import sample_audio_path
from workbench.cli.main import main

STRICT_THRESHOLD = 250  # above both of kws_yes_no's scores on the sample ("yes" 164, "no" 162)
QUIET = ("preset.quiet_room.detection_threshold=130", "preset.quiet_room.detection_threshold_list=130,190,255,255",
         "preset.quiet_room.average_window_duration_ms=750", "preset.quiet_room.suppression_ms=1500",
         "preset.quiet_room.minimum_count=1", "preset.quiet_room.description=for a quiet room")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def detections(capsys, model: Path, *options: str) -> list[dict]:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "detect", str(sample_audio_path()), "--model", str(model), "--format", "jsonl",
                           *options)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def with_presets(capsys, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """kws_yes_no with a preset "strict" that hears nothing on the sample, and "quiet_room"."""
    path = tmp_path / "presets.tflite"
    code, _, err = run_cli(capsys, "params", str(yes_no_model_path()), "-o", str(path),
                           f"preset.strict.detection_threshold={STRICT_THRESHOLD}", *QUIET)
    assert code == 0, err
    return path


def test_a_preset_changes_what_is_detected_and_the_options_still_override_it(capsys, with_presets) -> None:
    own = detections(capsys, with_presets)
    assert [d["label"] for d in own] == ["yes", "no"]
    assert detections(capsys, with_presets, "--preset", "strict") == []
    overridden = detections(capsys, with_presets, "--preset", "strict", "--threshold", "150")
    assert [d["label"] for d in overridden] == ["yes", "no"]


def test_a_preset_gives_all_its_values_per_class_thresholds_too(capsys, with_presets) -> None:
    """quiet_room's window of 750 ms and count 1 decide earlier than the model's own 1000 ms and count 3, with its
    own thresholds ("no" above 190); the same options given one by one give the same detections."""
    quiet = detections(capsys, with_presets, "--preset", "Quiet room")
    assert [d["label"] for d in quiet] == ["yes", "no"]
    assert quiet[0]["time_s"] < detections(capsys, with_presets)[0]["time_s"]
    assert quiet == detections(capsys, with_presets, "--threshold-list", "130,190,255,255", "--window-ms", "750",
                               "--suppression-ms", "1500", "--count", "1")


def test_an_unknown_preset_names_the_models_presets(capsys, with_presets) -> None:
    code, out, err = run_cli(capsys, "detect", str(sample_audio_path()), "--model", str(with_presets),
                             "--preset", "loud")
    assert code == 2 and not out
    assert err == "kws: error: presets.tflite has no preset loud; its presets: quiet_room, strict\n"


def test_a_preset_of_a_model_without_presets_says_it_has_none(capsys) -> None:
    code, _, err = run_cli(capsys, "detect", str(sample_audio_path()), "--model", str(yes_no_model_path()),
                           "--preset", "quiet_room")
    assert code == 2 and err.startswith("kws: error: kws_yes_no.tflite has no presets")
    assert "kws calibrate --apply-to OUT.tflite --as-preset quiet_room" in err


def test_a_malformed_preset_name_is_refused_by_its_rule(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["detect", str(sample_audio_path()), "--model", str(yes_no_model_path()), "--preset", "quiet-room"])
    assert "a preset name takes only lowercase letters, digits and underscores" in capsys.readouterr().err


def test_detect_help_says_what_preset_does(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["detect", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--preset NAME" in text and "instead of its own detection parameters" in text
