"""Read any WAV/FLAC/OGG/MP3 file as the 16 kHz mono int16 stream the frontend expects, and save clips.

Why one loader: the board hears 16 kHz mono int16, so every file the workbench replays (datasets,
recordings, a user's phone clip at 44.1 kHz stereo float) must be brought to exactly that, the same
way every time, or a replay would not decide what the device decides. The conversion is:

1. decode with libsndfile (``soundfile``) to float64 in [-1, 1) — this normalises every bit depth,
   including unsigned 8-bit (``(u - 128) / 128``) and 24-bit, without us knowing the encoding;
2. mono = mean of the channels (a stereo microphone pair summed, not a channel picked);
3. resample with soxr's high-quality filter (only when the rate differs: 16 kHz int16 files pass
   through bit-exact);
4. ``round(x * 32768)`` clipped to int16 (float files may exceed full scale).

Every failure (missing, not audio, empty, truncated) is an :class:`AudioError` naming the file.
"""

from __future__ import annotations

import io
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

from workbench.core.atomic_write import atomic_write_bytes, numbered_names, write_new_file
from workbench.core.errors import AudioError

# What libsndfile decodes for us (soundfile >= 0.12 bundles libsndfile >= 1.1, which reads MP3 too): a
# phone's or an editor's MP3 export replays like a WAV. Dataset folders, file dialogs and drops use this list.
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")
AUDIO_FORMATS = "WAV/FLAC/OGG/MP3"

DEFAULT_SAMPLE_RATE = 16000
# the lowest source rate read: a header claiming 1 Hz is damaged, and resampling it to 16 kHz would make every
# second of it 16,000 seconds -- minutes of work and gigabytes for nothing; 1 kHz still takes any real recording
MIN_SOURCE_RATE = 1000
RESAMPLE_QUALITY = "HQ"  # soxr high quality: passband flat to ~0.91 fs/2, >120 dB rejection
INT16_SCALE = 32768.0  # libsndfile maps int16 v to v / 32768: the exact inverse keeps 16-bit files bit-exact
INT16_MIN = -32768
INT16_MAX = 32767
FLOAT_FULL_SCALE = 1.0  # float audio runs from -1 to 1 (libsndfile's float range)
_RIFF_HEADER = struct.Struct("<4sI4s")  # "RIFF", size, "WAVE"
_CHUNK_HEADER = struct.Struct("<4sI")
_UNKNOWN_DATA_SIZES = (0, 0xFFFFFFFF)  # written by streaming recorders that never patch the header
WAV_HEAD_BYTES = 1 << 16  # enough for any realistic chunk table before "data"
DECODE_BLOCK_FRAMES = 1 << 16  # ~1.4 s of 48 kHz per block: about a MB of float64 at a time
RESAMPLE_SLACK_SAMPLES = 64  # room beyond frames x rate ratio for the resampler's rounding (no regrowth for it)
MAX_TRUSTED_FRAMES = 1 << 36  # a frame count beyond this (days of 192 kHz) is a header's "unknown", not a size
KEPT_SHARE = 0.9  # decoded samples filling at least this share of the array are returned as a view, not copied


@dataclass(frozen=True, eq=False)
class AudioClip:
    """Decoded audio ready for the frontend, plus what the file originally was (for the UI)."""

    samples: np.ndarray  # int16, mono, read-only
    sample_rate: int
    source_rate: int
    source_channels: int
    source_subtype: str  # libsndfile subtype, e.g. "PCM_16", "PCM_U8", "FLOAT", "VORBIS"

    @property
    def duration_s(self) -> float:
        return self.samples.shape[0] / self.sample_rate if self.sample_rate else 0.0

    @classmethod
    def from_samples(cls, samples: npt.ArrayLike, sample_rate: int = DEFAULT_SAMPLE_RATE) -> AudioClip:
        """Wrap mono samples already at ``sample_rate`` (synthetic audio, recordings) in a read-only copy.

        The rule: whole numbers are int16 PCM values (any integer dtype, each within -32768..32767); floats are
        audio in [-1, 1], converted with :func:`to_int16` exactly as :func:`load_audio` converts a float file.
        Anything else raises instead of being cast: a cast turns floats into silence, wraps wider integers and
        reads stereo ``(n, 2)`` frames as ``2n`` samples. Only 1-D (mono) input, and a positive whole
        ``sample_rate``, are taken (TypeError for the wrong kind of value, ValueError for one out of range).
        """
        rate = _positive_rate(sample_rate)
        data = np.asarray(samples)
        if data.ndim != 1:
            raise ValueError(f"samples must be one-dimensional mono samples, got shape {data.shape} (mix the "
                             f"channels of (frames, channels) audio first, e.g. with .mean(axis=1))")
        if data.dtype.kind == "f":
            if not np.all(np.abs(data) <= FLOAT_FULL_SCALE):
                raise ValueError("float samples must be audio in [-1, 1] (scale int16-range values to int16 "
                                 "first), got values beyond full scale or NaN")
            data = to_int16(data)
        elif data.dtype.kind in "iu":
            if data.size and (int(data.min()) < INT16_MIN or int(data.max()) > INT16_MAX):
                raise ValueError(f"whole-number samples must be int16 PCM values {INT16_MIN}..{INT16_MAX}, got "
                                 f"values from {int(data.min())} to {int(data.max())}")
            data = data.astype(np.int16)  # a copy: the caller's array stays theirs
        else:
            raise TypeError(f"samples must be int16 PCM values or float audio in [-1, 1], got dtype {data.dtype}")
        data.setflags(write=False)
        return cls(data, rate, rate, 1, "PCM_16")


def _positive_rate(sample_rate: Any) -> int:
    """``sample_rate`` as a positive int (numpy integers and whole floats too), else TypeError/ValueError."""
    if isinstance(sample_rate, (bool, np.bool_)) or not isinstance(sample_rate, Real):
        raise TypeError(f"sample_rate must be a number of samples per second, got {sample_rate!r}")
    if not sample_rate > 0 or not float(sample_rate).is_integer():  # NaN, inf and 16000.5 too
        raise ValueError(f"sample_rate must be a positive whole number of Hz, got {sample_rate!r}")
    return int(sample_rate)


def to_int16(x: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1) → int16 with rounding to nearest and clipping at full scale.

    A NaN (a broken float file) becomes silence and ±inf full scale, instead of numpy's undefined cast.
    """
    scaled = np.nan_to_num(np.asarray(x, dtype=np.float64) * INT16_SCALE, nan=0.0, posinf=INT16_MAX,
                           neginf=INT16_MIN)
    return np.clip(np.rint(scaled), INT16_MIN, INT16_MAX).astype(np.int16)


def check_wav_not_truncated(path: Path, head: bytes, file_size: int) -> None:
    """A WAV whose data chunk promises more bytes than the file has was cut short (copy/download).

    libsndfile silently reads what is there, so check the RIFF chunk table ourselves.
    """
    if len(head) < _RIFF_HEADER.size:
        return  # libsndfile reports the malformed header
    riff, _, wave = _RIFF_HEADER.unpack_from(head)
    if riff != b"RIFF" or wave != b"WAVE":
        return
    offset = _RIFF_HEADER.size
    while offset + _CHUNK_HEADER.size <= len(head):
        chunk_id, size = _CHUNK_HEADER.unpack_from(head, offset)
        body = offset + _CHUNK_HEADER.size
        if chunk_id == b"data":
            if size not in _UNKNOWN_DATA_SIZES and body + size > file_size:
                raise AudioError(
                    f"{path} is truncated: its WAV header announces {size} bytes of audio but only "
                    f"{max(0, file_size - body)} are present")
            return
        offset = body + size + (size & 1)  # chunks are word aligned
    if offset + _CHUNK_HEADER.size > file_size:
        raise AudioError(f"{path} is truncated: the WAV file ends before its audio data starts")


def _read_head(path: Path, n: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


@contextmanager
def _opened(path: Path) -> Iterator[sf.SoundFile]:
    """``path`` opened for decoding once the checks its header allows have passed (there, a file; not empty, not a
    truncated WAV, readable by libsndfile, a believable sample rate); every failure in them, and in the reading done
    while it is open, an :class:`AudioError` naming the file."""
    if not path.exists():
        raise AudioError(f"audio file not found: {path}")
    if not path.is_file():
        raise AudioError(f"{path} is not a file")
    try:
        file_size = path.stat().st_size
        if file_size == 0:
            raise AudioError(f"{path} is empty (0 bytes), not an audio file")
        check_wav_not_truncated(path, _read_head(path, WAV_HEAD_BYTES), file_size)
        with sf.SoundFile(str(path)) as f:
            if int(f.samplerate) < MIN_SOURCE_RATE:
                raise AudioError(f"{path} says its sample rate is {int(f.samplerate)} Hz; no recording of speech is "
                                 f"made at under {MIN_SOURCE_RATE} Hz, so its header is likely damaged")
            yield f
    except AudioError:
        raise
    except sf.LibsndfileError as exc:
        raise AudioError(f"{path} is not a readable {AUDIO_FORMATS} audio file ({exc.error_string})") from exc
    except (OSError, RuntimeError) as exc:
        raise AudioError(f"cannot read audio file {path}: {exc}") from exc


def check_audio_file(path: str | Path) -> None:
    """:class:`AudioError`, in :func:`load_audio`'s words, when ``path`` is no audio file it could read, from the
    header alone (nothing decoded): a command that reads a file only after long work checks it before that work.
    A header that counts no frames is refused too: libsndfile decodes no more than its header counts."""
    with _opened(Path(path)) as f:
        if f.frames == 0:
            raise AudioError(f"{path} contains no audio samples")


def load_audio(path: str | Path, sample_rate: int = DEFAULT_SAMPLE_RATE) -> AudioClip:
    """Decode ``path`` to mono int16 at ``sample_rate`` (see the module docstring for the steps)."""
    path = Path(path)
    if int(sample_rate) <= 0:
        raise AudioError(f"sample rate must be positive, got {sample_rate}")
    try:
        with _opened(path) as f:
            source_rate, channels, subtype = int(f.samplerate), int(f.channels), str(f.subtype)
            samples = _decode_blocks(f, source_rate, int(sample_rate))
    except MemoryError:
        raise AudioError(f"{path} is too long to hold in memory at {sample_rate} Hz") from None
    if samples.shape[0] == 0:
        raise AudioError(f"{path} contains no audio samples")
    samples.setflags(write=False)
    return AudioClip(samples, int(sample_rate), source_rate, channels, subtype)


def _decode_blocks(f: sf.SoundFile, source_rate: int, sample_rate: int,
                   block_frames: int = DECODE_BLOCK_FRAMES) -> np.ndarray:
    """Steps 1-4 of the module docstring, a block at a time, so memory follows the int16 result (2 bytes a
    sample at ``sample_rate``), not the float64 source (16 bytes a frame of 48 kHz stereo): a night of TV
    recorded for background false accepts must load. soxr's streaming output equals its one-shot output
    sample for sample, whatever the block size, so the result does not depend on ``block_frames``."""
    resampler = (None if source_rate == sample_rate else
                 soxr.ResampleStream(source_rate, sample_rate, 1, dtype="float64", quality=RESAMPLE_QUALITY))
    known = f.seekable() and 0 < f.frames < MAX_TRUSTED_FRAMES  # a pipe or an odd header says nothing usable
    out = _Int16Buffer(f.frames * sample_rate // source_rate + RESAMPLE_SLACK_SAMPLES if known else 0)
    for block in f.blocks(blocksize=block_frames, dtype="float64", always_2d=True):
        mono = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
        if resampler is not None:
            mono = resampler.resample_chunk(mono, last=False)
        out.append(to_int16(mono))
    if resampler is not None:
        out.append(to_int16(resampler.resample_chunk(np.empty(0, np.float64), last=True)))
    return out.samples()


class _Int16Buffer:
    """The decoded samples, written into one array sized from the file's frame count (grown by doubling where
    the count was short or unknown): a list of blocks joined at the end held the audio twice at the peak, which
    for a night of recording is gigabytes."""

    def __init__(self, expected: int) -> None:
        self._array = np.empty(max(expected, 0), np.int16)
        self._used = 0

    def append(self, piece: np.ndarray) -> None:
        needed = self._used + len(piece)
        if needed > len(self._array):
            grown = np.empty(max(needed, 2 * len(self._array)), np.int16)
            grown[:self._used] = self._array[:self._used]
            self._array = grown
        self._array[self._used:needed] = piece
        self._used = needed

    def samples(self) -> np.ndarray:
        """The samples written; a copy only when the array is much larger than them (a file shorter than its
        header said), so a few spare samples never cost a second copy of the audio."""
        if self._used >= len(self._array) * KEPT_SHARE:
            return self._array[:self._used]
        return self._array[:self._used].copy()


def is_audio_name(name: str) -> bool:
    """Whether a file of this name is audio the workbench reads (a readable suffix, not hidden)."""
    return not name.startswith(".") and Path(name).suffix.lower() in AUDIO_SUFFIXES


def audio_files_in(folder: str | Path) -> list[Path]:
    """Every audio file under ``folder`` (sub-folders too, hidden ones skipped), sorted: a folder of
    recordings (a week of TV, an office) given where one recording is expected."""
    root = Path(folder)
    found = sorted(p for p in root.rglob("*") if is_audio_name(p.name) and p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not found:
        raise AudioError(f"no audio files ({', '.join(AUDIO_SUFFIXES)}) in the folder {root}")
    return found


def wav_bytes(samples_int16: np.ndarray, sample_rate: int = DEFAULT_SAMPLE_RATE) -> bytes:
    """A complete 16-bit PCM mono WAV file in memory."""
    data = np.asarray(samples_int16)
    if data.dtype != np.int16:
        raise AudioError(f"WAV clips are saved from int16 samples, got {data.dtype}")
    buf = io.BytesIO()
    sf.write(buf, data.reshape(-1), int(sample_rate), subtype="PCM_16", format="WAV")
    return buf.getvalue()


def save_wav(path: str | Path, samples_int16: np.ndarray, sample_rate: int = DEFAULT_SAMPLE_RATE) -> Path:
    """Write a 16-bit mono WAV atomically: a crash never leaves a half-written clip in a dataset."""
    return atomic_write_bytes(Path(path), wav_bytes(samples_int16, sample_rate))


def save_new_wav(path: Path, samples_int16: np.ndarray, sample_rate: int = DEFAULT_SAMPLE_RATE) -> Path:
    """Write a 16-bit mono WAV as ``path``, or ``name-2.wav``, ``name-3.wav``… when taken, never over another
    file, even by a writer of the same name at the same moment (:func:`~workbench.core.atomic_write.write_new_file`);
    returns the path written. ``path``'s folder must exist."""
    return write_new_file(numbered_names(path), wav_bytes(samples_int16, sample_rate))[0]
