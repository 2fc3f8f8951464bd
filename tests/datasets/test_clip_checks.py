"""clip_checks: real clips written to disk -- silent, clipped, short, 8 kHz, stereo, cut short -- read and named."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import soundfile as sf

from dataset_builders import RATE, make_dataset, speaker_names, write_clip
from workbench.core.frontend_settings import FrontendSettings
from workbench.datasets.clip_checks import (CLIPPED, KINDS, OTHER_FORMAT, SILENT, TOO_SHORT, UNREADABLE, ClipLimits,
                                            check_clips)
from workbench.datasets.layout import scan_dataset

FULL_SCALE_SQUARE = 1.0  # a square wave at full scale: every sample clipped


def write_samples(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), samples, rate, subtype="PCM_16")
    return path


def problem_clips(root: Path) -> dict[str, Path]:
    """One clip of each problem in a small dataset of good clips, by the kind it should be found as."""
    make_dataset(root, {"yes": speaker_names(3), "no": speaker_names(3)})
    t = np.arange(RATE) / RATE
    square = FULL_SCALE_SQUARE * np.sign(np.sin(2 * np.pi * 200 * t))
    return {
        SILENT: write_samples(root / "yes" / "quiet_nohash_0.wav", 0.003 * np.sin(2 * np.pi * 300 * t)),  # -50 dBFS
        CLIPPED: write_samples(root / "no" / "loud_nohash_0.wav", square),
        TOO_SHORT: write_clip(root / "yes" / "short_nohash_0.wav", seconds=0.3),
        OTHER_FORMAT: write_samples(root / "no" / "phone_nohash_0.wav", 0.3 * np.sin(2 * np.pi * 300 * t[:8000]),
                                    rate=8000),
    }


def test_each_problem_clip_is_found_as_its_kind_and_the_good_ones_are_not(tmp_path: Path) -> None:
    expected = problem_clips(tmp_path / "data")
    write_samples(tmp_path / "data" / "_silence_" / "room.wav", np.zeros(RATE))  # silence is meant to be quiet
    index = scan_dataset(tmp_path / "data")
    report = check_clips(index.clips, ClipLimits())
    assert report.complete and report.checked == report.total == len(index.clips) == 17
    assert {kind: [f.path for f in report.of_kind(kind)] for kind in KINDS} == {
        SILENT: [expected[SILENT]], CLIPPED: [expected[CLIPPED]], TOO_SHORT: [expected[TOO_SHORT]],
        OTHER_FORMAT: [expected[OTHER_FORMAT]], UNREADABLE: []}
    details = {f.kind: f.detail for f in report.findings}
    assert details == {SILENT: "peak -50 dBFS", CLIPPED: "100.0 % of samples at full scale", TOO_SHORT: "0.30 s",
                       OTHER_FORMAT: "8000 Hz"}
    document = report.to_dict()
    assert document["findings"][SILENT] == [{"path": str(expected[SILENT]), "detail": "peak -50 dBFS"}]
    assert document["limits"]["min_duration_s"] == 0.5 and document["complete"] is True


def test_stereo_and_zeros_and_a_clip_that_cannot_be_decoded(tmp_path: Path) -> None:
    t = np.arange(RATE) / RATE
    tone = 0.3 * np.sin(2 * np.pi * 300 * t)
    stereo = write_samples(tmp_path / "data" / "yes" / "pair_nohash_0.wav", np.stack([tone, tone], axis=1))
    zeros = write_samples(tmp_path / "data" / "yes" / "muted_nohash_0.wav", np.zeros(RATE))
    index = scan_dataset(tmp_path / "data")
    cut = tmp_path / "data" / "yes" / "pair_nohash_0.wav"
    cut.write_bytes(stereo.read_bytes()[:200])  # cut short after the scan: the header was readable
    report = check_clips(index.clips, ClipLimits())
    assert [(f.path, f.kind) for f in report.findings] == [(zeros, SILENT), (cut, UNREADABLE)]
    assert report.findings[0].detail == "every sample is zero" and "truncated" in report.findings[1].detail

    write_samples(stereo, np.stack([tone, tone], axis=1))
    report = check_clips(scan_dataset(tmp_path / "data").clips, ClipLimits())
    assert [(f.path, f.kind, f.detail) for f in report.findings] == [
        (zeros, SILENT, "every sample is zero"), (stereo, OTHER_FORMAT, "2 channels")]


def test_the_limits_are_the_models_frontend(tmp_path: Path) -> None:
    """A model of 8 kHz clips of 2 s: a 16 kHz clip is of another rate, a 1 s one too short, the 8 kHz one neither."""
    expected = problem_clips(tmp_path / "data")
    limits = ClipLimits.of_frontend(FrontendSettings(sample_rate_hz=8000, sample_length_ms=2500,
                                                     filterbank_upper_band_limit=3800.0))
    assert (limits.sample_rate_hz, limits.min_duration_s) == (8000, 1.25)
    index = scan_dataset(tmp_path / "data")
    report = check_clips(index.clips, limits)
    assert expected[OTHER_FORMAT] not in [f.path for f in report.of_kind(OTHER_FORMAT)]
    assert len(report.of_kind(OTHER_FORMAT)) == len(index.clips) - 1
    assert len(report.of_kind(TOO_SHORT)) == len(index.clips)


def test_progress_is_reported_and_a_stop_ends_the_loop_with_what_was_read(tmp_path: Path) -> None:
    index = scan_dataset(problem_clips(tmp_path / "data")[SILENT].parents[1])
    stop = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 3:
            stop.set()

    report = check_clips(index.clips, ClipLimits(), progress, stop)
    assert seen == [(1, 16), (2, 16), (3, 16)]
    assert not report.complete and report.checked == 3 and report.to_dict()["complete"] is False
