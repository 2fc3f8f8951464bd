"""A command whose standard output goes to a full disk says so in one line (exit 2), naming the standard output as
the place it may be: the error names no file, and "cannot write a file" left the user guessing which."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from workbench.child_command import kws_command

FULL_DEVICE = Path("/dev/full")  # every write fails with ENOSPC


@pytest.mark.skipif(not FULL_DEVICE.exists(), reason="needs /dev/full (Linux)")
def test_standard_output_on_a_full_disk_is_one_sentence() -> None:
    with FULL_DEVICE.open("w") as full:
        done = subprocess.run(kws_command("info", "kws_yes_no"), stdout=full, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    assert done.returncode == 2
    assert done.stderr == ("kws: error: cannot write a file (or the standard output): the disk is full; free some "
                           "space and run it again\n")
