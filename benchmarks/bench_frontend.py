"""Frontend throughput: seconds of audio per CPU second, single thread, 200 one-second clips.

Prints our figure and, in the same run, MLTK's own frontend on the same clips (the silabs-mltk wheel pinned
in ``baselines.txt``, which ``make bench`` installs with ``--no-deps``), with the speed-up and a bit-exactness
check. Goal: >= 3x MLTK's figure measured in the same run (MLTK's absolute figure varies by machine). When
MLTK cannot be run the comparison is reported as failed, with the reason, and no verdict is given (exit code
0, as the other benchmarks treat a missing prerequisite). The streaming figure includes the Python facade's
per-call cost of 50 calls per second of audio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baseline import BaselineMissing, mltk_frontend  # noqa: E402

from workbench.core.frontend import MicroFrontend  # noqa: E402
from workbench.core.frontend_settings import FrontendSettings  # noqa: E402

N_CLIPS = 200
ROUNDS = 5
SPEED_UP_GOAL = 3.0  # times MLTK's figure in the same run


def make_clips(settings: FrontendSettings) -> list[np.ndarray]:
    """Speech-like test material: tones, chirps and noise at varied levels (deterministic)."""
    rng = np.random.default_rng(2024)
    t = np.arange(settings.sample_length) / settings.sample_rate_hz
    clips = []
    for i in range(N_CLIPS):
        level = 10 ** (-rng.uniform(0, 60) / 20) * 30000
        f0 = rng.uniform(80, 4000)
        sig = np.sin(2 * np.pi * f0 * t * (1 + 0.3 * t)) + 0.3 * rng.standard_normal(t.size)
        clips.append(np.clip(sig * level, -32768, 32767).astype(np.int16))
    return clips


def seconds_per_cpu_second(process, clips: list[np.ndarray], audio_seconds: float) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.process_time()
        for clip in clips:
            process(clip)
        best = min(best, time.process_time() - start)
    return audio_seconds / best


def main() -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    settings = FrontendSettings()
    clips = make_clips(settings)
    audio_seconds = len(clips) * settings.sample_length_ms / 1000
    fe = MicroFrontend(settings)
    ours = seconds_per_cpu_second(fe.process_clip, clips, audio_seconds)
    print(f"workbench frontend : {ours:10.0f} s of audio per CPU second "
          f"({len(clips)} x {settings.sample_length_ms} ms clips, best of {ROUNDS})")

    stream = MicroFrontend(settings)
    joined = np.concatenate(clips)
    chunk = settings.sample_rate_hz * 20 // 1000

    def stream_all(_unused: np.ndarray) -> None:
        stream.reset()
        for i in range(0, joined.size, chunk):
            stream.feed(joined[i:i + chunk])

    streaming = seconds_per_cpu_second(stream_all, [joined], audio_seconds)
    print(f"workbench streaming: {streaming:10.0f} s/s (20 ms chunks, as the live engine feeds it)")

    try:
        mltk = mltk_frontend(settings)
    except BaselineMissing as missing:
        print(f"MLTK frontend      : comparison FAILED, MLTK's frontend could not be run: {missing}")
        print(f"speed-up           :    no verdict (goal >= {SPEED_UP_GOAL:.0f}x MLTK needs MLTK measured in this run)")
        return 0
    theirs = seconds_per_cpu_second(mltk, clips, audio_seconds)
    identical = all(np.array_equal(mltk(c), fe.process_clip(c)) for c in clips)
    speed_up = ours / theirs
    print(f"MLTK frontend      : {theirs:10.0f} s/s (same clips, same run)")
    print(f"speed-up           : {speed_up:10.2f}x   goal >= {SPEED_UP_GOAL:.0f}x: "
          f"{'met' if speed_up >= SPEED_UP_GOAL else 'NOT met'}; outputs bit-identical: {identical}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
