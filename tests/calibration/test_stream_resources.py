"""A stream too big for the machine's memory, for a WAV file or for the disk is refused in one sentence, before
any work (and without taking the memory it would need)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.calibration.streams import stream_resources
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream
from workbench.calibration.streams.stream_resources import (
    BYTES_PER_ITEM,
    available_memory_bytes,
    check_disk_room,
    check_items_fit_wav,
    check_stream_memory,
    check_wav_length,
)
from workbench.core.errors import SettingsError

GB = 1024 ** 3
RATE = 16000
WAV_MAX_MINUTES = 2236  # 4 GiB of 16-bit samples at 16 kHz


def test_the_available_memory_is_read_from_meminfo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16000000 kB\nMemFree:          500000 kB\nMemAvailable:    2000000 kB\n")
    monkeypatch.setattr(stream_resources, "MEMINFO", meminfo)
    assert available_memory_bytes() == 2000000 * 1024


def test_a_layout_bigger_than_the_available_memory_is_refused() -> None:
    check_stream_memory(1000, available=1000 * BYTES_PER_ITEM)
    with pytest.raises(SettingsError) as info:
        check_stream_memory(4_000_000, 600.0, available=2 * GB)
    assert str(info.value).startswith("a 600-minute stream needs about 7.6 GB of memory to lay out, more than the "
                                      "2.0 GB this machine has available; make it shorter (at most about 157 minutes")
    with pytest.raises(SettingsError, match=r"a stream of 4,000,000 clips and silences needs .* \(at most about "
                                            r"1,048,576 clips and silences fit now\)"):
        check_stream_memory(4_000_000, available=2 * GB)


def test_the_check_comes_before_the_layout(small_dataset: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A billion keywords would take terabytes to lay out: the refusal must come first, not after."""
    (tmp_path / "meminfo").write_text("MemAvailable:    1048576 kB\n")
    monkeypatch.setattr(stream_resources, "MEMINFO", tmp_path / "meminfo")
    with pytest.raises(SettingsError, match="of memory to lay out, more than the 1.0 GB this machine has available"):
        make_dataset_stream([small_dataset], StreamRecipe(split="all", keyword_count=10 ** 9))


def test_a_stream_longer_than_a_wav_file_holds_is_refused_before_the_layout(small_dataset: Path) -> None:
    check_wav_length(WAV_MAX_MINUTES * 60 * RATE, RATE)
    with pytest.raises(SettingsError) as info:
        make_dataset_stream([small_dataset], StreamRecipe(split="all", minutes=100000))
    assert str(info.value) == ("a 100,000-minute stream does not fit in a WAV file (4 GiB: at most 2,236 minutes at "
                               "16000 Hz); make it shorter or build several streams with other seeds")


def test_counted_items_that_overflow_a_wav_file_are_refused_as_they_are_placed() -> None:
    check_items_fit_wav(WAV_MAX_MINUTES * 60 * RATE, 76_000, 6_000_000, RATE)
    with pytest.raises(SettingsError) as info:
        check_items_fit_wav((WAV_MAX_MINUTES + 1) * 60 * RATE, 76_741, 6_563_254, RATE)
    assert str(info.value) == ("the 6,563,254 clips and silences asked for do not fit in a WAV file (4 GiB: at most "
                               "2,236 minutes at 16000 Hz: 76,741 of them fill it); ask for fewer or build several "
                               "streams with other seeds")


def test_a_wav_bigger_than_the_free_disk_is_refused(tmp_path: Path) -> None:
    minute = 60 * RATE
    check_disk_room(minute, RATE, tmp_path / "s.wav", free=2 * minute + 44)
    with pytest.raises(SettingsError) as info:
        check_disk_room(60 * minute, RATE, tmp_path / "s.wav", free=GB // 10)
    assert str(info.value) == (f"the 60.0-minute stream s.wav takes 110 MB, more than the 102 MB free in {tmp_path}; "
                               "make it shorter or write it to another disk")


def test_a_small_stream_on_a_nearly_full_disk_is_said_in_sizes_that_differ(tmp_path: Path) -> None:
    """Whole MB said "takes 1 MB, more than the 0 MB free" of half a minute and 300 kB."""
    with pytest.raises(SettingsError) as info:
        check_disk_room(30 * RATE, RATE, tmp_path / "s.wav", free=300_000)
    assert "s.wav takes 0.9 MB, more than the 0.3 MB free" in str(info.value)
    with pytest.raises(SettingsError) as info:
        check_disk_room(30 * RATE, RATE, tmp_path / "s.wav", free=5_000)
    assert "more than the 5 kB free" in str(info.value)
