"""Will a stream fit: its layout in memory, its WAV in the format and on the disk? Said in one sentence before
the work, not by the kernel killing the build or a disk filling up an hour into it.

Why: the audio is mixed and written a block at a time (:mod:`stream_mix`), but the layout -- every item drawn,
placed and labelled, and the labels' JSON and CSV text -- still grows with the stream, by up to
``BYTES_PER_ITEM`` an item drawn (peak RSS from ``/usr/bin/time -v``: 115 MB for 60 minutes, 229 MB for 2,000
minutes, 181 MB for a counted stream of 39,381 items; a stream that fills ``--minutes`` draws ``FILL_MARGIN``
times the items it places). The need is compared with what the machine has available now (``MemAvailable``,
else the free pages); where neither can be read, nothing is refused. The WAV takes 2 bytes a sample: a RIFF
file holds at most 4 GiB (37 hours at 16 kHz), so ``--minutes 100000`` -- which ran until the kernel killed
it (exit code 137), saying nothing -- is refused before any work, and the folder must have the room.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from workbench.core.errors import SettingsError

BYTES_PER_ITEM = 2048  # layout memory an item drawn takes: up to 1.7 kB measured (counted streams), rounded up
MEMINFO = Path("/proc/meminfo")
MEMINFO_FIELD = "MemAvailable:"
BYTES_PER_KB = 1024
BYTES_PER_KB = 1024
BYTES_PER_MB = 1024 ** 2
BYTES_PER_GB = 1024 ** 3
WHOLE_MB_FROM = 10  # sizes from this many MB are said in whole MB
BYTES_PER_SAMPLE = 2  # 16-bit PCM, one channel
WAV_HEADER_BYTES = 44
WAV_MAX_BYTES = 2 ** 32 - 1  # RIFF's sizes are 32-bit
MAX_WAV_SAMPLES = (WAV_MAX_BYTES - WAV_HEADER_BYTES) // BYTES_PER_SAMPLE
SECONDS_PER_MINUTE = 60.0


def _size(n_bytes: float) -> str:
    """A size as a sentence says it: GB with a decimal, MB whole from 10 MB, else MB with a decimal (a 0.3 MB
    stream on a disk with 0.2 MB free was "1 MB, more than the 0 MB free")."""
    if n_bytes >= BYTES_PER_GB:
        return f"{n_bytes / BYTES_PER_GB:.1f} GB"
    if n_bytes < BYTES_PER_MB / WHOLE_MB_FROM:
        return f"{n_bytes / BYTES_PER_KB:.0f} kB"
    decimals = 0 if n_bytes >= WHOLE_MB_FROM * BYTES_PER_MB else 1
    return f"{n_bytes / BYTES_PER_MB:.{decimals}f} MB"


def available_memory_bytes() -> int | None:
    """The memory the machine can give a program now, or None when the system does not say."""
    try:
        for line in MEMINFO.read_text(encoding="ascii").splitlines():
            if line.startswith(MEMINFO_FIELD):
                return int(line.split()[1]) * BYTES_PER_KB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_stream_memory(items: int, minutes: float | None = None, available: int | None = None) -> None:
    """:class:`SettingsError` when laying out ``items`` items (a ``minutes``-long stream when it fills a
    duration) needs more memory than ``available`` (default: what the machine has available now)."""
    need = items * BYTES_PER_ITEM
    available = available_memory_bytes() if available is None else available
    if available is None or need <= available:
        return
    share = available / need
    size = f"a {minutes:g}-minute stream" if minutes is not None else f"a stream of {items:,} clips and silences"
    shorter = (f"at most about {int(minutes * share):,} minutes" if minutes is not None
               else f"at most about {int(items * share):,} clips and silences")
    raise SettingsError(f"{size} needs about {_size(need)} of memory to lay out, more than the {_size(available)} "
                        "this machine has available; make it shorter "
                        f"({shorter} fit now) or build several streams with other seeds")


def _wav_limit(sample_rate: int) -> str:
    return f"4 GiB: at most {int(MAX_WAV_SAMPLES / sample_rate / SECONDS_PER_MINUTE):,} minutes at {sample_rate} Hz"


def check_wav_length(n_samples: int, sample_rate: int) -> None:
    """:class:`SettingsError` when ``n_samples`` do not fit in one WAV file."""
    if n_samples > MAX_WAV_SAMPLES:
        raise SettingsError(f"a {n_samples / sample_rate / SECONDS_PER_MINUTE:,.0f}-minute stream does not fit in "
                            f"a WAV file ({_wav_limit(sample_rate)}); make it shorter or build several streams with "
                            "other seeds")


def check_items_fit_wav(end_sample: int, placed: int, asked: int, sample_rate: int) -> None:
    """:class:`SettingsError` when a counted stream's items reach ``end_sample`` past what one WAV file holds: its
    length is only known as they are placed, so this is asked as they are, before the layout grows further."""
    if end_sample > MAX_WAV_SAMPLES:
        raise SettingsError(f"the {asked:,} clips and silences asked for do not fit in a WAV file "
                            f"({_wav_limit(sample_rate)}: {placed:,} of them fill it); ask for fewer or build several "
                            "streams with other seeds")


def check_disk_room(n_samples: int, sample_rate: int, wav: Path, free: int | None = None) -> None:
    """:class:`SettingsError` when the WAV of ``n_samples`` does not fit in the ``free`` bytes (default: the free
    space of ``wav``'s folder, when the system says)."""
    size = WAV_HEADER_BYTES + n_samples * BYTES_PER_SAMPLE
    folder = wav.parent if str(wav.parent) else Path(".")
    if free is None:
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            return
    if size > free:
        raise SettingsError(f"the {n_samples / sample_rate / SECONDS_PER_MINUTE:,.1f}-minute stream {wav.name} takes "
                            f"{_size(size)}, more than the {_size(free)} free in {folder}; make it shorter or write "
                            "it to another disk")
