"""`kws calibrate --apply-to OUT.tflite --as-preset NAME`: the recommendation written into the copy as a named preset,
the model's own parameters unchanged, and `kws detect --preset NAME` reproducing the recommended set's detections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bundled_model_paths import yes_no_model_path
from tests.conftest import shared_path
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.cli.main import main
from workbench.core.detection.presets import presets_in
from workbench.core.detection.settings import DetectionSettings
from workbench.core.model.model_file import load_model

RANGES = ("--thresholds", "150:250:20", "--windows-ms", "300,750", "--suppressions-ms", "500,1500", "--counts", "1,3")
STREAM_MINUTES = 1.0
TARGET_FA_PER_HOUR = "200"
DESCRIPTION = "for a quiet room: keywords among silence"


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A minute of real Speech Commands words among silence, with its labels."""
    wav = tmp_path_factory.mktemp("as_preset") / "stream.wav"
    speech_commands = shared_path("datasets", "speech_commands")
    write_stream(make_dataset_stream([speech_commands], StreamRecipe(minutes=STREAM_MINUTES, seed=11)), wav)
    return wav


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def detections(capsys, wav: Path, *options: str) -> list[dict]:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(capsys, "detect", str(wav), "--format", "jsonl", *options)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_the_recommendation_is_written_as_a_preset_that_kws_detect_reproduces(capsys, stream, tmp_path) -> None:
    copy = tmp_path / "quiet.tflite"
    code, out, err = run_cli(capsys, "calibrate", "--model", str(yes_no_model_path()), "--stream", str(stream),
                             "--target-fa-per-hour", TARGET_FA_PER_HOUR, *RANGES, "--format", "json",
                             "--apply-to", str(copy), "--as-preset", "quiet room",
                             "--preset-description", DESCRIPTION, "--progress", "none")
    assert code == 0, err
    assert err.splitlines()[-1].startswith(f"wrote {copy} (preset quiet_room: threshold ")
    recommended = json.loads(out)["recommended"]
    original, written = load_model(yes_no_model_path()), load_model(copy)
    own = DetectionSettings.from_params(written.params)
    assert own == DetectionSettings.from_params(original.params)  # what the board uses: as it was
    (preset,) = presets_in(written.params, own, written.classes)
    assert (preset.name, preset.description) == ("quiet_room", DESCRIPTION)
    assert {key: getattr(preset.settings, key) for key in ("detection_threshold", "average_window_duration_ms",
                                                           "suppression_ms", "minimum_count")} == \
        {key: recommended[key] for key in ("detection_threshold", "average_window_duration_ms", "suppression_ms",
                                           "minimum_count")}
    assert preset.settings.detection_threshold_list is None
    with_preset = detections(capsys, stream, "--model", str(copy), "--preset", "quiet_room")
    assert with_preset == detections(capsys, stream, "--model", str(yes_no_model_path()),
                                     "--threshold", str(recommended["detection_threshold"]),
                                     "--window-ms", str(recommended["average_window_duration_ms"]),
                                     "--suppression-ms", str(recommended["suppression_ms"]),
                                     "--count", str(recommended["minimum_count"]))
    assert with_preset != detections(capsys, stream, "--model", str(copy))  # the model's own set differs


def test_without_a_description_the_preset_says_where_it_was_calibrated(capsys, stream, tmp_path) -> None:
    copy = tmp_path / "quiet.tflite"
    code, _, err = run_cli(capsys, "calibrate", "--model", str(yes_no_model_path()), "--stream", str(stream),
                           "--target-fa-per-hour", TARGET_FA_PER_HOUR, *RANGES, "--apply-to", str(copy),
                           "--as-preset", "quiet_room", "--progress", "none")
    assert code == 0, err
    description = load_model(copy).params["preset.quiet_room.description"]
    assert description.startswith(f"calibrated by kws calibrate on {stream.name} for at most 200 false accepts")


@pytest.mark.parametrize("options, said", [
    (("--as-preset", "quiet_room"), "--as-preset names the preset written into the copy of the model that "
                                    "--apply-to OUT.tflite writes: give --apply-to too"),
    (("--preset-description", DESCRIPTION), "--preset-description describes the preset --as-preset NAME writes"),
])
def test_a_preset_option_without_what_it_needs_is_refused_before_the_replay(capsys, tmp_path, options, said) -> None:
    code, out, err = run_cli(capsys, "calibrate", "--model", str(yes_no_model_path()),
                             "--stream", str(tmp_path / "never_read.wav"), *options)
    assert code == 2 and not out and err.startswith(f"kws: error: {said}")


def test_calibrate_help_says_what_the_preset_options_do(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["calibrate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--as-preset NAME" in text and "the model's own parameters, which the board uses, stay as they are" in text
    assert "--preset-description TEXT" in text
