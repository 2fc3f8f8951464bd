"""A real small disk for full-disk tests: a tmpfs mounted for one test, filled to its last byte on demand.

Why one helper: the full-disk tests of training, sweeps and board runs all need the same mount (root on
Linux only: skipped with the reason elsewhere), fill and unmount, and a disk that fills part-way through a
run is the only faithful way to make the product's own writes fail.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

FILL_CHUNK = 1 << 16


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, size: str, *, lazy_unmount: bool = False) -> Iterator[Path]:
    """``folder`` as a tmpfs of ``size`` (e.g. "64k") for the block; the test is skipped where it cannot be
    mounted. ``lazy_unmount``: detach it even while other processes (Ray's) still hold files in it."""
    folder.mkdir(parents=True, exist_ok=True)
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("a full disk is a small tmpfs here, and mounting one needs root on Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", *(["-l"] if lazy_unmount else []), str(folder)], check=not lazy_unmount)


def resize(folder: Path, size: str) -> None:
    """Give a mounted tmpfs another size (e.g. room again after a test filled it)."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(folder)], check=True)


def make_read_only(folder: Path) -> None:
    """Remount a mounted tmpfs read-only (even root cannot write into it then, unlike a chmod)."""
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def fill(disk: Path) -> Path:
    """Write a file until the disk has no byte left; returns it (delete it to free the space)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (FILL_CHUNK, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return filler
