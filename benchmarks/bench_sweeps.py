"""Sweeps on this machine: trials per hour, and feature generation as Ray tasks vs one process.

Prints, each with its baseline measured in the same run:

1. Feature generation (decode + augmentation + frontend of augmented training samples from the
   shared Speech Commands clips): the single-process path (the training package's ``FeatureMaker``
   with one worker: what a sweep trial does per CPU) against :class:`RayFeatureMaker` on a local
   Ray instance with every CPU; the first Ray call (worker start-up included) and a warm one.
2. Trials per hour: a small sweep (short trials on a slice of the clips) through ``SweepRun`` on a
   local Ray instance, against the same number of the same trainings run one after another with
   ``kws train`` and no Ray.

Needs ../shared (or KWS_SHARED_DIR), Ray (kws-workbench[cluster]) and TensorFlow. Options:
``--samples N`` (feature samples, default 512), ``--trials N`` (default 4), ``--epochs N`` (default 3).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbench.usable_cpus import usable_cpus

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KWS_SHARED_DIR", REPO.parent / "shared"))
sys.path.insert(0, str(REPO / "tests" / "sweeps"))
SECONDS_PER_HOUR = 3600.0
AUGMENTED_EPOCH = 0


def feature_generation(samples: int) -> None:
    import numpy as np
    import ray

    from workbench.datasets.layout import scan_dataset
    from workbench.sweeps.on_ray.ray_features import RayFeatureMaker
    from workbench.training.data.features import FeatureMaker, FeatureSettings
    from workbench.training.data.sample_plan import make_plan
    from workbench.training.spec.model_spec import load_spec

    spec = load_spec("tflite_micro_speech")
    index = scan_dataset(SHARED / "datasets" / "speech_commands", split_method="stratified")
    plan = make_plan(index, spec.data, spec.training.seed)
    chosen = plan.training[:samples]
    settings = FeatureSettings(spec.frontend, spec.augmentation, tuple(plan.background), spec.training.seed)
    t0 = time.perf_counter()
    with FeatureMaker(settings, workers=1) as maker:
        t1 = time.perf_counter()
        single = maker.compute(chosen, AUGMENTED_EPOCH)
        t2 = time.perf_counter()
    cpus = usable_cpus()  # as a sweep's local Ray instance counts them (its affinity: taskset)
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        maker_ray = RayFeatureMaker(settings)
        t3 = time.perf_counter()
        cold = maker_ray.compute(chosen, AUGMENTED_EPOCH)
        t4 = time.perf_counter()
        warm = maker_ray.compute(chosen, AUGMENTED_EPOCH + 1)
        t5 = time.perf_counter()
    finally:
        ray.shutdown()
    assert np.array_equal(single.features, cold.features), "Ray tasks must give the same spectrograms"
    n = len(chosen)
    base = n / (t2 - t1)
    print(f"feature generation, {n} augmented training samples, {cpus} CPUs:")
    print(f"  single process (baseline): {base:8.1f} samples/s  ({t2 - t1:.2f} s + {t1 - t0:.2f} s set-up)")
    print(f"  Ray tasks, first call:     {n / (t4 - t3):8.1f} samples/s  (x{n / (t4 - t3) / base:.2f}, "
          "worker start-up included)")
    print(f"  Ray tasks, warm:           {n / (t5 - t4):8.1f} samples/s  (x{n / (t5 - t4) / base:.2f})", flush=True)


def trials_per_hour(trials: int, epochs: int) -> None:
    from sweep_data import copy_slice, sweep_text, write_sweep

    from workbench.child_command import kws_command
    from workbench.sweeps.definition.sweep_file import load_sweep
    from workbench.sweeps.sweep_run import SweepOptions, SweepRun
    from workbench.sweeps.definition.trial_spec import trial_spec

    with tempfile.TemporaryDirectory(prefix="kws-bench-sweeps-") as tmp:
        folder = Path(tmp)
        data = copy_slice(SHARED / "datasets" / "speech_commands", folder / "data")
        clips = sum(1 for _ in data.rglob("*.wav")) - len(list((data / "_background_noise_").glob("*.wav")))
        sweep = load_sweep(write_sweep(folder, sweep_text(data, trials=trials, epochs=epochs)))
        t0 = time.perf_counter()
        outcome = SweepRun(sweep, SweepOptions(out=folder / "sweep")).run()
        sweep_s = time.perf_counter() - t0
        # baseline: the same trials (spec, values, seed), one kws train after another, no Ray
        t1 = time.perf_counter()
        for i, record in enumerate(outcome.records):
            spec_file = folder / f"spec{i}.toml"
            spec_file.write_text(trial_spec(sweep, sweep.specs[0], record.params).to_toml())
            subprocess.run(kws_command("train", "--dataset", str(data), "--spec", str(spec_file), "--out",
                                       str(folder / f"seq{i}"), "--epochs", str(epochs), "--seed", str(record.seed),
                                       "--workers", "1", "--progress", "none"), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sequential_s = time.perf_counter() - t1
    done = len(outcome.records)
    print(f"trials per hour, {done} trials of {epochs} epochs on a {clips}-clip slice:")
    print(f"  one kws train after another (baseline): {done * SECONDS_PER_HOUR / sequential_s:7.1f} trials/h "
          f"({sequential_s:.1f} s)")
    print(f"  kws sweep on local Ray ({usable_cpus()} CPUs):     {done * SECONDS_PER_HOUR / sweep_s:7.1f} trials/h "
          f"({sweep_s:.1f} s incl. Ray start; x{sequential_s / sweep_s:.2f})")
    print(f"  statuses: {', '.join(sorted(r.status for r in outcome.records))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    if not (SHARED / "datasets" / "speech_commands").is_dir():
        print(f"skipped: {SHARED}/datasets/speech_commands is not there")
        return 0
    try:
        import ray  # noqa: F401
    except ImportError:
        print("skipped: Ray is not installed (pip install kws-workbench[cluster])")
        return 0
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    feature_generation(args.samples)
    trials_per_hour(args.trials, args.epochs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
