"""Labelled test streams from a dataset folder: keywords among other words and silence, over noise.

Why build streams: clip accuracy says nothing about how often a board wakes by mistake. A stream that
sounds like use -- words a fraction of a second apart, most of them not keywords, over low noise --
replayed through the live engine does (issue 16). The recipe is deterministic for a seed: the same
dataset and recipe always give the same WAV and labels.

How a stream is laid out: a short lead-in of noise, then the items in a seeded random order, each
``gap_s`` (uniform) after the end of the previous clip, then a tail long enough for a late detection.
Clips are placed whole by default: one-second clips 0.3–1.2 s apart (1.75 s an item on average) fit about
2,055 items an hour (:func:`whole_clip_hourly_counts`; 2,047-2,064 for seeds 1, 2 and 16), not issue 16's 2,179,
which would need gaps of 0.65 s on average. With ``whole_clips=False`` each word clip is cut to its spoken
part plus ``CONTEXT_S`` on each side and the gaps separate the spoken words -- a denser, harder stream (about
2,750 items an hour with Speech Commands words, whose spoken parts are shorter than their clips).
The items are ``keyword_count`` keywords (shared equally among the keywords), ``unknown_count`` other
words and ``silence_count`` ``_silence_`` clips; without counts, items in issue 16's proportions
(332 : 1,678 : 169; about 313 : 1,583 : 159 an hour of whole clips) until the stream is ``minutes`` long.
A count not given follows those proportions too:
to ``keyword_count`` when it is given (the same kind of stream, sized by its keywords), else to ``minutes``.
Labels always mark the spoken part (see :mod:`stream_audio`). Each clip gets a gain from ``gain_db``, lowered
where it would take the clip's peak above ``PEAK_LIMIT`` (never clipping; ``peak_limited_clips`` counts the
clips this puts below the range's low end, as ``gain_db=(100, 100)`` does to all), and lies over a continuous
noise bed whose level under each word gives an SNR from ``snr_db`` (measured under the word, or against each
noise file's overall level: ``snr_reference``, :mod:`bed_levels`). The audio is mixed a block at a time
when it is read or written (:mod:`stream_mix`). Clips come from one split of the dataset (``testing`` by
default: speakers the training never used, with the split rule of :mod:`workbench.datasets`); a pool
smaller than the count is cycled, each round in a new random order. The recipe's defaults and figures (issue 16's
proportions, gaps, lead-in, tail, ``PEAK_LIMIT``) live in :mod:`recipe_defaults`, which help texts read without numpy.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.replay import CalibrationCancelled
from workbench.calibration.streams.bed_levels import file_levels, word_levels
from workbench.calibration.streams.labels import SILENCE_LABEL, UNKNOWN_LABEL, LabelEvent, StreamLabels
from workbench.calibration.streams.recipe_defaults import (
    ALL_SPLITS, CLIP_S, DEFAULT_GAP_S, KEYWORDS_PER_HOUR, LEAD_IN_S, PEAK_LIMIT, SILENCE_PER_HOUR, SNR_REFERENCES,
    SNR_WORD, TAIL_S, UNKNOWN_PER_HOUR,
)
from workbench.calibration.streams.stream_audio import (CROSSFADE_S, USABLE_NOISE_FADES, SpokenPart, faded,
                                                        is_usable_noise, rms_of, spoken_part, to_float)
from workbench.calibration.streams.stream_mix import BuiltStream, PlacedClip, dataset_blocks
from workbench.calibration.streams.stream_resources import (
    check_items_fit_wav, check_stream_memory, check_wav_length,
)
from workbench.core.audio.audio_file import DEFAULT_SAMPLE_RATE, load_audio
from workbench.core.detection.detector import is_keyword_class
from workbench.core.errors import SettingsError, WorkbenchError, closest_name
from workbench.core.wording import listed
from workbench.core.audio.decibels import amplitude_ratio

MINUTE_DECIMALS = 100  # the shortest length is said in hundredths of a minute
CONTEXT_S = 0.1  # audio kept before and after the spoken part of a clip
FILL_MARGIN = 3.0  # items drawn when filling a duration, relative to issue 16's hourly rates

ProgressCallback = Callable[[float], None]


def _check_range(values: Sequence[float], what: str, minimum: float | None = None) -> tuple[float, float]:
    low, high = (float(values[0]), float(values[-1]))
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise SettingsError(f"{what} must be LOW:HIGH with LOW <= HIGH, got {low:g}:{high:g}")
    if minimum is not None and low < minimum:
        raise SettingsError(f"{what} must not be below {minimum:g}, got {low:g}")
    return low, high


@dataclass(frozen=True)
class StreamRecipe:
    """How to build a stream: exact counts, or (no count given) issue 16's mix filling ``minutes``."""

    keywords: tuple[str, ...] = ("yes", "no")
    minutes: float = 10.0
    keyword_count: int | None = None
    unknown_count: int | None = None
    silence_count: int | None = None
    gap_s: tuple[float, float] = DEFAULT_GAP_S
    gain_db: tuple[float, float] = (-3.0, 3.0)
    snr_db: tuple[float, float] | None = (20.0, 40.0)  # None: no noise bed
    split: str = "testing"
    seed: int = 0
    whole_clips: bool = True  # gaps between whole clips (issue 16's density); False: between spoken words
    snr_reference: str = SNR_WORD  # word: the SNR under each word; file: to each noise file's level (bed_levels)

    def __post_init__(self) -> None:
        if not self.keywords:
            raise SettingsError("a stream needs at least one keyword")
        classes = [k for k in self.keywords if not is_keyword_class(k)]
        if classes:
            raise SettingsError(f"{classes[0]} is a class name, not a keyword (names starting with _ mark other "
                                "audio); give keyword words of the dataset, such as yes,no")
        if not self.minutes > 0:
            raise SettingsError(f"minutes must be positive, got {self.minutes}")
        for name in ("keyword_count", "unknown_count", "silence_count"):
            value = getattr(self, name)
            if value is not None and int(value) < 0:
                raise SettingsError(f"{name} must not be negative, got {value}")
        object.__setattr__(self, "gap_s", _check_range(self.gap_s, "gap_s", 0.0))
        object.__setattr__(self, "gain_db", _check_range(self.gain_db, "gain_db"))
        if self.snr_db is not None:
            object.__setattr__(self, "snr_db", _check_range(self.snr_db, "snr_db"))
        if self.snr_reference not in SNR_REFERENCES:
            raise SettingsError(f"snr_reference must be one of {', '.join(SNR_REFERENCES)}, got {self.snr_reference!r}")

    @property
    def fills_duration(self) -> bool:
        """True when no count is given: items in issue 16's proportions until ``minutes`` are filled."""
        return self.keyword_count is None and self.unknown_count is None and self.silence_count is None

    def counts(self) -> tuple[int, int, int]:
        """(keywords, other words, silences) to draw; when filling a duration, more than will fit. A count not
        given keeps issue 16's proportion to ``keyword_count`` when that is given, else to ``minutes``."""
        hours = self.minutes / 60.0 * (FILL_MARGIN if self.fills_duration else 1.0)

        def pick(given: int | None, per_hour: int) -> int:
            if given is not None:
                return int(given)
            if self.keyword_count is not None:  # in whole numbers: 332 keywords give exactly 1,678 other words
                return -(-per_hour * int(self.keyword_count) // KEYWORDS_PER_HOUR)
            return int(math.ceil(per_hour * hours))

        return (pick(self.keyword_count, KEYWORDS_PER_HOUR), pick(self.unknown_count, UNKNOWN_PER_HOUR),
                pick(self.silence_count, SILENCE_PER_HOUR))


@dataclass(frozen=True)
class StreamItem:
    """One thing to say: a clip file and the label it gets."""

    path: Path | None  # None: a silence made of the bed alone (the noise, or digital silence without it)
    label: str  # a keyword, UNKNOWN_LABEL or SILENCE_LABEL
    word: str



@dataclass
class ClipPools:
    """The clips a stream draws from, by role."""

    keywords: dict[str, list[Path]]
    unknown: list[tuple[Path, str]]
    silence: list[Path]
    noise: list[Path]
    description: dict[str, Any] = field(default_factory=dict)
    # keywords without a clip in the stream's split, and the splits that hold theirs (a small dataset's few speakers)
    other_splits: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _cycled(pool: Sequence[Any], count: int, rng: np.random.Generator) -> list[Any]:
    """``count`` picks from ``pool``: every element once per round, each round in a new random order."""
    picks: list[Any] = []
    while len(picks) < count:
        picks.extend(pool[i] for i in rng.permutation(len(pool)))
    return picks[:count]


def in_split_phrase(split: str) -> str:
    """`` in its testing split``; "" for every clip (``all``): how a message about missing clips says where."""
    return "" if split == ALL_SPLITS else f" in its {split} split"


def _other_splits_hint(splits: Sequence[str]) -> str:
    """Where a keyword's clips are when the stream's split has none: a dataset of a few speakers (one person's
    takes, a small synthetic set) may hold a word in one split only, and "no clips" alone reads as none at all."""
    if not splits:
        return ""
    return (f": its clips are in the {listed(list(splits))} {'split' if len(splits) == 1 else 'splits'}; build the "
            "stream from there or from all clips (a model trained on this dataset has heard those speakers)")


def plan_items(recipe: StreamRecipe, pools: ClipPools, rng: np.random.Generator) -> list[StreamItem]:
    """The items of the stream in their (seeded, random) order."""
    n_keywords, n_unknown, n_silence = recipe.counts()
    items: list[StreamItem] = []
    share, extra = divmod(n_keywords, len(recipe.keywords))
    for i, keyword in enumerate(recipe.keywords):
        wanted = share + (1 if i < extra else 0)
        pool = pools.keywords.get(keyword, [])
        if not pool:
            close = closest_name(keyword, {word for _, word in pools.unknown})  # a typo of another word (stpo)
            hint = (f" (did you mean {close}?): choose the keywords among the dataset's words (kws dataset info DIR "
                    "--words lists them)") if close else _other_splits_hint(pools.other_splits.get(keyword, ()))
            raise WorkbenchError(f"the dataset has no '{keyword}' clips{in_split_phrase(recipe.split)}{hint}")
        items += [StreamItem(p, keyword, keyword) for p in _cycled(pool, wanted, rng)]
    if n_unknown and not pools.unknown:
        raise WorkbenchError(f"the dataset has no other-word clips{in_split_phrase(recipe.split)}: add clips of "
                             "other words, or build a stream of keywords alone with --unknown-count 0")
    items += [StreamItem(p, UNKNOWN_LABEL, w) for p, w in _cycled(pools.unknown, n_unknown, rng)]
    # without _silence_ clips a silence is a second of the bed alone: of the noise, or (--no-noise) of digital silence
    # (build_stream refuses a noise bed without noise files; a dataset of one's own takes has neither folder)
    silence = _cycled(pools.silence, n_silence, rng) if pools.silence else [None] * n_silence
    items += [StreamItem(p, SILENCE_LABEL, SILENCE_LABEL) for p in silence]
    if not items:
        raise SettingsError("the recipe asks for no keywords, other words or silences")
    return [items[i] for i in rng.permutation(len(items))]


class _SpokenParts:
    """Where the word is in each clip used, the clip's length, and the word's RMS as the mix hears it (through the
    fades at the edges of the part of the clip used): read once per clip, the audio not kept."""

    def __init__(self, sample_rate: int, whole_clips: bool) -> None:
        self.sample_rate, self.whole_clips = sample_rate, whole_clips
        self.context = int(CONTEXT_S * sample_rate)
        self._parts: dict[Path, tuple[int, SpokenPart, float]] = {}

    def get(self, path: Path) -> tuple[int, SpokenPart, float]:
        if path not in self._parts:
            audio = to_float(load_audio(path, self.sample_rate).samples)
            part = spoken_part(audio, self.sample_rate)
            first, last = self.span(audio.size, part)
            heard = rms_of(faded(audio[first:last], self.sample_rate)[part.start - first:part.end - first])
            self._parts[path] = (audio.size, part, heard)
        return self._parts[path]

    def span(self, size: int, part: SpokenPart) -> tuple[int, int]:
        """The part of a word clip the stream uses: whole, or the spoken part with ``CONTEXT_S`` each side."""
        if self.whole_clips:
            return 0, size
        return max(0, part.start - self.context), min(size, part.end + self.context)


@dataclass
class _Placement:
    placed: list[PlacedClip]
    total: int  # samples in the stream
    peak_limited: int  # clips the peak limit kept below the lowest gain of the recipe


def _place_items(items: list[StreamItem], recipe: StreamRecipe, rng: np.random.Generator, sample_rate: int,
                 cancel: threading.Event | None, progress: ProgressCallback | None) -> _Placement:
    parts = _SpokenParts(sample_rate, recipe.whole_clips)
    tail = int(TAIL_S * sample_rate)
    end_limit = int(recipe.minutes * 60 * sample_rate) if recipe.fills_duration else None
    cursor = int(LEAD_IN_S * sample_rate)  # end of the previous clip (or word, when trimming)
    placed: list[PlacedClip] = []
    peak_limited, lowest_gain = 0, amplitude_ratio(recipe.gain_db[0])
    for number, item in enumerate(items):
        if cancel is not None and cancel.is_set():
            raise CalibrationCancelled("stream building cancelled")
        gap = int(rng.uniform(*recipe.gap_s) * sample_rate)
        gain = amplitude_ratio(rng.uniform(*recipe.gain_db))
        heard = 0.0
        if item.path is None:  # silence without clips: one second of the noise bed alone
            span, word, rms = (0, sample_rate), (0, sample_rate), 0.0
        else:
            size, part, heard = parts.get(item.path)
            if part.peak > 0:
                gain = min(gain, PEAK_LIMIT / part.peak)
            if item.label == SILENCE_LABEL:  # a silence clip is used whole and has no speech level
                span, word, rms, heard = (0, size), (0, size), 0.0, 0.0
            else:
                span = parts.span(size, part)
                word, rms, heard = (part.start - span[0], part.end - span[0]), part.rms * gain, heard * gain
        length = span[1] - span[0]
        spaced = (0, length) if recipe.whole_clips else word  # what the gaps separate
        at = cursor + gap - spaced[0]
        if end_limit is not None and at + spaced[1] + tail > end_limit:
            break
        check_items_fit_wav(at + length + tail, number, len(items), sample_rate)
        clip_name = f"{item.path.parent.name}/{item.path.name}" if item.path is not None else ""
        event = LabelEvent(item.label, (at + word[0]) / sample_rate, (at + word[1]) / sample_rate, item.word,
                           clip_name)
        placed.append(PlacedClip(item.path, span[0], span[1], gain, at, event, rms, heard))
        peak_limited += gain < lowest_gain
        cursor = at + spaced[1]
        if progress is not None and number % 100 == 0:
            progress(0.5 * (cursor / end_limit if end_limit else number / len(items)))
    if not placed:  # only when filling a duration: counts always place every item
        need_s = LEAD_IN_S + recipe.gap_s[1] + CLIP_S + TAIL_S
        raise SettingsError(f"a {recipe.minutes * 60:.1f} s stream is too short for even one clip (the lead-in, a "
                            f"gap, a clip and the tail take up to {need_s:.1f} s): make it at least "
                            f"{math.ceil(need_s / 60 * MINUTE_DECIMALS) / MINUTE_DECIMALS:g} minutes long")
    total = max(end_limit, cursor + tail) if end_limit is not None else cursor + tail
    return _Placement(placed, total, peak_limited)


def _noise_levels(placed: list[PlacedClip], recipe: StreamRecipe, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """The noise's RMS wanted under each item: the item's speech level minus a random SNR (a silence takes the
    level of the speech before it). The ``word`` reference takes the word as mixed, the fades at the edges of its
    clip included; ``file`` the word in its clip, as streams were first made."""
    rms = [p.heard_rms if recipe.snr_reference == SNR_WORD else p.speech_rms for p in placed]
    speech = [r for r in rms if r > 0]
    fallback = float(np.median(speech)) if speech else 0.05
    levels, previous = [], fallback
    for r in rms:
        level = r if r > 0 else previous
        previous = level
        snr = rng.uniform(*recipe.snr_db) if recipe.snr_db is not None else math.inf
        levels.append(level / amplitude_ratio(snr) if math.isfinite(snr) else 0.0)
    return np.asarray(levels, np.float64)


def build_stream(recipe: StreamRecipe, pools: ClipPools, *, sample_rate: int = DEFAULT_SAMPLE_RATE,
                 progress: ProgressCallback | None = None, cancel: threading.Event | None = None) -> BuiltStream:
    """Lay out and label a stream (see the module docstring); its audio is mixed as it is read or written."""
    if recipe.fills_duration:
        check_wav_length(int(recipe.minutes * 60 * sample_rate), sample_rate)
    check_stream_memory(sum(recipe.counts()), recipe.minutes if recipe.fills_duration else None)
    if recipe.snr_db is not None and not pools.noise:
        raise SettingsError("no background noise: the dataset has no audio file in a _background_noise_ folder; "
                            "name noise recordings with --noise, or build the stream without noise with --no-noise")
    rng = np.random.default_rng(recipe.seed)
    items = plan_items(recipe, pools, rng)
    placement = _place_items(items, recipe, rng, sample_rate, cancel, progress)
    placed = placement.placed
    wanted = _noise_levels(placed, recipe, rng)
    noise = [to_float(load_audio(p, sample_rate).samples) for p in pools.noise] if recipe.snr_db is not None else None
    if noise is not None and not any(is_usable_noise(samples, sample_rate) for samples in noise):
        raise WorkbenchError(f"no usable background noise in {listed([p.name for p in pools.noise])}: each is shorter "
                             f"than {USABLE_NOISE_FADES * CROSSFADE_S:g} s or silent; give a longer noise file, or "
                             "build without noise")
    if noise is not None and recipe.snr_reference == SNR_WORD:
        words = np.asarray([p.word_span(sample_rate) for p in placed], np.int64)
        is_word = np.asarray([p.event.label != SILENCE_LABEL for p in placed], np.bool_)
        levels = word_levels(words, wanted, is_word, placement.total, sample_rate, noise, rng, cancel)
    else:
        levels = file_levels(np.asarray([(p.at, p.at + p.size) for p in placed], np.int64), wanted, sample_rate)
    blocks = dataset_blocks(placed, levels, placement.total, sample_rate, noise, rng)
    labels = StreamLabels(tuple(p.event for p in placed), "stream")
    uses = Counter(e.clip for e in labels.events if e.clip)
    info = {"recipe": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(recipe).items()},
            "counts": {"keywords": len(labels.keyword_events),
                       "unknown": sum(e.label == UNKNOWN_LABEL for e in labels.events),
                       "silence": sum(e.label == SILENCE_LABEL for e in labels.events)},
            "sample_rate": sample_rate, "duration_s": round(placement.total / sample_rate, 3),
            "clipped_samples": None, "reused_clips": sum(n > 1 for n in uses.values()),
            "most_uses_of_a_clip": max(uses.values(), default=0), "peak_limited_clips": placement.peak_limited,
            "snr_boosted_items": levels.boosted,
            **pools.description}
    return BuiltStream(labels, sample_rate, placement.total, info, blocks)
