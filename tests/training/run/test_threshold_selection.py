"""The detection threshold chosen on validation clips through the live engine and the firmware's detector."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine
from workbench.core.model.model_file import load_model
from workbench.training.run.threshold_selection import choose_threshold, detected_labels

WORDS = {"yes": 6, "no": 6, "house": 3, "bird": 3, "_silence_": 4}


def _clips(shared_dir: Path) -> list[tuple[Path, str]]:
    root = shared_dir / "datasets" / "speech_commands"
    clips = []
    for word, count in WORDS.items():
        label = word if word in ("yes", "no", "_silence_") else "_unknown_"
        clips += [(p, label) for p in sorted((root / word).glob("*.wav"))[:count]]
    return clips


def test_the_chosen_threshold_is_the_best_balanced_rate_and_the_detector_agrees(
        reference_model_path: Path, shared_dir: Path) -> None:
    model = load_model(reference_model_path)
    detection = DetectionSettings.from_params(model.params)
    clips = _clips(shared_dir)
    choice = choose_threshold(model, clips, detection, candidates=range(100, 251, 25))
    assert choice.threshold in range(100, 251, 25)
    assert [row["threshold"] for row in choice.table] == list(range(100, 251, 25))
    assert choice.balanced_rate == max(row["balanced"] for row in choice.table)
    assert set(choice.per_class) == {"yes", "no", "_unknown_", "_silence_"}
    rates = [row["yes"] for row in choice.table]
    assert rates == sorted(rates, reverse=True)  # a higher threshold never finds more keywords
    # the figures are what the live engine with that threshold decides, clip by clip
    engine = Engine(model, detection.replace(detection_threshold=choice.threshold))
    found_yes = []
    for path, label in clips:
        if label == "yes":
            found_yes.append(detected_labels(engine, path) == {"yes"})
    assert np.mean(found_yes) == choice.per_class["yes"]
