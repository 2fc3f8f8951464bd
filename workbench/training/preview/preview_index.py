"""``index.csv`` of an augmentation preview: per sample its files, clip, class and the transforms' drawn values.

Why in words a person reads (a clip's or noise file's absolute path, where in it the second was cut, mask spans as
channel and frame numbers) rather than the :class:`~workbench.training.data.augmentation.Transform` fields: the
index is read beside the WAV and the PNG, to tell which setting made what is heard and seen. A transform that changed
nothing is a plain value (loudness 1, speed 1, pitch 0) or an empty cell (no noise, no masks, no context, no
history).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from workbench.core.audio.decibels import DB_PER_AMPLITUDE_DECADE
from workbench.training.data.audio_effects import placement_start
from workbench.training.data.augmentation import AFTER, BEFORE, CHANNELS_AXIS, Mask, Neighbour, Transform, mask_span
from workbench.training.data.features import SampleRenderer

INDEX_COLUMNS = ("n", "audio", "spectrogram", "class", "source", "offset", "trim_db", "noise", "noise_factor",
                 "noise_at_s", "loudness", "speed", "pitch_semitones", "masks", "context", "history")
SIGNIFICANT_DIGITS = 4
GENERATED = ""  # the source of a generated silence sample: no clip
LIST_SEPARATOR = "; "  # between the masks (or the neighbours) of one sample
SIDE_NAMES = {BEFORE: "before", AFTER: "after"}  # which side of the sample's word a neighbour is heard on


@dataclass(frozen=True)
class PreviewSample:
    """One previewed sample: its number, its files' names, its class and clip, and its random choices."""

    number: int
    audio: str
    spectrogram: str
    class_name: str
    source: Path | None  # None: generated silence
    transform: Transform


def _number(value: float) -> str:
    return f"{value:.{SIGNIFICANT_DIGITS}g}"


def _decibels(gain: float) -> str:
    return f"{DB_PER_AMPLITUDE_DECADE * math.log10(gain):+.1f} dB" if gain > 0 else "silent"


def _mask_text(mask: Mask, shape: tuple[int, int]) -> str:
    """``channels 12-15``, ``frame 3`` (first and last covered, counted from 0); "" for a mask 0 wide."""
    start, stop = mask_span(mask, shape[mask.axis])
    what = "channel" if mask.axis == CHANNELS_AXIS else "frame"
    if stop - start == 1:
        return f"{what} {start}"
    return f"{what}s {start}-{stop - 1}" if stop > start else ""


def _neighbour_text(neighbour: Neighbour, clips: Sequence[Path]) -> str:
    return (f"{SIDE_NAMES[neighbour.side]} {clips[neighbour.clip].absolute()} gap {_number(neighbour.gap_s)} s "
            f"gain {_decibels(neighbour.gain)}")


def transform_values(transform: Transform, renderer: SampleRenderer) -> dict[str, str]:
    """The index's transform columns for ``transform``, drawn by ``renderer`` (which knows the noise files, the
    context clips, the sample length and the spectrogram's shape)."""
    settings = renderer.settings
    trim_db = settings.augmentation.trim_threshold_db
    values = {"offset": _number(transform.offset), "trim_db": _number(trim_db) if trim_db else "",
              "noise": "", "noise_factor": "", "noise_at_s": "", "loudness": _number(transform.loudness),
              "speed": _number(transform.speed), "pitch_semitones": _number(transform.semitones)}
    if transform.noise_index is not None and transform.noise_factor > 0:
        noise_size = renderer.noises[transform.noise_index].size
        cut = max(0, -placement_start(noise_size, renderer.length, transform.noise_position))
        values.update(noise=str(settings.background[transform.noise_index].absolute()),
                      noise_factor=_number(transform.noise_factor), noise_at_s=_number(cut / renderer.rate))
    shape = settings.frontend.spectrogram_shape
    masks = [text for mask in transform.masks if (text := _mask_text(mask, shape))]
    values["masks"] = LIST_SEPARATOR.join(masks)
    values["context"] = LIST_SEPARATOR.join(_neighbour_text(n, settings.context_clips) for n in transform.context)
    history = transform.history
    values["history"] = "" if history is None else (
        f"{settings.context_clips[history.clip].absolute()} lead {_number(history.lead_s)} s "
        f"gap {_number(history.gap_s)} s gain {_decibels(history.gain)}")
    return values


def index_csv(samples: Sequence[PreviewSample], renderer: SampleRenderer) -> str:
    """The text of ``index.csv``: a header of :data:`INDEX_COLUMNS`, then one row per sample."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for sample in samples:
        writer.writerow({"n": sample.number, "audio": sample.audio, "spectrogram": sample.spectrogram,
                         "class": sample.class_name,
                         "source": GENERATED if sample.source is None else str(sample.source.absolute()),
                         **transform_values(sample.transform, renderer)})
    return buffer.getvalue()
