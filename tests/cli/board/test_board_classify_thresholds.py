"""``kws board classify`` takes the thresholds as ``kws detect`` does: ``--threshold`` for every class (a per-class
list the model stores no longer overrides it on the board) and ``--threshold-list``, one per class, as ``kws
calibrate --per-class-thresholds`` recommends them. Before, ``--threshold 250`` on a model calibrated per class
flashed it with the list kept, and the board went on detecting at the list's thresholds."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board_factory, classifier_image, commander  # noqa: E402,F401

from workbench.cli.main import main  # noqa: E402

SCRIPTED = ["yes", "no", "no", "no"]  # the simulator's pass: averaged scores rise to 244 ("yes") and 245 ("no")


def _per_class_model(reference: Path, folder: Path) -> Path:
    """The reference model with the per-class thresholds a calibration stored (190 each: under the board's 200)."""
    from workbench.core.model.model_file import load_model
    from workbench.core.model.model_params import write_params

    path = folder / "per_class.tflite"
    params = {**load_model(reference).params, "detection_threshold_list": [190, 190, 190, 190]}
    path.write_bytes(write_params(reference.read_bytes(), params))
    return path


def _detections(capsys, sim, image: Path, model: Path, *options: str) -> list[str]:
    code = main(["board", "classify", str(model), "--port", str(sim.port), "--firmware", str(image),
                 "--duration", "3", *options])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return [line.split()[2] for line in captured.out.splitlines() if " detected " in line]


def test_threshold_replaces_the_models_per_class_list_on_the_board(board_factory, classifier_image, capsys,
                                                                   reference_model_path: Path,
                                                                   tmp_path: Path) -> None:
    model = _per_class_model(reference_model_path, tmp_path)
    sim = board_factory(time_scale=0.01, passes=1)
    assert _detections(capsys, sim, classifier_image, model) == SCRIPTED  # at the list's 190
    assert _detections(capsys, sim, classifier_image, model, "--threshold", "250") == []


def test_threshold_list_gives_each_class_its_own_threshold_on_the_board(board_factory, classifier_image, capsys,
                                                                        reference_model_path: Path) -> None:
    sim = board_factory(time_scale=0.01, passes=1)
    only_no = _detections(capsys, sim, classifier_image, reference_model_path, "--threshold-list", "255,190,255,255")
    assert only_no == [label for label in SCRIPTED if label == "no"]


def test_a_threshold_list_of_the_wrong_length_is_one_sentence_before_flashing(commander, capsys,
                                                                              reference_model_path: Path) -> None:
    code = main(["board", "classify", str(reference_model_path), "--port", "/nonexistent", "--threshold-list",
                 "200,200"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "detection_threshold_list" in err
    assert commander.calls() == []  # nothing asked of the board
