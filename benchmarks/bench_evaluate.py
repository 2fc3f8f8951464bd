"""Evaluation throughput: clips per second of ``evaluate_model`` on the shared Speech Commands clips.

Prints the in-process figure (the baseline, measured in the same run), the worker-pool figure with one
process per core (including the processes' start-up), the speed-up, and where one clip's time goes
(decode, trim-and-pad, frontend, LiteRT). Needs ../shared (or KWS_SHARED_DIR) and the reference model.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from workbench.core.audio.audio_file import load_audio
from workbench.core.model.model_file import load_model
from workbench.datasets.clip_length import fit_length
from workbench.datasets.layout import scan_dataset
from workbench.evaluation.clip_scores import ClipScorer, default_workers
from workbench.evaluation.evaluate import evaluate_model

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KWS_SHARED_DIR", REPO.parent / "shared"))
MS_PER_S = 1000.0
STAGE_CLIPS = 300


def stage_times_ms(model_path: Path, paths: list[Path]) -> dict[str, float]:
    model = load_model(model_path)
    scorer = ClipScorer(model.tflite, model.params)
    totals = dict.fromkeys(("decode", "trim + pad", "frontend", "LiteRT"), 0.0)
    for path in paths:
        t0 = time.perf_counter()
        clip = load_audio(path)
        t1 = time.perf_counter()
        audio = fit_length(clip.samples, scorer.settings.sample_length)
        t2 = time.perf_counter()
        features = scorer.frontend.process_clip(audio, dtype=scorer.runner.features_dtype)
        t3 = time.perf_counter()
        scorer.runner.probabilities(features)
        t4 = time.perf_counter()
        for key, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            totals[key] += dt
    return {key: value * MS_PER_S / len(paths) for key, value in totals.items()}


def main() -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    dataset = SHARED / "datasets" / "speech_commands"
    model = SHARED / "reference-models" / "tflite_micro_speech.tflite"
    if not dataset.is_dir() or not model.is_file():
        print(f"skipped: shared data not found under {SHARED}")
        return 0
    clips = scan_dataset(dataset, check_audio=False).clips
    evaluate_model(model, clips[:50], workers=1)  # warm the file cache and the imports
    alone = evaluate_model(model, clips, workers=1)
    workers = default_workers()
    start = time.monotonic()
    pooled = evaluate_model(model, clips, workers=workers)
    wall = time.monotonic() - start
    print(f"in-process (baseline): {alone.clips_per_s:8.0f} clips/s  ({len(clips)} clips, {alone.elapsed_s:.2f} s)")
    print(f"{workers} worker processes  : {len(clips) / wall:8.0f} clips/s  ({wall:.2f} s incl. start-up), "
          f"speed-up {alone.elapsed_s / wall:.2f}x")
    same = (alone.scores == pooled.scores).all()
    print(f"identical scores: {bool(same)}")
    stages = stage_times_ms(model, [c.path for c in clips[:STAGE_CLIPS]])
    print("per clip: " + ", ".join(f"{k} {v:.3f} ms" for k, v in stages.items()))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
