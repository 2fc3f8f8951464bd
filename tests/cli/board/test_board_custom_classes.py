"""``kws board classify`` of custom-keyword models against the simulated board (tests/board/sim/board_sim.py).

The simulated audio classifier must behave as MLTK's firmware does with the flashed model's own parameters
(FORMATS.md section 3, ``recognize_commands.cc``, ``audio_classifier_config.cc``): its class names label the
start-up block and the detections, ``detection_threshold_list`` sets each class's threshold, a class whose
name starts with ``_`` is never reported, and a model it cannot read its classes or thresholds from is refused.
The scripted session gives class 0 the "yes" scores, class 1 the "no" scores and class 2 the "other speech"
scores (at most 244, 245 and 230), so thresholds of 246 and 255 are above anything the board can report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board_factory, classifier_image, commander  # noqa: E402,F401

from workbench.cli.main import main  # noqa: E402

BUNDLED_MODEL = "kws_yes_no"  # resources/models/kws_yes_no.tflite (read only: copies go to tmp_path)
UP_DOWN = "up,down,_unknown_,_silence_"
DOWN_ONLY = "246,100,255,255"  # "up" (scores <= 244) and the "_" classes (255) can never pass their threshold
UP_ONLY = "100,255,255,255"  # "down" at 255 can never pass: no uint8 average is above 255
# recognize_commands' rule over one scripted pass with kws_yes_no's window 1000 ms, suppression 750 ms, count 3
DOWN_DETECTIONS = [(5700, 134), (6500, 156), (12600, 134), (13400, 178), (14200, 200)]
UP_DETECTIONS = [(3200, 134), (4000, 156), (10800, 128)]
APP_PARAMS_ERROR = "ERROR: Failed to load app parameters from .tflite model"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _custom_model(capsys, folder: Path, classes: str, thresholds: str) -> Path:
    """A copy of the bundled yes/no model relabelled with ``kws params``, as a user makes a custom one."""
    path = folder / "custom.tflite"
    code, _, err = _run(capsys, "params", BUNDLED_MODEL, "-o", str(path), f"classes={classes}",
                        f"detection_threshold_list={thresholds}")
    assert code == 0, err
    return path


def _classify(capsys, sim, image: Path, model: Path, *extra: str) -> tuple[int, str, str]:
    return _run(capsys, "board", "classify", str(model), "--port", str(sim.port), "--firmware", str(image),
                "--duration", "3", *extra)


def test_custom_classes_label_the_startup_and_the_detections_text(board_factory, classifier_image, capsys,
                                                                  tmp_path: Path) -> None:
    model = _custom_model(capsys, tmp_path, UP_DOWN, DOWN_ONLY)
    sim = board_factory(time_scale=0.01, passes=1)
    code, out, err = _classify(capsys, sim, classifier_image, model)
    assert code == 0, err
    assert "Classes: up, down, _unknown_, _silence_\n" in out and "Tensor runtime memory: 19.504k\n" in out
    detections = [line for line in out.splitlines() if "detected" in line]
    assert detections == [f"{t / 1000:8.3f}s  detected  {'down':<12} score={score}  [board]"
                          for t, score in DOWN_DETECTIONS]
    assert f"{len(DOWN_DETECTIONS)} detections" in err


@pytest.mark.parametrize(("thresholds", "label", "index", "expected"),
                         [(DOWN_ONLY, "down", 1, DOWN_DETECTIONS), (UP_ONLY, "up", 0, UP_DETECTIONS)])
def test_custom_classes_jsonl_report_only_classes_that_pass_their_own_threshold(
        board_factory, classifier_image, capsys, tmp_path: Path, thresholds: str, label: str, index: int,
        expected: list[tuple[int, int]]) -> None:
    model = _custom_model(capsys, tmp_path, UP_DOWN, thresholds)
    sim = board_factory(time_scale=0.01, passes=1)
    code, out, err = _classify(capsys, sim, classifier_image, model, "--format", "jsonl", "--verbose")
    assert code == 0, err
    objects = [json.loads(line) for line in out.splitlines()]
    assert objects[0]["startup"]["classes"] == UP_DOWN.split(",")
    assert len([o for o in objects if "scores" in o]) == 150  # the whole pass ran: nothing was missed
    detections = [o for o in objects if "label" in o]
    assert [(d["time_ms"], d["class"], d["label"], d["score"]) for d in detections] == [
        (t, index, label, score) for t, score in expected]


def test_classes_starting_with_underscore_are_never_reported(board_factory, classifier_image, capsys,
                                                             tmp_path: Path) -> None:
    """Class 0 (the scripted "yes") is ``_noise_`` with threshold 0 and wins the average for a second: the
    firmware still never reports it, nor ``_silence_``; class 2 (the scripted other speech) is a keyword here."""
    model = _custom_model(capsys, tmp_path, "_noise_,down,up,_silence_", "0,100,100,0")
    sim = board_factory(time_scale=0.01, passes=1)
    code, out, err = _classify(capsys, sim, classifier_image, model, "--format", "jsonl")
    assert code == 0, err
    detections = [json.loads(line) for line in out.splitlines() if '"label"' in line]
    assert [(d["time_ms"], d["label"]) for d in detections] == [
        (5700, "down"), (6500, "down"), (8200, "up"), (9000, "up"), (12600, "down"), (13400, "down"),
        (14200, "down")]


def test_the_board_refuses_a_model_without_classes_or_with_a_short_threshold_list(
        board_factory, classifier_image, capsys, tmp_path: Path) -> None:
    """audio_classifier_config.cc: no string-list ``classes``, or a threshold list of another length, stops
    the firmware with its reason and ``ERROR: Failed to load app parameters`` -- which the CLI reports when such
    a model is flashed anyway (``--force``; without it nothing is flashed)."""
    from workbench.core.model.model_file import load_model
    from workbench.core.model.model_params import write_params

    custom = _custom_model(capsys, tmp_path, UP_DOWN, DOWN_ONLY)
    params = load_model(custom).params
    short = tmp_path / "short-list.tflite"
    short.write_bytes(write_params(custom.read_bytes(), {**params, "detection_threshold_list": [246, 100, 255]}))
    nameless = tmp_path / "nameless.tflite"
    nameless.write_bytes(write_params(custom.read_bytes(), {k: v for k, v in params.items() if k != "classes"}))
    sim = board_factory(time_scale=0.01, passes=1)
    for model, reason in ((short, "The number of entries in the model parameter: 'detection_threshold_list' "
                                  "must match the number of classes"),
                          (nameless, '.tflite does not define a "classes" parameter')):
        code, out, err = _classify(capsys, sim, classifier_image, model, "--force")
        assert code == 2 and f"The board's audio classifier failed: {APP_PARAMS_ERROR}" in err, err
        assert f"\n{reason}\n" in out and "Application settings:" not in out and "detected" not in out
