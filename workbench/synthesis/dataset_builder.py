"""Build a synthetic dataset folder: run the plan in worker processes, write clips, noise and a manifest.

Why processes: engines are CPU-bound (Kokoro ~0.5 s per word) and some hold global state (onnxruntime's
seed), so each worker is a spawned process (spawn, not fork: the GUI has threads) running
:func:`~workbench.synthesis.synthesis_worker.run_batch` (:mod:`~workbench.synthesis.synthesis_processes` starts, stops
and cleans up after them); the parent writes every file atomically. Progress goes to a callback after each
batch; ``cancel`` (a ``threading.Event``) ends the workers at once and keeps every clip already written.
Because the plan fixes every file name and seed, building the same settings into the same folder again
(``resume=True``; other settings, and a folder with no ``synth.json``, are refused) only makes the clips that
are missing. With ``workers=1`` everything runs in this process and a cancel takes effect after the current
voice batch (seconds; up to half a minute for a Kokoro batch). A build holds its folder while it runs
(:func:`~workbench.core.folder_lock.hold_output_folder`): a second build into it, ``--resume`` or not, is
refused at once instead of writing the same clips in parallel.

A job that fails (an engine error, a word too long for the clip) is listed in the report and the
manifest, never fatal; a build where no voice is installed is one clear error naming the install lines.

``synth.json`` is written when the build starts, with ``state`` :data:`BUILDING`, and again when it ends
(:data:`FINISHED`, :data:`CANCELLED` or :data:`FAILED`), so a build that was killed (kill -9, a power cut)
is still recognisable as unfinished (:func:`workbench.datasets.synthetic.unfinished_build`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from workbench import __version__
from workbench.core.atomic_write import atomic_write_text, check_destination, create_folder
from workbench.core.audio.audio_file import save_wav
from workbench.core.errors import WorkbenchError, os_error_sentence
from workbench.core.folder_lock import LOCK_FILE, hold_output_folder, refuse_if_held
from workbench.synthesis.build_plan import (
    BABBLE_TALKERS,
    BabbleJob,
    ClipJob,
    SynthSettings,
    job_seed,
    plan_babble,
    plan_clips,
)
from workbench.synthesis.clip_placement import pcm16
from workbench.synthesis.engines.base import Voice
from workbench.synthesis.noise import babble, generated_noise
from workbench.synthesis.synthesis_worker import BABBLE, JobResult, VoiceBatch, run_batch
from workbench.synthesis.voice_registry import VoiceRegistry
from workbench.synthesis.synthesis_processes import run_in_workers
from workbench.usable_cpus import usable_cpus

MANIFEST = "synth.json"
MANIFEST_SETTINGS_KEY = "settings"  # the manifest's record of the build settings (and so of its words)
MANIFEST_WORDS_KEY = "words"  # in that record: the words the set was made for, as the user gave them
MANIFEST_STATE_KEY = "state"  # how far the build got (one of BUILD_STATES); older manifests have none
BUILDING, FINISHED, CANCELLED, FAILED = "building", "finished", "cancelled", "failed"
BUILD_STATES = (BUILDING, FINISHED, CANCELLED, FAILED)
BACKGROUND_DIR = "_background_noise_"
BATCH_SIZE = {"kokoro": 48, "piper": 48, "festival": 48}
DEFAULT_BATCH_SIZE = 24
BABBLE_FALLBACK_WORDS = ("morning", "table", "window", "paper", "water", "people", "garden", "coffee", "music",
                         "yellow", "little", "number", "kitchen", "later", "maybe", "really", "station", "over")

ProgressCallback = Callable[["BuildProgress"], None]


@dataclass(frozen=True)
class BuildProgress:
    phase: str  # "clips", "noise", "done"
    done: int
    total: int
    message: str = ""


@dataclass
class BuildReport:
    """What a build wrote (``counts`` per folder), what failed and why, and whether it was cancelled."""

    out: Path
    counts: dict[str, int]
    written: int
    kept: int  # clips already there from an earlier run of the same build
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    noise_files: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    state: str = BUILDING  # one of BUILD_STATES: what synth.json says about the build

    @property
    def clips(self) -> int:
        return sum(self.counts.values())


def default_workers() -> int:
    """Worker processes when the caller names none: one per CPU this process may use."""
    return usable_cpus()


def _batches(settings: SynthSettings, clips: list[ClipJob], babble_jobs: list[BabbleJob],
             espeak_variants: str) -> list[VoiceBatch]:
    by_voice: dict[str, tuple[Voice, list[ClipJob], list[BabbleJob]]] = {}
    for job in clips:
        by_voice.setdefault(job.voice.id, (job.voice, [], []))[1].append(job)
    for bjob in babble_jobs:
        by_voice.setdefault(bjob.voice.id, (bjob.voice, [], []))[2].append(bjob)
    batches = []
    for voice, voice_clips, voice_babble in by_voice.values():
        size = BATCH_SIZE.get(voice.engine, DEFAULT_BATCH_SIZE)
        for start in range(0, max(len(voice_clips), 1), size):
            chunk = tuple(voice_clips[start:start + size])
            extra = tuple(voice_babble) if start == 0 else ()
            if chunk or extra:
                batches.append(VoiceBatch(voice, espeak_variants, settings.placement, settings.room, chunk, extra))
    # slow voices first, so the last batches to finish are short ones
    return sorted(batches, key=lambda b: (b.voice.engine not in BATCH_SIZE, -b.size))


def _settings_record(settings: SynthSettings) -> dict[str, Any]:
    return {
        MANIFEST_WORDS_KEY: list(settings.words), "takes": settings.takes, "negative_takes": settings.negative_takes,
        "seed": settings.seed, "rate_range": list(settings.rate_range),
        "pitch_range_semitones": list(settings.pitch_range), "placement": asdict(settings.placement),
        "room": asdict(settings.room), "noise_kinds": list(settings.noise_kinds),
        "noise_seconds": settings.noise_seconds,
        "negatives": [n.text for n in settings.negatives]}


def _earlier_settings(out: Path) -> dict[str, Any]:
    """The settings record of the synth build in ``out`` (which holds files), or WorkbenchError saying why there
    is none to continue: a folder without ``synth.json`` (real recordings, say) is no synth build at all, and an
    unreadable ``synth.json`` does not say which settings it was built with."""
    path = out / MANIFEST
    if not path.is_file():
        raise WorkbenchError(f"--resume continues a cancelled kws dataset synth build, but {out} holds no {MANIFEST}, "
                             "so it is no synth build: choose a new folder.")
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        why = exc.strerror or str(exc)
    except UnicodeDecodeError:
        why = "it is not UTF-8 text"
    except json.JSONDecodeError as exc:
        why = f"it is not valid JSON: {exc.msg} at line {exc.lineno}"
    else:
        if isinstance(earlier, dict) and isinstance(earlier.get(MANIFEST_SETTINGS_KEY), dict):
            return earlier[MANIFEST_SETTINGS_KEY]
        why = "it holds no build settings"
    raise WorkbenchError(f"{path} cannot be read ({why}), so --resume cannot tell whether {out} was built with "
                         "the same settings: choose a new folder.")


def check_out(out: Path, resume: bool, settings: SynthSettings) -> None:
    """WorkbenchError (one sentence) when the build of ``settings`` cannot go into ``out``: a file, a folder that
    cannot be created or written, a folder that holds something (unless ``resume`` and it holds a synth build
    of the same settings; one another build is writing is refused so). Creates nothing, so a command line can
    check before it says or starts anything."""
    if out.exists() and not out.is_dir():
        raise WorkbenchError(f"{out} exists and is not a folder.")
    holds_files = out.is_dir() and any(path.name != LOCK_FILE for path in out.iterdir())
    if holds_files:
        refuse_if_held(out)  # a build still running there: that, not "continue with --resume", is the news
    if holds_files and not resume:
        raise WorkbenchError(f"The folder {out} is not empty: choose a new folder, or continue a build of the "
                             "same settings into it with --resume.")
    if holds_files and json.loads(json.dumps(_settings_record(settings))) != _earlier_settings(out):
        raise WorkbenchError(f"{out} was built with other settings: resume only with the same words, "
                             "negatives, takes, seed and clip settings (or choose a new folder).")
    check_destination(out, folder=True)


def _run_batches(batches: list[VoiceBatch], workers: int, cancel: threading.Event,
                 on_results: Callable[[list[JobResult]], None]) -> bool:
    """Run the batches (in ``workers`` spawned processes when more than one); False when cancelled."""
    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            if cancel.is_set():
                return False
            on_results(run_batch(batch))
        return not cancel.is_set()
    return run_in_workers(batches, workers, cancel, on_results)


def _write_noise(settings: SynthSettings, out: Path, babble_audio: list[np.ndarray]) -> list[str]:
    if not settings.noise_kinds:  # --no-noise: no folder either (an empty one reads as "the noise is missing")
        return []
    folder = out / BACKGROUND_DIR
    folder.mkdir(parents=True, exist_ok=True)
    rate = settings.placement.sample_rate
    written = []
    for kind in settings.noise_kinds:
        rng = np.random.default_rng(job_seed(settings.seed, "noise", kind))
        if kind == "babble":
            if not babble_audio:
                continue
            audio = babble(babble_audio, int(settings.noise_seconds * rate), BABBLE_TALKERS, rate, rng)
        else:
            audio = generated_noise(kind, settings.noise_seconds, rate, rng)
        save_wav(folder / f"{kind}.wav", pcm16(audio), rate)
        written.append(f"{BACKGROUND_DIR}/{kind}.wav")
    return written


def manifest(settings: SynthSettings, registry: VoiceRegistry, report: BuildReport) -> dict[str, Any]:
    """The ``synth.json`` document: enough to rebuild the dataset and to know what is in it."""
    return {
        "generator": f"kws-workbench {__version__} (kws dataset synth)",
        MANIFEST_SETTINGS_KEY: _settings_record(settings),
        "negatives": [{"word": n.text, "reason": n.reason} for n in settings.negatives],
        "engines": registry.to_dict()["engines"],
        "voices": registry.to_dict()["voices"],
        "speakers": registry.speakers(),
        "counts": report.counts,
        "failures": [{"file": f, "reason": r} for f, r in report.failures],
        "background_noise": report.noise_files,
        "cancelled": report.cancelled,
        MANIFEST_STATE_KEY: report.state,
        "seconds": round(report.seconds, 1),
    }


def _write_manifest(settings: SynthSettings, registry: VoiceRegistry, report: BuildReport,
                    jobs: list[ClipJob], started: float) -> None:
    """``synth.json`` with the clips that are in the folder now (module docstring: written at start and end)."""
    report.counts = dict(sorted(Counter(j.folder for j in jobs if (report.out / j.path).is_file()).items()))
    report.seconds = time.monotonic() - started
    atomic_write_text(report.out / MANIFEST, json.dumps(manifest(settings, registry, report), indent=2) + "\n")


def build_dataset(settings: SynthSettings, registry: VoiceRegistry, out: str | Path, *, workers: int = 0,
                  progress: ProgressCallback | None = None, cancel: threading.Event | None = None,
                  resume: bool = False) -> BuildReport:
    """Make the dataset of ``settings`` with the registry's voices in ``out`` (module docstring)."""
    started = time.monotonic()
    out = Path(out).expanduser()
    if not registry.voices:
        notes = "; ".join(registry.notes()) or "no engine was asked for"
        raise WorkbenchError(f"No voice is installed for the engines asked for ({notes}).")
    check_out(out, resume, settings)
    create_folder(out)
    with hold_output_folder(out):  # for the build's life: a second build (--resume too) is refused at once
        check_out(out, resume, settings)  # again, held: another build may have filled it since
        return _build(settings, registry, out, workers, progress, cancel, resume, started)


def _build(settings: SynthSettings, registry: VoiceRegistry, out: Path, workers: int,
           progress: ProgressCallback | None, cancel: threading.Event | None, resume: bool,
           started: float) -> BuildReport:
    """The build of :func:`build_dataset` in the folder it holds."""
    cancel = cancel or threading.Event()
    jobs = plan_clips(settings, registry.voices)
    existing = {j.index for j in jobs if (out / j.path).is_file()} if resume else set()
    todo = [j for j in jobs if j.index not in existing]
    words = [n.text for n in settings.negatives] or [w for w in BABBLE_FALLBACK_WORDS
                                                      if w not in {k.lower() for k in settings.words}]
    babble_jobs = plan_babble(settings, registry.voices, words)
    report = BuildReport(out, {}, 0, len(existing))
    by_index = {j.index: j for j in jobs}
    babble_audio: dict[int, np.ndarray] = {}
    total = len(todo) + len(babble_jobs)
    done = 0

    def on_results(results: list[JobResult]) -> None:
        nonlocal done
        for result in results:
            done += 1
            if result.kind == BABBLE:
                if result.audio:
                    babble_audio[result.index] = np.frombuffer(result.audio, dtype=np.float32)
                continue
            job = by_index[result.index]
            if result.error or result.audio is None:
                report.failures.append((job.path, result.error or "no audio"))
                continue
            target = out / job.path
            target.parent.mkdir(parents=True, exist_ok=True)
            save_wav(target, np.frombuffer(result.audio, dtype=np.int16), settings.placement.sample_rate)
            report.written += 1
        if progress is not None:
            progress(BuildProgress("clips", done, total, f"{report.written} clips written"))

    _write_manifest(settings, registry, report, jobs, started)  # state: building; first, so --resume knows it
    for folder in dict.fromkeys(job.folder for job in jobs):  # even when every take of a word fails
        (out / folder).mkdir(parents=True, exist_ok=True)
    if progress is not None:
        progress(BuildProgress("clips", 0, total, f"{len(todo)} clips with {len(registry.voices)} voices"))
    batches = _batches(settings, todo, babble_jobs, registry.espeak_variants)
    try:
        finished = _run_batches(batches, workers or default_workers(), cancel, on_results)
        if finished:
            if progress is not None:
                progress(BuildProgress("noise", done, total, "background noise"))
            report.noise_files = _write_noise(settings, out, [babble_audio[i] for i in sorted(babble_audio)])
    except BaseException as exc:  # a dead worker, a full disk, Ctrl+C in-process: say it is unfinished
        report.cancelled = True
        report.state = CANCELLED if isinstance(exc, KeyboardInterrupt) else FAILED
        try:
            _write_manifest(settings, registry, report, jobs, started)
        except (OSError, WorkbenchError):
            pass  # the disk that failed the build may fail this too; the original error says more
        if isinstance(exc, (OSError, WorkbenchError)):  # a full disk, a dead worker: --resume keeps what was made
            said = os_error_sentence(exc) if isinstance(exc, OSError) else str(exc).rstrip(".")
            raise WorkbenchError(f"{said}. The {report.written + report.kept} clips in {out} are kept: the same "
                                 "command with --resume continues the build.") from None
        raise
    report.cancelled = not finished
    report.state = FINISHED if finished else CANCELLED
    _write_manifest(settings, registry, report, jobs, started)
    if progress is not None:
        progress(BuildProgress("done", done, total, "cancelled" if report.cancelled else "finished"))
    return report

