"""``kws detect`` on a long file: its live path against the engine's own work on the same audio.

Builds a stream (default 60 min from the shared Speech Commands testing split, as ``kws stream make --seed 1``;
or ``--stream S.wav``) and runs it, CPU seconds each (one core: the session's worker does the work):

* the engine alone: :meth:`Engine.process` fed 20 ms chunks directly (the floor: frontend, model, detector);
* the live path with views: :class:`LiveSession` + a fast :class:`FileSource`, keeping the spectrogram, score and
  envelope rows the GUI draws -- what ``kws detect`` ran before (the baseline, in the same run);
* the live path without views (``views=False``), which ``kws detect`` now runs;
* ``kws detect FILE`` itself, in this process (loading the file and model, and printing, included).

Every path must find the same detections (times, labels, scores); the script says whether they did.
Goal: ``kws detect`` costs little more than the engine alone.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path
from typing import Callable

from workbench.assets import default_model_path
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.cli.detect_command import run as run_detect
from workbench.cli.detect_lines import JSONL, detection_line
from workbench.cli.main import build_parser
from workbench.core.audio.audio_file import AudioClip, load_audio
from workbench.core.audio.sources import FileSource
from workbench.core.detection.detector import Detection
from workbench.core.engine import Engine, InferenceResult
from workbench.core.live_session import LiveSession
from workbench.core.model.model_file import load_model

from _streams import stream_to_measure  # the script's folder is on sys.path

STREAM_SEED = 1
CHUNK_MS = 20  # the file source's chunk, fed to the engine alone too
MS_PER_S = 1000
SECONDS_PER_HOUR = 3600


def cpu_seconds(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def engine_alone(engine: Engine, clip: AudioClip) -> list[Detection]:
    chunk = engine.sample_rate * CHUNK_MS // MS_PER_S
    samples = clip.samples
    return [r.detection for i in range(0, samples.size, chunk) for r in engine.process(samples[i:i + chunk])
            if r.detection is not None]


def live_path(engine: Engine, clip: AudioClip, views: bool) -> list[Detection]:
    found: list[Detection] = []

    def keep(result: InferenceResult) -> None:
        if result.detection is not None:
            found.append(result.detection)

    session = LiveSession(engine, FileSource(clip, realtime=False, chunk_ms=CHUNK_MS, sample_rate=clip.sample_rate),
                          views=views)
    session.result_listeners.append(keep)
    session.start()
    session.wait()
    session.close()
    if session.error:
        raise SystemExit(f"the session failed: {session.error}")
    return found


def detect_command(stream: Path, model: Path) -> list[str]:
    """``kws detect STREAM --model MODEL --format jsonl``: its detection lines."""
    out = io.StringIO()
    run_detect(build_parser().parse_args(["detect", str(stream), "--model", str(model), "--format", JSONL]), out)
    return out.getvalue().splitlines()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=60.0, help="length of the built stream")
    parser.add_argument("--stream", type=Path, help="use this audio file instead of building one")
    parser.add_argument("--model", type=Path, help="model (default: the bundled model, kws_yes_no_stream)")
    args = parser.parse_args()
    model_path = args.model or default_model_path()
    model = load_model(model_path)

    with tempfile.TemporaryDirectory() as scratch:
        stream = stream_to_measure(args.stream, scratch, StreamRecipe(minutes=args.minutes, seed=STREAM_SEED))
        if stream is None:
            return 1
        rate = Engine(model).sample_rate
        clip = load_audio(stream, rate)
        hours = clip.duration_s / SECONDS_PER_HOUR
        print(f"{clip.duration_s / 60:.1f} min of audio, model {model.name}; CPU seconds per hour of audio:")

        found: dict[str, list[Detection]] = {}
        timings: dict[str, float] = {}
        paths: dict[str, Callable[[], list[Detection]]] = {
            "engine alone (20 ms chunks)": lambda: engine_alone(Engine(model), clip),
            "live path with views (before)": lambda: live_path(Engine(model), clip, views=True),
            "live path without views (now)": lambda: live_path(Engine(model), clip, views=False),
        }
        for name, path in paths.items():
            timings[name] = cpu_seconds(lambda: found.__setitem__(name, path()))
        lines: list[str] = []
        command_s = cpu_seconds(lambda: lines.extend(detect_command(stream, model_path)))

    floor = timings["engine alone (20 ms chunks)"]
    for name, seconds in timings.items():
        print(f"  {name:<32}: {seconds / hours:6.2f} s ({seconds / floor:4.2f}x the engine alone), "
              f"{len(found[name])} detections")
    print(f"  {'kws detect (whole command)':<32}: {command_s / hours:6.2f} s ({command_s / floor:4.2f}x the engine "
          f"alone, loading and printing included), {len(lines)} lines")
    reference = found["engine alone (20 ms chunks)"]
    same = (all(detections == reference for detections in found.values())
            and lines == [detection_line(d, JSONL) for d in reference])
    print(f"same detections on every path: {same}")
    before, now = timings["live path with views (before)"], timings["live path without views (now)"]
    print(f"without views the live path is {before / now:.1f}x faster; it costs {now / floor:.2f}x the engine alone")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
