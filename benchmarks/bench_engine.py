"""Whole-engine cost: replay a long WAV as fast as possible, plus per-invoke model latency.

Prints CPU seconds per second of audio for the streaming engine (frontend + model every ``latency_ms`` +
detector) at the model's latency and at 20 ms, the real-time factor, the share of one core the live
pipeline would use, and LiteRT invoke latency (median, p90). Baseline in the same run: the frontend
alone on the same audio, so the model's share is visible. Goal: <= 1% of one core at latency_ms 20.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine, detections_of
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_file import load_model

INVOKES = 500
CHUNK_MS = 10


def cpu_seconds(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the replayed audio")
    args = parser.parse_args()

    model = load_model(default_model_path())
    sample = load_audio(sample_audio_path()).samples
    repeats = max(1, int(args.minutes * 60 * 16000 / sample.size))
    audio = np.tile(sample, repeats)
    seconds = audio.size / 16000
    chunk = 16000 * CHUNK_MS // 1000
    chunks = [audio[i : i + chunk] for i in range(0, audio.size, chunk)]
    print(f"replaying {seconds:.0f} s of audio ({repeats} x bundled sample) in {CHUNK_MS} ms chunks")

    frontend = MicroFrontend(FrontendSettings.from_params(model.params))
    fe_cpu = cpu_seconds(lambda: [frontend.feed(c) for c in chunks])
    print(f"frontend alone        : {fe_cpu / seconds * 100:8.4f} % of one core ({seconds / fe_cpu:8.0f}x real time)")

    base = DetectionSettings.from_params(model.params)
    for latency in (base.latency_ms, 20):
        engine = Engine(model, base.replace(latency_ms=latency))
        found: list = []
        cpu = cpu_seconds(lambda: [found.extend(detections_of(engine.process(c))) for c in chunks])
        print(f"engine latency {latency:4d} ms: {cpu / seconds * 100:8.4f} % of one core "
              f"({seconds / cpu:8.0f}x real time), {len(found)} detections"
              f"{'  goal <= 1 %: ' + ('met' if cpu / seconds <= 0.01 else 'NOT met') if latency == 20 else ''}")

    runner = engine.runner
    features = engine.model_input()
    times = []
    for _ in range(INVOKES):
        start = time.perf_counter()
        runner.scores_u8(features)
        times.append(time.perf_counter() - start)
    t = np.array(times) * 1e6
    print(f"model invoke (LiteRT) : median {np.median(t):7.1f} us, p90 {np.percentile(t, 90):7.1f} us "
          f"over {INVOKES} invokes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
