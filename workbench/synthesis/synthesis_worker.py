"""The work one process does: speak a batch of one voice's utterances and turn them into clips.

Why batches of one voice: loading a neural voice costs about a second (Kokoro joins 92 MB of weights),
festival costs a process start per batch, so a worker gets many utterances of the same voice at once.
Workers only compute: they return int16 clip bytes (or float32 babble audio) and the parent writes the
files, so cancelling a build can end the workers at any moment without leaving a half-written clip
(:mod:`workbench.synthesis.synthesis_processes` runs this in processes and stops them).
Every result depends only on the job (its seeds), never on which worker ran it or when.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.core.errors import WorkbenchError
from workbench.synthesis.build_plan import BabbleJob, ClipJob
from workbench.synthesis.clip_placement import PlacementSettings, pcm16, place_word, trim_speech
from workbench.synthesis.engines.base import SynthesisError, Voice
from workbench.synthesis.prosody import plan_prosody, resample_speech
from workbench.synthesis.room_effects import RoomSettings, apply_room
from workbench.synthesis.voice_registry import make_engine

CLIP = "clip"
BABBLE = "babble"


@dataclass(frozen=True)
class VoiceBatch:
    """Utterances of one voice for one worker call."""

    voice: Voice
    espeak_variants: str
    placement: PlacementSettings
    room: RoomSettings
    clips: tuple[ClipJob, ...] = ()
    babble: tuple[BabbleJob, ...] = field(default_factory=tuple)

    @property
    def size(self) -> int:
        return len(self.clips) + len(self.babble)


@dataclass(frozen=True)
class JobResult:
    """The outcome of one job: ``audio`` (int16 clip or float32 babble bytes) or ``error``."""

    kind: str
    index: int
    audio: bytes | None = None
    error: str | None = None
    speedup: float = 1.0


def run_batch(batch: VoiceBatch) -> list[JobResult]:
    """Speak and place every utterance of ``batch`` (module docstring). Never raises for one bad job."""
    try:
        engine = make_engine(batch.voice.engine, batch.espeak_variants)
    except WorkbenchError as exc:
        return [JobResult(CLIP, j.index, error=str(exc)) for j in batch.clips] + \
            [JobResult(BABBLE, j.index, error=str(exc)) for j in batch.babble]
    rate = batch.placement.sample_rate
    jobs: list[tuple[str, ClipJob | BabbleJob]] = [(CLIP, j) for j in batch.clips] + [(BABBLE, j) for j in batch.babble]
    plans = [plan_prosody(engine, batch.voice, job.request) for _, job in jobs]
    try:
        spoken = engine.speak_many(batch.voice, [plan.request for plan in plans])
    except WorkbenchError as exc:  # e.g. a voice model that cannot be loaded
        spoken = [SynthesisError(str(exc)) for _ in jobs]
    results = []
    for (kind, job), plan, speech in zip(jobs, plans, spoken):
        if isinstance(speech, SynthesisError):
            results.append(JobResult(kind, job.index, error=str(speech)))
            continue
        audio = resample_speech(speech, plan.speed_factor, rate)
        if isinstance(job, BabbleJob):
            results.append(JobResult(kind, job.index, trim_speech(audio, rate).astype(np.float32).tobytes()))
            continue
        rng = np.random.default_rng(job.placement_seed)
        try:
            placed = place_word(audio, rng, batch.placement)
        except WorkbenchError as exc:
            results.append(JobResult(kind, job.index, error=str(exc)))
            continue
        clip = apply_room(placed.clip, rate, rng, batch.room)
        results.append(JobResult(kind, job.index, pcm16(clip).tobytes(), speedup=placed.speedup))
    return results
