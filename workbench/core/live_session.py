"""A running stream: one audio source feeding one engine on one worker thread.

The friture pattern: the audio callback (inside the source) only copies into a ring; this session's
single worker pulls whatever has arrived, runs the engine, and appends what the views need to
fixed-size histories (spectrogram rows, score vectors, waveform envelope, detections). A GUI timer
then reads only the rows that are new since its last frame; nothing here knows about Qt. The CLI uses
the same class for ``kws detect`` (a file or ``--mic``), so live and offline share one code path.

Nothing draws the CLI's stream, so it asks for no views (``views=False``): the spectrogram rows, score rows and
waveform envelope are then not kept (the histories stay empty); keeping them made ``kws detect`` on a long file cost
2.4 times the engine's own work. Only bookkeeping is skipped: the engine, the result listeners, the detections, the
recording and the statistics run exactly as with views, so the detections are those of the live path.

Sources deliver 16 kHz; a model whose frontend runs at another rate (``fe.sample_rate_hz``) hears the
source converted to its rate (:class:`~workbench.core.audio.rate_converter.RateConverter`, the file
loader's conversion streamed), so every history, the recording and every time here count the model's samples.
A file source also gives each detection its time in the file (:class:`~workbench.core.audio.file_timeline.FileClock`:
seeks, loop wraps and a session started mid-file followed), which a stream time stops being after the first jump.

A recording is also copied to disk as it is made (:mod:`~workbench.core.recording.recording_spool`), so that the
window dying never takes it along: the next start turns the copy into a WAV. The copy goes when the caller says
the samples are safe (:class:`~workbench.core.recording.recording_spool.EndedRecording`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from workbench.core.audio.block_envelope import BlockEnvelope
from workbench.core.audio.file_timeline import FileClock
from workbench.core.audio.rate_converter import RateConverter
from workbench.core.recording.recording_spool import EndedRecording, RecordingSpool, default_spool_folder
from workbench.core.detection.detector import Detection
from workbench.core.engine import Engine, InferenceResult
from workbench.core.errors import WorkbenchError
from workbench.core.history import EventLog, RowHistory

HISTORY_SECONDS = 60.0
ENVELOPE_BLOCK_MS = 10  # one waveform min/max pair per 10 ms of audio
WAIT_TIMEOUT_S = 0.05
STOP_TIMEOUT_S = 2.0  # how long stop() waits for the worker, and start() for one a timed-out stop left finishing
STATS_WINDOW_S = 1.0
MAX_RECORDING_S = 600.0  # the longest recording kept (19 MB of 16 kHz samples); the stream goes on unrecorded past it


class AudioSourceLike(Protocol):
    sample_rate: int
    finished: bool
    overflows: int
    gain: float

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def read(self, max_samples: int | None = None) -> np.ndarray: ...
    def wait(self, timeout_s: float) -> bool: ...


@dataclass(frozen=True)
class DetectionEvent:
    """A detection with the wall-clock time it was seen and, from a file, where in the file it is."""

    detection: Detection
    wall_time: float  # time.time() when the worker produced it
    file_time_s: float | None = None  # end of the audio it saw, in the file (None: a microphone or a generator)


@dataclass(frozen=True)
class SessionStats:
    stream_time_s: float
    inferences: int
    overflows: int
    lag_s: float  # audio waiting to be processed
    cpu_load: float  # worker CPU seconds per wall second over the last second (1.0 = one core)
    clipped_blocks: int
    gain_overflows: int  # samples the source's gain pushed beyond int16 (the firmware gain wraps them: no full scale)


class LiveSession:
    """Owns the worker thread; views read the histories, never the engine."""

    def __init__(self, engine: Engine, source: AudioSourceLike, history_seconds: float = HISTORY_SECONDS,
                 spool_folder: Path | None = None, views: bool = True) -> None:
        self.engine = engine
        self.source = source
        self._views = views
        self.stop_timeout_s = STOP_TIMEOUT_S  # what start/stop/close wait for the worker unless told (tests shorten it)
        self.max_recording_s = MAX_RECORDING_S  # a recording keeps this much, then stops growing (recording_full)
        n_classes = len(engine.classes)
        step_ms = float(engine.frontend_settings.window_step_ms)
        channels = engine.frontend_settings.filterbank_n_channels
        self.spectrogram = RowHistory(int(history_seconds * 1000 / step_ms), channels, np.int8, fill=-128)
        # each inference row: [time_s, raw scores..., averaged scores...]
        self.inferences = RowHistory(int(history_seconds * 1000 / 10), 1 + 2 * n_classes, np.float64)
        # waveform envelope: [min, max] per ENVELOPE_BLOCK_MS
        self.envelope = RowHistory(int(history_seconds * 1000 / ENVELOPE_BLOCK_MS), 2, np.int16)
        self.detections: EventLog[DetectionEvent] = EventLog()
        self.result_listeners: list[Callable[[InferenceResult], None]] = []
        self.error: str | None = None
        # without views only the clipped count is wanted: measured a statistics window at a time, far fewer calls
        self._measure = BlockEnvelope(engine.sample_rate * ENVELOPE_BLOCK_MS // 1000,
                                      0 if views else int(STATS_WINDOW_S * engine.sample_rate))
        self._converter = (None if source.sample_rate == engine.sample_rate
                           else RateConverter(source.sample_rate, engine.sample_rate))
        self._file_clock = FileClock.of(source, engine.samples_seen, engine.sample_rate)
        self._inference_count = 0  # stats' count, kept without views too (the inference rows then stay empty)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._cpu_load = 0.0
        self._recording: list[np.ndarray] | None = None
        self._recorded = 0
        self._recorded_overflows = 0  # samples of the recording its source's gain pushed beyond int16
        self._record_lock = threading.Lock()
        self.spool_folder = spool_folder  # where recordings are copied as they are made (None: the user's default)
        self.spool_problem: str | None = None  # why the recording being made has no copy on disk
        self._spool: RecordingSpool | None = None
        if views:  # the engine's display rows cost a quantisation per spectrogram row: none when nothing draws them
            engine.row_listeners.append(self.spectrogram.append)

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """The worker is alive and not told to stop (one a timed-out :meth:`stop` left finishing is not running)."""
        return self._worker_alive() and not self._stop.is_set()

    @property
    def views(self) -> bool:
        """The session keeps the spectrogram, score and envelope rows views draw (False: nothing draws them, and
        those histories stay empty); fixed at construction, as the engine's display rows are asked for then."""
        return self._views

    def _worker_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout_s: float | None = None) -> None:
        """Start the worker (nothing when it runs). A worker a timed-out :meth:`stop` left finishing is waited for,
        up to ``timeout_s`` (None: :attr:`stop_timeout_s`), then refused with a :class:`WorkbenchError`: clearing the
        stop flag would un-stop it, and a second worker beside it would run the (not thread-safe) engine twice at once.
        """
        if self.running:
            return
        timeout_s = self.stop_timeout_s if timeout_s is None else timeout_s
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                raise WorkbenchError(f"the stream cannot start again yet: its previous run is still finishing "
                                     f"(waited {timeout_s:g} s for it); try again in a moment")
        self.error = None
        self._stop.clear()
        self.source.start()
        self._thread = threading.Thread(target=self._run, name="kws-engine", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float | None = None) -> bool:
        """Tell the worker to stop, wait up to ``timeout_s`` (None: :attr:`stop_timeout_s`) for it, stop the source;
        True when no worker is left.

        False when the worker is still finishing (it ends at its next check of the stop flag): its handle is kept,
        so :meth:`start` waits for it instead of starting a second worker beside it, and :meth:`wait` can join it.
        """
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.stop_timeout_s if timeout_s is None else timeout_s)
            if not self._thread.is_alive():
                self._thread = None
        self.source.stop()
        return self._thread is None

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the worker ends (a file source finished); True if it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def close(self) -> bool:
        """Stop for good; True when no worker is left, False when one outlived the stop and still runs on the engine
        (see :func:`engine_for_next_session`). A recording nobody took stays on disk (its spool, flushed), recovered
        at the next start unless :meth:`stop_recording` still takes it."""
        stopped = self.stop()
        with self._record_lock:
            spool = self._spool
        if spool is not None:
            spool.finish()
        if self.spectrogram.append in self.engine.row_listeners:
            self.engine.row_listeners.remove(self.spectrogram.append)
        return stopped

    def __enter__(self) -> "LiveSession":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- statistics ----------------------------------------------------------------------------
    def stats(self) -> SessionStats:
        pending = int(getattr(self.source, "pending_samples", 0) or 0)
        return SessionStats(
            stream_time_s=self.engine.stream_time_s,
            inferences=self._inference_count,
            overflows=int(getattr(self.source, "overflows", 0)),
            lag_s=pending / self.source.sample_rate,  # the source's samples, not yet converted
            cpu_load=self._cpu_load,
            clipped_blocks=self._measure.clipped,
            gain_overflows=self.gain_overflows,
        )

    @property
    def gain_overflows(self) -> int:
        """Samples the source's gain pushed beyond int16 so far: clipped ones also reach full scale, but the firmware
        gain wraps them around, so only this count tells that the engine hears an overloaded signal."""
        return int(getattr(self.source, "gain_overflows", 0))

    # -- recording ------------------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self._recording is not None

    @property
    def recorded_seconds(self) -> float:
        return self._recorded / self.engine.sample_rate

    @property
    def recording_full(self) -> bool:
        """A recording holds :attr:`max_recording_s` of audio and takes no more (the stream itself goes on): a window
        left recording must say so, or its "recording…" would go on promising audio that is not kept."""
        return self._recording is not None and self._recorded >= self.max_recording_s * self.engine.sample_rate

    def start_recording(self) -> None:
        """Record from the next block on (a recording in progress is dropped). The samples are also spooled to
        disk, so they outlive a crash; when no spool can be made the recording is kept in memory only and
        ``spool_problem`` says why."""
        folder = default_spool_folder() if self.spool_folder is None else self.spool_folder
        spool: RecordingSpool | None = None
        try:
            spool = RecordingSpool.create(folder, self.engine.sample_rate)
            self.spool_problem = None
        except OSError as exc:
            self.spool_problem = f"cannot write into {folder}: {exc.strerror or exc}"
        with self._record_lock:
            dropped, self._spool = self._spool, spool
            self._recording = []
            self._recorded = self._recorded_overflows = 0
        if dropped is not None:
            dropped.remove()

    def end_recording(self) -> EndedRecording:
        """End the recording: its samples, and its copy on disk (flushed), which stays until the caller has
        saved the samples and releases it."""
        with self._record_lock:
            chunks, self._recording = self._recording or [], None
            spool, self._spool = self._spool, None
            overflows = self._recorded_overflows
        if spool is not None:
            spool.finish()
        return EndedRecording(np.concatenate(chunks) if chunks else np.empty(0, np.int16), spool, overflows)

    def stop_recording(self) -> np.ndarray:
        """End the recording and return its samples, its copy on disk removed (a take that is not kept, or that
        the caller saves at once)."""
        ended = self.end_recording()
        ended.release()
        return ended.samples

    # -- worker -------------------------------------------------------------------------------
    def _run(self) -> None:
        window_start_wall = time.monotonic()
        window_start_cpu = time.thread_time()
        try:
            while not self._stop.is_set():
                if not self.source.wait(WAIT_TIMEOUT_S):
                    if self.source.finished:
                        break
                    continue
                overflows_before = self.gain_overflows
                chunk = self.source.read()
                if chunk.size == 0:
                    if self.source.finished:
                        break
                    continue
                self._handle(chunk, self.gain_overflows - overflows_before)
                now = time.monotonic()
                if now - window_start_wall >= STATS_WINDOW_S:
                    cpu = time.thread_time()
                    self._cpu_load = (cpu - window_start_cpu) / (now - window_start_wall)
                    window_start_wall, window_start_cpu = now, cpu
                source_error = getattr(self.source, "error", None)
                if source_error:
                    raise WorkbenchError(str(source_error))
            if self._converter is not None and self.source.finished:  # the samples the filter still holds
                self._hear(self._converter.flush())
            self._append_envelope(self._measure.flush())  # what a batch still holds (no views) counts to its end
        except WorkbenchError as exc:
            self.error = str(exc)
        except Exception as exc:  # a bug: keep the message, never kill the GUI
            self.error = f"internal error in the engine: {type(exc).__name__}: {exc}"

    def _handle(self, chunk: np.ndarray, gain_overflows: int = 0) -> None:
        self._hear(chunk if self._converter is None else self._converter.convert(chunk), gain_overflows)

    def _hear(self, chunk: np.ndarray, gain_overflows: int = 0) -> None:
        """What the engine hears of a source's block (at the model's rate): recorded, drawn and processed.
        ``gain_overflows``: samples of the block the source's gain pushed beyond int16, counted into a recording
        (wrapped by the firmware gain, they look like any other sample in the take)."""
        with self._record_lock:
            if self._recording is not None and not self.recording_full:
                self._recorded_overflows += gain_overflows
                if chunk.size:
                    copy = chunk.copy()
                    self._recording.append(copy)
                    self._recorded += chunk.size
                    if self._spool is not None:
                        self._spool.append(copy)  # only handed over: the spool's own thread writes it
        if chunk.size == 0:  # a converter holding back the first samples of a stream
            return
        self._append_envelope(self._measure.feed(chunk))
        for result in self.engine.process(chunk):
            self._inference_count += 1
            if self._views:
                self.inferences.append(np.concatenate(([result.time_s], result.scores, result.averages)))
            if result.detection is not None:
                file_time = None if self._file_clock is None else self._file_clock.file_time_s(result.time_s)
                self.detections.append(DetectionEvent(result.detection, time.time(), file_time))
            for listener in self.result_listeners:
                listener(result)

    def _append_envelope(self, pairs: np.ndarray) -> None:
        if self._views and pairs.shape[0]:
            self.envelope.append(pairs)


def engine_for_next_session(left: LiveSession | None, engine: Engine) -> Engine:
    """The engine a session that follows ``left`` (the session closed before it, or None) runs on: ``engine`` itself,
    reset, unless ``left``'s worker still runs on it (it outlived close()'s timeout: a listener or an engine call
    that blocks). Then a fresh engine built as ``engine`` was (its loaded model, options and detection settings as
    tuned; the frontend settings follow the model), and ``engine`` is left to that worker: resetting it under the
    worker or sharing it would race the worker (an Engine is not thread-safe), and waiting would block the caller."""
    if left is None or left.engine is not engine or left.wait(0):
        engine.reset()
        return engine
    return Engine(engine.model, engine.detection_settings, engine.options)


def save_recording(samples: np.ndarray, path: Path, sample_rate: int) -> None:
    """Write a recorded clip as 16-bit WAV, atomically."""
    from workbench.core.audio.audio_file import save_wav

    save_wav(path, samples, sample_rate)
