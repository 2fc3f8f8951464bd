"""The labelled stream a benchmark measures: the one given with ``--stream``, else one built from the shared Speech
Commands data as ``kws stream make`` builds it, with how long the build took said once."""

from __future__ import annotations

import time
from pathlib import Path

from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream

REPO = Path(__file__).resolve().parents[1]
SHARED_DATASET = REPO.parent / "shared" / "datasets" / "speech_commands"


def stream_to_measure(given: Path | None, scratch: str | Path, recipe: StreamRecipe) -> Path | None:
    """``given``, or a stream built by ``recipe`` into ``scratch`` (its labels beside it); None, said, when there is
    neither a given stream nor the shared dataset to build one from."""
    if given is not None:
        return given
    if not SHARED_DATASET.is_dir():
        print(f"no stream given and no shared dataset at {SHARED_DATASET}; pass --stream")
        return None
    stream = Path(scratch) / "stream.wav"
    start = time.perf_counter()
    write_stream(make_dataset_stream([SHARED_DATASET], recipe), stream)
    print(f"built a {recipe.minutes:g} min stream in {time.perf_counter() - start:.1f} s")
    return stream
