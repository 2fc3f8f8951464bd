"""A recording's copy on disk while it is made, and the recovery of the copies a dead workbench left behind.

Why: a take lived only in memory until it was saved, so a window killed six seconds into a recording left
nothing at all. Now every sample a session records is also appended to a *spool*: raw little-endian int16 PCM
in a private folder of the user data folder, named after when it began, its sample rate and its process
(``recording-20250102-134501-16000hz-4242-9f3a1c.pcm``), so the file alone says how to play it.

The disk work is a small writer thread's: the session's worker only hands it the chunk it already copied for
the recording, through a bounded queue it never waits on (friture's rule: the audio path only copies). The
writer flushes every FLUSH_INTERVAL_S (what a killed process leaves is what was flushed) and syncs every
SYNC_INTERVAL_S (what a power cut leaves). A queue that fills up (the disk stalled) ends the spool at what it
holds: a gap would make the rest of it a lie.

While its owner holds a spool the file is locked (``flock``), and the lock dies with the process: a spool
nobody holds was left by a workbench that died. :func:`recover_spools` turns each such spool into a WAV in the
recordings folder (atomically, under a name no other start-up recovering at the same moment takes) and removes
it; a spool still held (another window recording) is left alone. A recordings folder the user chose that is
missing is not made again (:mod:`~workbench.core.recording.recordings_folder`): its spools stay, and the sentence says so.
A recording that ends normally removes its own spool. Where files cannot be locked (Windows) a spool counts as
held while its process lives; a process cannot be asked that safely there (:func:`process_alive`), so such spools
stay in the folder, never taken from a workbench still recording.
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from workbench.core.atomic_write import remove_quietly
from workbench.core.audio.audio_file import save_new_wav
from workbench.core.recording.recordings_folder import MISSING_BECAUSE, RecordingsFolder, RecordingsFolderMissing
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import lock_if_free
from workbench.core.stale_temps import process_alive
from workbench.core.wording import counted

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]

APP_NAME = "kws-workbench"
SPOOL_DIR = "recording-spool"  # in the user data folder, beside the recordings
FOLDER_MODE = 0o700  # private: recordings of someone's voice
TIME_FORMAT = "%Y%m%d-%H%M%S"
SPOOL_NAME = re.compile(r"recording-(\d{8}-\d{6})-(\d+)hz-(\d+)-[0-9a-f]+\.pcm")
TOKEN_BYTES = 3  # two spools of one process in the same second get different names
SAMPLE_TYPE = np.dtype("<i2")
FLUSH_INTERVAL_S = 0.5
SYNC_INTERVAL_S = 5.0
MAX_QUEUED_CHUNKS = 1024  # seconds of audio in blocks of a few ms: only a stalled disk fills it
RECOVERED_PREFIX = "recovered-"
_END = None  # what finish() queues after the last chunk


def default_spool_folder() -> Path:
    """``<user data>/kws-workbench/recording-spool``."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / SPOOL_DIR


def spool_name(sample_rate: int, started: float) -> str:
    """The file name of a spool begun at ``started`` (seconds since the epoch) by this process."""
    stamp = time.strftime(TIME_FORMAT, time.localtime(started))
    return f"recording-{stamp}-{int(sample_rate)}hz-{os.getpid()}-{secrets.token_hex(TOKEN_BYTES)}.pcm"


class RecordingSpool:
    """One recording's samples on disk, written by its own thread; locked for as long as this object holds it."""

    def __init__(self, path: Path, handle: BinaryIO, sample_rate: int) -> None:
        self.path = path
        self.sample_rate = sample_rate
        self.problem: str | None = None  # why the file stops short of the recording (None: it is all there)
        self._handle = handle
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(MAX_QUEUED_CHUNKS)
        self._accepting = True
        self._write_failed = False
        self._writer = threading.Thread(target=self._write_queued, name="kws-recording-spool", daemon=True)
        self._writer.start()

    @classmethod
    def create(cls, folder: Path, sample_rate: int, started: float | None = None) -> RecordingSpool:
        """A new, empty, locked spool in ``folder`` (made, private, when missing); OSError when it cannot be."""
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        path = folder / spool_name(sample_rate, time.time() if started is None else started)
        if fcntl is None:
            return cls(path, open(path, "xb"), sample_rate)
        fd, temp = tempfile.mkstemp(prefix=".recording-", suffix=".part", dir=folder)  # private (0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.rename(temp, path)  # seen under its name only once locked: no start-up takes a spool being made
        except OSError:
            os.close(fd)
            remove_quietly(temp)
            raise
        return cls(path, os.fdopen(fd, "wb"), sample_rate)

    def append(self, chunk: np.ndarray) -> None:
        """Queue ``chunk`` (int16, never modified afterwards) for the writer; never waits."""
        if not self._accepting:
            return
        try:
            self._queue.put_nowait(chunk)
        except queue.Full:
            self._accepting = False
            self.problem = "the disk did not keep up with the recording"

    def finish(self) -> None:
        """Write what is queued and stop the writer; the file stays, still locked, until :meth:`remove` (or
        until this object or its process is gone, when it is left for :func:`recover_spools`)."""
        self._accepting = False
        if self._writer.is_alive():
            self._queue.put(_END)  # the writer is draining the queue: room comes
            self._writer.join()

    def remove(self) -> None:
        """The recording ended normally: the file goes (best effort; one left behind is recovered later)."""
        self.finish()
        if fcntl is not None:
            remove_quietly(self.path)  # while locked: no start-up can take it in between
            self._handle.close()
        else:
            self._handle.close()  # Windows removes no open file
            remove_quietly(self.path)

    def _write_queued(self) -> None:
        """The writer thread: write each chunk, flush every FLUSH_INTERVAL_S (and when idle), sync what was
        written every SYNC_INTERVAL_S. After a write error it only drains the queue."""
        flushed = synced = time.monotonic()
        unsynced = False
        while True:
            try:
                chunk = self._queue.get(timeout=FLUSH_INTERVAL_S)
            except queue.Empty:
                chunk = np.empty(0, SAMPLE_TYPE)  # idle: a good moment to flush
            if self._write_failed:
                if chunk is _END:
                    return
                continue
            try:
                if chunk is _END:
                    self._handle.flush()
                    return
                if chunk.size:
                    self._handle.write(np.ascontiguousarray(chunk, SAMPLE_TYPE).tobytes())
                    unsynced = True
                now = time.monotonic()
                if chunk.size == 0 or now - flushed >= FLUSH_INTERVAL_S:
                    self._handle.flush()
                    flushed = now
                if unsynced and now - synced >= SYNC_INTERVAL_S:
                    os.fsync(self._handle.fileno())
                    synced, unsynced = now, False
            except (OSError, ValueError) as exc:  # a full disk, an unplugged drive
                self._write_failed, self._accepting = True, False
                self.problem = f"the copy on disk could not be written: {getattr(exc, 'strerror', None) or exc}"


@dataclass(frozen=True)
class EndedRecording:
    """A recording that has ended, with its copy on disk still there: the copy goes only when the caller calls
    :meth:`release`, once the samples are safe in a file (or dropped on purpose), so a workbench that dies
    between the end of a take and its save still leaves it for :func:`recover_spools`."""

    samples: np.ndarray  # int16 mono
    spool: RecordingSpool | None = None  # finished, still held; None when no copy could be made
    # samples of it the source's gain pushed beyond int16: the microphone's firmware gain wraps them around, so
    # the samples alone do not show that the take is overloaded
    gain_overflows: int = 0

    def release(self) -> None:
        """The samples are safe elsewhere (or not wanted): remove the copy on disk."""
        if self.spool is not None:
            self.spool.remove()


@dataclass(frozen=True)
class RecoveredRecording:
    path: Path  # the WAV written
    seconds: float


@dataclass(frozen=True)
class SpoolRecovery:
    """What :func:`recover_spools` did: the WAVs it wrote, and the spools it could not turn into one."""

    recordings_folder: Path
    spool_folder: Path
    recovered: list[RecoveredRecording]
    left: list[Path]  # still in the spool folder: the next start tries again
    problem: str | None  # why the first of them failed

    def sentence(self) -> str | None:
        """One sentence for the status bar (None: nothing was left behind)."""
        said = ""
        if len(self.recovered) == 1:
            found = self.recovered[0]
            said = (f"Recovered the {found.seconds:.1f} s recording a workbench that stopped unexpectedly left "
                    f"behind: {found.path}")
        elif self.recovered:
            said = (f"Recovered {counted(len(self.recovered), 'recording')} a workbench that stopped unexpectedly "
                    f"left behind, into {self.recordings_folder}")
        if self.left:
            failed = (f"{counted(len(self.left), 'recording')} left behind by a workbench that stopped "
                      f"unexpectedly could not be saved into {self.recordings_folder} ({self.problem}): they stay "
                      f"in {self.spool_folder} for the next start")
            said = f"{said}; {failed[0].lower()}{failed[1:]}" if said else failed
        return f"{said}." if said else None


def recover_spools(spool_folder: Path, recordings_folder: RecordingsFolder) -> SpoolRecovery:
    """Turn every spool in ``spool_folder`` that no process holds into ``recovered-<start time>.wav`` in
    ``recordings_folder`` (never over another file) and remove it; an empty one is only removed.

    A recordings folder the user chose that is missing keeps its spools where they are (``left``, and the sentence
    says the folder is missing) rather than recovering them into the default folder: the spool folder is already a
    safe place the next start tries again, so once the drive is back the takes land where the user wants them,
    instead of one person's takes being split over two folders by a start-up that happened while it was away."""
    recovered: list[RecoveredRecording] = []
    left: list[Path] = []
    problem: str | None = None
    try:
        spools = sorted(path for path in spool_folder.iterdir() if SPOOL_NAME.fullmatch(path.name))
    except OSError:  # no spool folder yet: nothing was ever left behind
        spools = []
    for spool in spools:
        try:
            found = _recover(spool, recordings_folder)
        except (OSError, WorkbenchError) as exc:
            left.append(spool)
            problem = problem or _problem(exc)
            continue
        if found is not None:
            recovered.append(found)
    return SpoolRecovery(recordings_folder.path, spool_folder, recovered, left, problem)


def _problem(exc: OSError | WorkbenchError) -> str:
    """Why a spool could not be saved, as the parenthesis of :meth:`SpoolRecovery.sentence` (which names the
    recordings folder already)."""
    if isinstance(exc, RecordingsFolderMissing):
        return f"it is missing: {MISSING_BECAUSE}"
    return (getattr(exc, "strerror", None) or str(exc)).rstrip(".")


def _recover(spool: Path, recordings: RecordingsFolder) -> RecoveredRecording | None:
    match = SPOOL_NAME.fullmatch(spool.name)
    assert match is not None  # recover_spools lists only such names
    stamp, rate, pid = match.group(1), int(match.group(2)), int(match.group(3))
    handle = _claim(spool, pid)
    if handle is None:
        return None
    with handle:
        data = handle.read()
        samples = np.frombuffer(data, SAMPLE_TYPE, len(data) // SAMPLE_TYPE.itemsize)
        found = None
        if samples.size:
            recordings.make(recordings.path)  # a folder the user chose is never made again
            # the name is chosen and taken in one step: two start-ups recovering takes of one second keep both
            wav = save_new_wav(recordings.path / f"{RECOVERED_PREFIX}{stamp}.wav", samples.astype(np.int16), rate)
            found = RecoveredRecording(wav, samples.size / rate)
        remove_quietly(spool)  # while still locked
    return found


def _claim(spool: Path, pid: int) -> BinaryIO | None:
    """The spool opened and locked when no process holds it; None while one does (or it is gone)."""
    if fcntl is None:
        return None if process_alive(pid) else open(spool, "rb")
    try:
        handle = open(spool, "r+b")  # writable: an exclusive lock on NFS needs it
    except FileNotFoundError:  # another start-up recovered it a moment ago
        return None
    if not lock_if_free(handle.fileno(), spool):  # held (a workbench is recording into it), or removed meanwhile
        handle.close()
        return None
    return handle

