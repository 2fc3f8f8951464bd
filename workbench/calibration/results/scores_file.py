"""Saving and loading a calibration's replays (``scores.npz``), so nothing is replayed twice.

Why: the replay is the only slow step. With the scores on disk the GUI re-scores any parameter set
the user drags the sliders to (the "current parameters" mark on the DET curve) in milliseconds, and a
later sweep with other ranges needs no model at all. The file holds, per recording, the inference
times, the raw 0–255 scores and whether the model ran, plus the classes and latency they belong to.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from workbench.calibration.replay import ReplayScores
from workbench.core.atomic_write import atomic_write_bytes
from workbench.core.errors import WorkbenchError

FORMAT_VERSION = 1
_META = "meta"


def scores_bytes(stream: ReplayScores, backgrounds: tuple[ReplayScores, ...] = ()) -> bytes:
    arrays: dict[str, np.ndarray] = {}
    recordings = []
    for i, replay in enumerate((stream, *backgrounds)):
        arrays[f"time_ms_{i}"] = replay.time_ms
        arrays[f"scores_{i}"] = replay.scores
        arrays[f"fed_{i}"] = replay.fed
        recordings.append({"name": replay.name, "duration_s": replay.duration_s})
    meta = {"version": FORMAT_VERSION, "classes": list(stream.classes), "latency_ms": stream.latency_ms,
            "recordings": recordings}
    arrays[_META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def save_scores(path: str | Path, stream: ReplayScores, backgrounds: tuple[ReplayScores, ...] = ()) -> Path:
    """Write the stream's and the background recordings' scores atomically."""
    return atomic_write_bytes(Path(path), scores_bytes(stream, backgrounds))


def load_scores(path: str | Path) -> tuple[ReplayScores, tuple[ReplayScores, ...]]:
    """(stream, backgrounds) as saved by :func:`save_scores`; :class:`WorkbenchError` when unusable."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data[_META]).decode("utf-8"))
            replays = []
            for i, recording in enumerate(meta["recordings"]):
                replays.append(ReplayScores(
                    name=str(recording["name"]), duration_s=float(recording["duration_s"]),
                    classes=tuple(meta["classes"]), latency_ms=int(meta["latency_ms"]),
                    time_ms=np.asarray(data[f"time_ms_{i}"], np.int64),
                    scores=np.asarray(data[f"scores_{i}"], np.uint8),
                    fed=np.asarray(data[f"fed_{i}"], bool)))
    except FileNotFoundError:
        raise WorkbenchError(f"scores file not found: {path}") from None
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise WorkbenchError(f"{path.name} is not a calibration scores file ({type(exc).__name__})") from None
    if meta.get("version") != FORMAT_VERSION or not replays:
        raise WorkbenchError(f"{path.name} is a calibration scores file of another version")
    return replays[0], tuple(replays[1:])
