"""Every clip of a dataset read for what spoils a training: silent, clipped, too short, or recorded at another
sample rate or channel count than the model hears.

Why read them all (``kws dataset info --check``): a wrong clip in a word folder trains as that word. Edge
Impulse's data explorer and MLTK's dataset summaries exist to find them; headers alone show only the format, so
the clips are decoded with the reader every other part uses (:func:`workbench.core.audio.audio_file.load_audio`,
to the model's rate and mono, as training reads them). The limits, each with its reason:

* **silent**: the peak is below :data:`SILENT_PEAK_DBFS`. The quietest word clip of the shared Speech Commands
  subset peaks at -30 dBFS; 10 dB under that is an empty take or a muted microphone, whose noise the model
  would learn as the word. ``_silence_`` clips are meant to be quiet and are not checked for it.
* **clipped**: at least :data:`CLIPPED_SHARE` of the samples at full scale. A clip normalised to 0 dBFS touches
  full scale at its peak, a few samples; 1 % (10 ms of a 1 s clip) flattened is audible distortion, whose
  harmonics the model learns as part of the word.
* **too short**: under :data:`MIN_LENGTH_SHARE` of the model's clip length (``fe.sample_length_ms``): most of
  the model's input is then padding, and a word cut short is often not the whole word.
* **other format**: not the model's sample rate, or not mono. Such a clip is converted when read, but it was
  recorded on another chain: an 8 kHz clip has nothing above 4 kHz, where the model's upper channels listen.

A clip that cannot be decoded (its header could be read when the dataset was scanned) is listed as
**unreadable**. The loop polls a stop flag after every clip, so Ctrl+C ends it with the clips read so far.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from workbench.core.audio.audio_file import DEFAULT_SAMPLE_RATE, INT16_MAX, INT16_SCALE, AudioClip, load_audio
from workbench.core.audio.decibels import DB_PER_AMPLITUDE_DECADE, amplitude_ratio
from workbench.core.errors import AudioError
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.wording import counted
from workbench.datasets.layout import SILENCE, ClipEntry

SILENT_PEAK_DBFS = -40.0
CLIPPED_SHARE = 0.01
MIN_LENGTH_SHARE = 0.5
MONO = 1
MS_PER_S = 1000.0
PERCENT = 100.0

SILENT, CLIPPED, TOO_SHORT, OTHER_FORMAT, UNREADABLE = "silent", "clipped", "too_short", "other_format", "unreadable"
KINDS = (SILENT, CLIPPED, TOO_SHORT, OTHER_FORMAT, UNREADABLE)

Progress = Callable[[int, int], None]  # (clips read, clips in all)


@dataclass(frozen=True)
class ClipLimits:
    """What the model hears: its sample rate and the length of one input (the frontend's)."""

    sample_rate_hz: int = DEFAULT_SAMPLE_RATE
    clip_length_ms: int = FrontendSettings.sample_length_ms

    @classmethod
    def of_frontend(cls, frontend: FrontendSettings) -> ClipLimits:
        return cls(frontend.sample_rate_hz, frontend.sample_length_ms)

    @property
    def min_duration_s(self) -> float:
        return self.clip_length_ms * MIN_LENGTH_SHARE / MS_PER_S

    @property
    def silent_peak(self) -> float:
        """The int16 peak below which a clip is silent."""
        return amplitude_ratio(SILENT_PEAK_DBFS) * INT16_SCALE

    def to_dict(self) -> dict[str, Any]:
        return {"sample_rate_hz": self.sample_rate_hz, "channels": MONO, "min_duration_s": self.min_duration_s,
                "silent_peak_dbfs": SILENT_PEAK_DBFS, "clipped_share": CLIPPED_SHARE}


@dataclass(frozen=True)
class ClipFinding:
    """One problem of one clip: its kind (:data:`KINDS`) and what was measured ("peak -52 dBFS")."""

    path: Path
    kind: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"path": str(self.path), "detail": self.detail}


@dataclass
class ClipCheckReport:
    """The findings of :func:`check_clips`, and how many of the ``total`` clips were read before a stop."""

    limits: ClipLimits
    total: int
    checked: int = 0
    findings: list[ClipFinding] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.checked == self.total

    def of_kind(self, kind: str) -> list[ClipFinding]:
        return [finding for finding in self.findings if finding.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "total": self.total, "complete": self.complete,
                "limits": self.limits.to_dict(),
                "findings": {kind: [f.to_dict() for f in self.of_kind(kind)] for kind in KINDS}}


def _dbfs(peak: float) -> str:
    if peak <= 0:
        return "every sample is zero"
    return f"peak {DB_PER_AMPLITUDE_DECADE * math.log10(peak / INT16_SCALE):.0f} dBFS"


def clip_findings(path: Path, word: str, audio: AudioClip, limits: ClipLimits) -> list[ClipFinding]:
    """The problems of one decoded clip of the word folder ``word`` (module docstring)."""
    found = []
    magnitude = np.abs(audio.samples.astype(np.int32))
    peak = int(magnitude.max()) if magnitude.size else 0
    if word != SILENCE and peak < limits.silent_peak:
        found.append(ClipFinding(path, SILENT, _dbfs(peak)))
    share = float(np.mean(magnitude >= INT16_MAX)) if magnitude.size else 0.0
    if share >= CLIPPED_SHARE:
        found.append(ClipFinding(path, CLIPPED, f"{share * PERCENT:.1f} % of samples at full scale"))
    if audio.duration_s < limits.min_duration_s:
        found.append(ClipFinding(path, TOO_SHORT, f"{audio.duration_s:.2f} s"))
    formats = []
    if audio.source_rate != limits.sample_rate_hz:
        formats.append(f"{audio.source_rate} Hz")
    if audio.source_channels != MONO:
        formats.append(counted(audio.source_channels, "channel"))
    if formats:
        found.append(ClipFinding(path, OTHER_FORMAT, ", ".join(formats)))
    return found


def check_clips(clips: Sequence[ClipEntry], limits: ClipLimits, progress: Progress | None = None,
                stop: threading.Event | None = None) -> ClipCheckReport:
    """Read every clip and list its problems; ends early (``checked`` < ``total``) once ``stop`` is set."""
    report = ClipCheckReport(limits, len(clips))
    for clip in clips:
        if stop is not None and stop.is_set():
            break
        try:
            audio = load_audio(clip.path, limits.sample_rate_hz)
        except AudioError as exc:
            report.findings.append(ClipFinding(clip.path, UNREADABLE, str(exc)))
        else:
            report.findings += clip_findings(clip.path, clip.word, audio, limits)
        report.checked += 1
        if progress is not None:
            progress(report.checked, report.total)
    return report
