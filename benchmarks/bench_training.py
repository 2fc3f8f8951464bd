"""Training speed: features + augmentation throughput, and the wall time of the whole default training.

1. Spectrograms of one epoch's training samples (the default recipe's plan on the shared Speech
   Commands clips), in clips per second: the default recipe's augmentation (MLTK's: offset, trim,
   background noise) and the optional loudness, speed and pitch on top, each in this process (the
   baseline, measured in the same run) and in worker processes as ``kws train`` computes them.
2. ``kws train --spec default`` end to end (scan, features, training, conversion, threshold,
   evaluation) in a child process, its wall time and the test-split figures; the goal is at most
   15 minutes on 2 cores. ``--skip-training`` leaves it out (it takes minutes).

Needs ../shared (or KWS_SHARED_DIR) and TensorFlow for part 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbench.usable_cpus import usable_cpus

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KWS_SHARED_DIR", REPO.parent / "shared"))
DATASET = SHARED / "datasets" / "speech_commands"
GOAL_MINUTES = 15.0
PERCENT = 100.0


def feature_throughput(samples_limit: int, workers: int) -> None:
    from workbench.datasets.layout import scan_dataset
    from workbench.training.data.features import FeatureMaker, FeatureSettings
    from workbench.training.data.sample_plan import make_plan
    from workbench.training.spec import load_spec

    spec = load_spec("default")
    index = scan_dataset(DATASET)
    plan = make_plan(index, spec.data, spec.training.seed)
    samples = plan.training[:samples_limit]
    heavy = dataclasses.replace(spec.augmentation, loudness_range=(0.6, 1.6), speed_range=(0.85, 1.15),
                                pitch_range=(-2.0, 2.0))
    print(f"{len(samples)} training samples of the default plan, {workers} worker processes")
    for label, augmentation in (("default recipe: MLTK's (offset, trim, noise)", spec.augmentation),
                                ("+ loudness, speed, pitch (optional)", heavy)):
        settings = FeatureSettings(spec.frontend, augmentation, tuple(plan.background), spec.training.seed)
        rates = {}
        for n in (1, workers):
            with FeatureMaker(settings, n) as maker:
                maker.compute(samples[:8], epoch=0)  # workers started and warm
                start = time.perf_counter()
                maker.compute(samples, epoch=1)
                rates[n] = len(samples) / (time.perf_counter() - start)
        print(f"  {label:<44} 1 process {rates[1]:7.0f} clips/s | {workers} workers {rates[workers]:7.0f} "
              f"clips/s ({rates[workers] / rates[1]:.2f}x)")


def default_training(out: Path) -> int:
    command = [sys.executable, "-m", "workbench.cli.main", "train", "--spec", "default", "--dataset", str(DATASET),
               "--out", str(out), "--progress", "none"]
    print(f"default training: {' '.join(command[2:])}")
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    minutes = (time.perf_counter() - start) / 60
    if result.returncode != 0:
        print(result.stderr[-2000:])
        return result.returncode
    summary = json.loads((out / "summary.json").read_text())
    test = summary["evaluation"]
    per_class = ", ".join(f"{k} {v * PERCENT:.1f} %" for k, v in test["class_accuracies"].items())
    print(f"  wall time {minutes:.1f} min (goal <= {GOAL_MINUTES:.0f} min on 2 cores), {summary['epochs']} epochs, "
          f"training loop {summary['training_wall_time_s'] / 60:.1f} min")
    print(f"  test split: balanced accuracy {test['balanced_accuracy'] * PERCENT:.1f} % ({per_class}); "
          f"detection_threshold {summary['detection_threshold']}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=600, help="samples for the throughput figures")
    parser.add_argument("--workers", type=int, default=usable_cpus())
    parser.add_argument("--skip-training", action="store_true", help="only the throughput figures")
    parser.add_argument("--out", type=Path, help="keep the default training's folder here")
    args = parser.parse_args()
    if not DATASET.is_dir():
        print(f"no shared dataset at {DATASET} (set KWS_SHARED_DIR)")
        return 0
    feature_throughput(args.samples, max(2, args.workers))
    if args.skip_training:
        return 0
    if importlib.util.find_spec("tensorflow") is None:
        print("default training: skipped (TensorFlow is not installed)")
        return 0
    if args.out is not None:
        return default_training(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        return default_training(Path(tmp) / "run")


if __name__ == "__main__":
    raise SystemExit(main())
