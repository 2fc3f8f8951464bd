"""The classifier-log parser on the line formats FORMATS.md gives (audio_classifier firmware)."""

from __future__ import annotations

from workbench.board.logs.classifier_log import (BoardDetection, BoardNotice, BoardScores, ClassifierLogParser,
                                                 parse_classifier_log)

STARTUP = """Audio Classifier
Using .tflite in flash at 0x0817AB8C
Runtime memory size from .tflite model: 9032
Op2-FULLY_CONNECTED not supported: weights_shape[1] (4000) > 2048
Model details:
Name: tflite_micro_speech
Version: 1
Date: 2022-02-04T19:13:52.143Z
Hash: 36dd6db8f633c9fca61b418402ea698f
Accelerator: mvp
Tensor runtime memory: 9.032k
Input: 1x49x40x1 (int8)
Output: 1x4 (int8)
Classes: yes, no, _unknown_, _silence_

AudioFeatureGenerator settings:
fe.sample_rate_hz=16000
fe.filterbank_upper_band_limit=7500.000
fe.audio_buffer_size = 16384
samplewise_norm.rescale=0.000
samplewise_norm.mean_and_std=0

Application settings:
average_window_duration_ms=1000
detection_threshold=185
suppression_ms=750
minimum_count=3
sensitivity=0.50
verbose_model_output_logs=1
latency_ms=100
volume_gain=2
dump_audio=0
dump_raw_spectrograms=0
dump_spectrograms=0

"""


def test_startup_facts() -> None:
    startup, events = parse_classifier_log(STARTUP)
    assert events == []
    assert startup.started and startup.model_address == 0x0817AB8C and not startup.default_model
    assert startup.runtime_memory_bytes == 9032
    assert startup.classes == ("yes", "no", "_unknown_", "_silence_")
    assert startup.details["Name"] == "tflite_micro_speech"
    assert startup.frontend == {"fe.sample_rate_hz": 16000, "fe.filterbank_upper_band_limit": 7500.0,
                                "fe.audio_buffer_size": 16384, "samplewise_norm.rescale": 0.0,
                                "samplewise_norm.mean_and_std": 0}
    assert startup.application["detection_threshold"] == 185
    assert startup.application["sensitivity"] == 0.5
    assert startup.application["verbose_model_output_logs"] == 1
    assert len(startup.application) == 11
    assert startup.unsupported == ["Op2-FULLY_CONNECTED not supported: weights_shape[1] (4000) > 2048"]


def _started() -> ClassifierLogParser:
    """A parser that has seen the banner: lines before it are not this run's."""
    parser = ClassifierLogParser()
    assert parser.feed("Audio Classifier") is None and parser.startup.started
    return parser


def test_inference_and_detection_lines() -> None:
    parser = _started()
    # the firmware's verbose line ends with a space before the newline
    assert parser.feed("[  3612] (  8) 244   6   2   4 ") == BoardScores(3612, 8, (244, 6, 2, 4))
    assert parser.feed("[123456] (100)   0   0 255   1") == BoardScores(123456, 100, (0, 0, 255, 1))
    det = parser.feed("Detected class=0 label=yes score=204 @3712ms")
    assert det == BoardDetection(3712, 0, "yes", 204)
    assert det.to_json() == {"source": "board", "time_ms": 3712, "class": 0, "label": "yes", "score": 204}
    assert BoardScores(1, 2, (3, 4)).to_json() == {"source": "board", "time_ms": 1, "scores": [3, 4]}
    assert parser.feed("[  36") is None  # a partial line is not an inference


def test_warnings_and_fatal_errors() -> None:
    parser = _started()
    too_few = parser.feed("Too few samples for averaging. This likely means the inference loop is taking too long.")
    assert too_few == BoardNotice("warning", too_few.text) and not too_few.fatal
    assert parser.feed("WARNING: Number of categories(4) is not equal to the number of labels(3).").kind == "warning"
    assert parser.feed("Model parameter missing: fe.fft_length").kind == "warning"
    fatal = parser.feed("ERROR: Failed to load audio feature generator parameters from .tflite model")
    assert fatal.fatal and "audio feature generator" in fatal.text
    assert parser.feed("Cortex IRQ HardFault triggered!").fatal
    assert parser.feed("*** Assert Failed: audio.c:12 x y").fatal


def test_startup_is_complete_after_the_application_settings() -> None:
    parser = ClassifierLogParser()
    lines = STARTUP.splitlines()
    assert lines[-1] == ""  # the blank line that ends the application settings
    for line in lines[:-1]:
        parser.feed(line)
        assert not parser.startup.complete
    parser.feed(lines[-1])
    assert parser.startup.complete


def test_lines_before_the_banner_are_the_previous_firmwares() -> None:
    """A board still running the earlier (verbose) classifier until its reset: its scores, detections and
    settings are not this run's; only a fatal message counts, as MLTK's fail patterns see everything."""
    stale = ["[ 66900] (  8)   2   2   4 248 ", "Detected class=0 label=yes score=204 @3712ms",
             "Too few samples for averaging. This likely means the inference loop is taking too long.",
             "Application settings:", "verbose_model_output_logs=1", ""]
    startup, events = parse_classifier_log("\n".join(stale) + "\n" + STARTUP + "[  3612] (  8) 244   6   2   4 \n")
    assert events == [BoardScores(3612, 8, (244, 6, 2, 4))]
    assert startup.started and startup.complete and len(startup.application) == 11
    parser = ClassifierLogParser()
    for line in stale:
        assert parser.feed(line) is None
        assert not parser.startup.complete
    assert parser.feed("Cortex IRQ HardFault triggered!").fatal
    assert parser.feed("\x8f\xfeAudio Classifier") is None and parser.startup.started  # noise before the banner


def test_a_detection_that_is_not_the_models_is_a_garbled_line() -> None:
    """``Detected class=7 label=zebra`` from a 4-class model is noise on the wire: a warning, never a detection."""
    _startup, events = parse_classifier_log(STARTUP + "Detected class=7 label=zebra score=204 @4000ms\n"
                                            "Detected class=0 label=no score=204 @4100ms\n"
                                            "Detected class=1 label=no score=210 @5000ms\n")
    assert events == [
        BoardNotice("warning", "a garbled line, not a detection: 'Detected class=7 label=zebra score=204 @4000ms' "
                               "(the model has 4 classes: yes, no, _unknown_, _silence_)"),
        BoardNotice("warning", "a garbled line, not a detection: 'Detected class=0 label=no score=204 @4100ms' "
                               "(class 0 of the model is 'yes')"),
        BoardDetection(5000, 1, "no", 210)]


def test_without_class_names_the_output_size_bounds_the_class_index() -> None:
    no_names = STARTUP.replace("Classes: yes, no, _unknown_, _silence_\n", "")
    _startup, events = parse_classifier_log(no_names + "Detected class=4 label=x score=204 @4000ms\n"
                                            "Detected class=3 label=x score=204 @4100ms\n")
    assert events[0] == BoardNotice("warning", "a garbled line, not a detection: 'Detected class=4 label=x score=204 "
                                               "@4000ms' (the model has 4 classes)")
    assert events[1] == BoardDetection(4100, 3, "x", 204)
