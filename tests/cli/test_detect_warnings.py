"""`kws detect` says why "0 detections" when the settings or the audio make it certain, and refuses options it
would ignore or misread (real model, real Speech Commands clip)."""

from __future__ import annotations

import pytest

from tests.bundled_model_paths import yes_no_model_path
from tests.conftest import shared_path
from workbench.assets import sample_audio_path
from workbench.cli.main import main

WARNING = "kws: warning: "
ERROR = "kws: error: "
TOO_FEW_SAMPLES = "Too few samples for averaging"  # what MLTK's firmware prints; TFLM's recognizer prints nothing


@pytest.fixture(scope="module")
def yes_clip():  # type: ignore[no-untyped-def]
    """One second of a real "yes": the bundled model detects it with a short averaging window."""
    return shared_path("datasets", "speech_commands", "yes", "022cd682_nohash_0.wav")


@pytest.fixture(scope="module")
def ten_ms_model(tmp_path_factory):  # type: ignore[no-untyped-def]
    """kws_yes_no_stream asking for an inference every 10 ms: one takes about 52 ms on the board, estimated."""
    path = tmp_path_factory.mktemp("pace") / "lat10.tflite"
    assert main(["params", "kws_yes_no_stream", "latency_ms=10", "-o", str(path)]) == 0
    return path


def warnings(err: str) -> list[str]:
    return [line.removeprefix(WARNING) for line in err.splitlines() if line.startswith(WARNING)]


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """``kws detect ARGV``, with kws_yes_no unless ARGV names a model: the figures below are its own."""
    model = [] if "--model" in argv else ["--model", str(yes_no_model_path())]
    code = main(["detect", *argv, *model])
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


def test_a_count_is_said_without_mltks_firmware_message_for_tflms_rules(capsys, yes_clip) -> None:
    code, out, err = run(capsys, str(yes_clip), "--semantics", "tflm", "--count", "20")
    assert code == 0 and not out
    assert warnings(err) == [
        "minimum_count 20 can never be reached: an averaging window of 1000 ms holds at most 11 results at one "
        "inference every 100 ms, so nothing is ever detected; lower minimum_count to 11 or lengthen "
        "average_window_duration_ms to 1900 ms"]
    code, _, err = run(capsys, str(yes_clip), "--count", "20")  # MLTK's firmware does print it
    assert code == 0 and len(warnings(err)) == 1 and f'(the board prints "{TOO_FEW_SAMPLES}")' in err


def test_a_models_interval_the_board_cannot_keep_up_with_is_said_once(capsys, yes_clip, ten_ms_model) -> None:
    code, _, err = run(capsys, str(yes_clip), "--model", str(ten_ms_model))
    assert code == 0
    assert warnings(err) == [
        "latency_ms 10 is shorter than the 52.5 ms an inference of the model takes on the EFR32xG24 (estimated, "
        "MVP; the audio frontend's time comes on top): the board infers about every 53 ms at best, so averaging "
        "windows and minimum_count tuned on this PC count fewer results there; set latency_ms to 60 or more"]
    code, _, err = run(capsys, str(yes_clip), "--model", str(ten_ms_model), "--latency-ms", "60")  # the fix named
    assert code == 0 and WARNING not in err


@pytest.mark.parametrize("semantics", ["mltk", "tflm"])
def test_a_latency_option_the_board_cannot_keep_up_with_is_said_once(capsys, yes_clip, semantics) -> None:
    code, _, err = run(capsys, str(yes_clip), "--latency-ms", "5", "--semantics", semantics)
    assert code == 0
    pace = [line for line in warnings(err) if line.startswith("latency_ms ")]
    assert len(pace) == 1 and pace[0].startswith("latency_ms 5 is shorter than the 12.1 ms an inference of the model "
                                                 "takes on the EFR32xG24 (estimated, MVP; ")
    assert pace[0].endswith("set latency_ms to 20 or more")


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
