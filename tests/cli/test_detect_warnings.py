"""`kws detect` says why "0 detections" when the settings or the audio make it certain, and refuses options it
would ignore or misread (real model, real Speech Commands clip)."""

from __future__ import annotations

import pytest

from tests.conftest import shared_path
from workbench.assets import sample_audio_path
from workbench.cli.main import main

WARNING = "kws: warning: "
ERROR = "kws: error: "


@pytest.fixture(scope="module")
def yes_clip():  # type: ignore[no-untyped-def]
    """One second of a real "yes": the bundled model detects it with a short averaging window."""
    return shared_path("datasets", "speech_commands", "yes", "022cd682_nohash_0.wav")


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(["detect", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_settings_that_can_detect_run_without_a_warning(capsys, yes_clip) -> None:
    code, out, err = run(capsys, str(sample_audio_path()))
    assert code == 0 and "detected  yes" in out and WARNING not in err
    code, out, err = run(capsys, str(yes_clip))  # the clip is too short for the model's 1000 ms average
    assert code == 0 and not out and WARNING not in err


def test_a_count_the_window_cannot_hold_is_said_before_the_run(capsys, yes_clip) -> None:
    code, out, err = run(capsys, str(yes_clip), "--window-ms", "100")
    assert code == 0 and not out
    assert err.splitlines() == [
        f"{WARNING}minimum_count 3 can never be reached: an averaging window of 100 ms holds at most 2 results at "
        "one inference every 100 ms, so nothing is ever detected (the board prints \"Too few samples for "
        "averaging\"); lower minimum_count to 2 or lengthen average_window_duration_ms to 200 ms",
        "0 detections in 1.00 s of audio"]
    code, out, err = run(capsys, str(yes_clip), "--window-ms", "200")  # the fix the warning names
    assert code == 0 and "detected  yes" in out and WARNING not in err


def test_a_threshold_list_no_keyword_can_exceed_is_said(capsys, yes_clip) -> None:
    code, _, err = run(capsys, str(yes_clip), "--threshold-list", "255,255,0,0")
    assert code == 0 and err.startswith(f"{WARNING}every keyword's entry of detection_threshold_list is 255")


def test_audio_shorter_than_one_inference_interval_is_said(capsys, yes_clip) -> None:
    code, out, err = run(capsys, str(yes_clip), "--latency-ms", "100000", "--count", "0")
    assert code == 0 and not out
    assert err.splitlines() == [
        f"{WARNING}no inference ran: the 1.00 s of audio is shorter than one inference interval (latency_ms "
        "100000); lower --latency-ms or give longer audio",
        "0 detections in 1.00 s of audio"]


def test_gain_zero_is_refused_and_help_says_what_gain_is(capsys, yes_clip) -> None:
    code, out, err = run(capsys, str(yes_clip), "--gain", "0")
    assert code == 2 and not out
    assert err == (f"{ERROR}--gain must be a factor above 0, got 0: it multiplies the audio (1 = unchanged), so 0 "
                   "would mute it; for no gain give --gain 1 or leave it out\n")
    assert run(capsys, str(yes_clip), "--gain", "1")[1] == run(capsys, str(yes_clip))[1]
    with pytest.raises(SystemExit):
        main(["detect", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "1 = unchanged" in help_text and "unlike volume_gain, where 0 means no gain" in help_text


def test_device_is_refused_with_a_file(capsys, yes_clip) -> None:
    code, out, err = run(capsys, str(yes_clip), "--device", "3")
    assert (code, out) == (2, "")
    assert err == f"{ERROR}--device is for --mic; a file is read from disk, not from an input device\n"
