"""The audio of a stream's false accepts and missed keywords as dataset clips: the model's mistakes to train on.

Why these folders: ``kws train --dataset DIR`` and the Training workspace read DIR in the Speech Commands layout
(:mod:`workbench.datasets.layout`), a folder per word. A false accept is audio the model must learn *not* to
detect, so it goes where training takes it as another word: the folder of the word it fell on ("go"), or
``_false_accept_`` when the labels name no usable word (between words, on silence or noise, a word that is no
folder name). That name can be no keyword nor negative word (neither may start with ``_``) and is neither
``_silence_`` nor ``_background_noise_``, so training counts its clips as ``_unknown_``. A false accept on a
keyword -- a second detection of one "yes", a "no" heard in a "yes", an other-speech label whose word is a
keyword -- is not saved at all: its audio is a keyword, and training it as another word would teach the model to
miss that keyword. A missed keyword goes to its keyword's folder.

The speaker is kept (the part before ``_nohash_`` of the clip the word came from; ``stream`` when unknown), so
the split rule keeps a speaker's clips in one split, as the dataset the stream was built from does (and a run that
merges the clips' folder with that dataset keeps each speaker where the dataset puts them:
:func:`~workbench.datasets.layout.merge_datasets`): a model must not be tested on voices it trained on. The
price: the clips of a stream built from the testing split land in testing again, where training tests on them
rather than learns from them -- :func:`held_out` counts them, so the command can say so.

One clip per place: two false accepts on one word (a "no" and then a "yes" on one "go") would give two identical
clips, which training would weigh twice; :func:`one_per_clip` keeps one. A clip already in its folder (a second
run over the same stream) is not written again (:meth:`~workbench.datasets.new_clip_files.NewClips.add_new`).

A background-only recording (``--background``) has no labels: every keyword detected in it is a false accept on no
word (:func:`~workbench.calibration.results.detection_outcomes.background_outcomes`), saved by the same rules into
``_false_accept_`` under the speaker ``background`` (:func:`plan_background_false_accepts`). One speaker for all
of them: no one's voice is in them to keep apart, and the split's hash puts that name in training, where clips to
learn from belong (a recording's name as the speaker could land them all in testing).

A clip is as long as the model's input (``fe.sample_length_ms``), centred on the word when the labels place one
there, else ending at the detection (the audio the model had just heard); at the recording's ends it is moved
inside it (and padded with zeros only when the recording is shorter than a clip).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.results.detection_outcomes import FALSE_ACCEPT, MISS, Outcome
from workbench.calibration.streams.labels import UNKNOWN_LABEL
from workbench.core.audio.audio_file import wav_bytes
from workbench.core.detection.detector import keyword_classes
from workbench.datasets.new_clip_files import NewClips
from workbench.datasets.layout import speaker_of
from workbench.datasets.splits import DEFAULT_TESTING_PERCENT, DEFAULT_VALIDATION_PERCENT, TRAINING, split_of

FALSE_ACCEPT_FOLDER = "_false_accept_"
UNKNOWN_SPEAKER = "stream"
BACKGROUND_SPEAKER = "background"  # the speaker of every background recording's clip (module docstring)
NO_ONES_SPEAKERS = (UNKNOWN_SPEAKER, BACKGROUND_SPEAKER)  # clip speakers that name no speaker of the dataset
FOLDER_WORD = re.compile(r"[^\W_][\w'-]*")  # a word, never a class name (_...) or a hidden folder (.)
SPEAKER_ID = re.compile(r"[\w-]+")
MAX_NAME_BYTES = 100  # well inside every file system's 255: the file name adds the speaker and a number
CLASS_MARK = "_"  # names starting with it mark other audio (_silence_, _noise_), not a word


@dataclass(frozen=True)
class StreamSplitRule:
    """How the dataset a stream was cut from was split: by the speaker hash at these percentages, or -- ``split``
    set -- by a rule that put every speaker of the stream in the stream's ``split`` whatever their hash (stratified,
    the dataset's own lists)."""

    validation_percent: float = DEFAULT_VALIDATION_PERCENT
    testing_percent: float = DEFAULT_TESTING_PERCENT
    split: str | None = None


@dataclass(frozen=True)
class ClipPlan:
    """One clip to write: the folder (word) and speaker it is named by, the sample it starts at, and why."""

    folder: str
    speaker: str
    first: int
    outcome: Outcome


def _usable(name: str, pattern: re.Pattern[str]) -> bool:
    return bool(pattern.fullmatch(name)) and len(name.encode("utf-8")) <= MAX_NAME_BYTES


def clip_speaker(outcome: Outcome) -> str:
    """The speaker id a clip is named by: the event's, when it has one usable in a file name."""
    speaker = outcome.speaker
    return speaker if speaker is not None and _usable(speaker, SPEAKER_ID) else UNKNOWN_SPEAKER


def clip_start(outcome: Outcome, length: int, sample_rate: int, total: int) -> int:
    """The first sample of ``outcome``'s clip of ``length`` samples in a recording of ``total`` (module
    docstring): centred on a spoken event (a keyword, a word, other speech), else ending at the detection."""
    event = outcome.event
    spoken = event is not None and (event.is_keyword or event.label == UNKNOWN_LABEL
                                    or (bool(event.word) and not event.word.startswith(CLASS_MARK)))
    if spoken and event is not None:
        first = round((event.start_s + event.end_s) / 2 * sample_rate) - length // 2
    else:
        first = round(outcome.time_s * sample_rate) - length
    return max(0, min(first, total - length))


def is_on_keyword(outcome: Outcome, classes: Sequence[str]) -> bool:
    """Whether a false accept fell on a keyword (its event is one, or its word is one, in any letter case)."""
    keywords = {k.casefold() for k in keyword_classes(classes)}
    word = outcome.word
    return outcome.event is not None and (outcome.event.is_keyword
                                          or (word is not None and word.casefold() in keywords))


def false_accept_folder(outcome: Outcome) -> str:
    """The folder a false accept (not on a keyword: :func:`is_on_keyword`) is saved in."""
    word = outcome.word
    return word if word is not None and _usable(word, FOLDER_WORD) else FALSE_ACCEPT_FOLDER


def plan_false_accepts(outcomes: Sequence[Outcome], classes: Sequence[str], length: int, sample_rate: int,
                       total: int) -> tuple[list[ClipPlan], list[Outcome]]:
    """(the clips of the false accepts to save, the false accepts on keywords left out)."""
    plans, left_out = [], []
    for outcome in outcomes:
        if outcome.kind != FALSE_ACCEPT:
            continue
        if is_on_keyword(outcome, classes):
            left_out.append(outcome)
            continue
        plans.append(ClipPlan(false_accept_folder(outcome), clip_speaker(outcome),
                              clip_start(outcome, length, sample_rate, total), outcome))
    return plans, left_out


def plan_background_false_accepts(outcomes: Sequence[Outcome], length: int, sample_rate: int,
                                  total: int) -> list[ClipPlan]:
    """The clips of a background-only recording's false accepts (its
    :func:`~workbench.calibration.results.detection_outcomes.background_outcomes`, ``total`` samples long): each in
    ``_false_accept_``, speaker :data:`BACKGROUND_SPEAKER`, ending at its detection; none is on a keyword."""
    return [ClipPlan(FALSE_ACCEPT_FOLDER, BACKGROUND_SPEAKER, clip_start(o, length, sample_rate, total), o)
            for o in outcomes if o.kind == FALSE_ACCEPT]


def plan_misses(outcomes: Sequence[Outcome], length: int, sample_rate: int, total: int) -> list[ClipPlan]:
    """The clips of the missed keywords, each in its keyword's folder."""
    return [ClipPlan(o.label, clip_speaker(o), clip_start(o, length, sample_rate, total), o)
            for o in outcomes if o.kind == MISS]


def one_per_clip(plans: Sequence[ClipPlan]) -> list[ClipPlan]:
    """``plans`` without repeats of one clip (same folder, speaker and first sample): the false accepts that fell on
    one word give one clip, the first's."""
    seen: set[tuple[str, str, int]] = set()
    kept = []
    for plan in plans:
        key = (plan.folder, plan.speaker, plan.first)
        if key not in seen:
            seen.add(key)
            kept.append(plan)
    return kept


def clip_samples(samples: npt.NDArray[np.int16], first: int, length: int) -> npt.NDArray[np.int16]:
    """``length`` samples from ``first``, zero-padded past the recording's end."""
    piece = samples[first:first + length]
    return piece if piece.size == length else np.concatenate((piece, np.zeros(length - piece.size, np.int16)))


def write_clips(root: Path, plans: Sequence[ClipPlan], samples: npt.NDArray[np.int16], length: int,
                sample_rate: int, heard: Callable[[npt.NDArray[np.int16]], npt.NDArray[np.int16]]) -> list[Path]:
    """Write each planned clip into ``root`` unless its folder holds the same clip already (and never over a file
    there); ``heard`` turns the recording's samples into what the model heard (the gain it was played with).
    Returns the files written: the plans less those already there."""
    clips = NewClips(root)
    for plan in plans:
        clips.add_new(plan.folder, plan.speaker,
                      wav_bytes(heard(clip_samples(samples, plan.first, length)), sample_rate))
    return clips.written


def held_out(paths: Iterable[Path], rule: StreamSplitRule = StreamSplitRule()) -> Counter[str]:
    """How many of the clips ``paths`` a run puts in each split other than training when it trains on their folder
    beside the dataset the stream was cut from, split by ``rule``: a clip of one of the stream's speakers lands where
    that speaker is -- by the hash of their speaker (as ``kws train --dataset`` splits a folder without lists), or
    in ``rule.split`` (merged datasets keep a speaker in one split); a clip of no one's (``stream``, ``background``)
    by the hash alone."""
    def landing(path: Path) -> str:
        if rule.split is not None and speaker_of(path) not in NO_ONES_SPEAKERS:
            return rule.split
        return split_of(path, rule.validation_percent, rule.testing_percent)

    return Counter(split for split in map(landing, paths) if split != TRAINING)


def folder_counts(folders: Iterable[str]) -> str:
    """"go 2, _false_accept_ 1": clips per folder (one name per clip), the most first."""
    return ", ".join(f"{folder} {n}" for folder, n in Counter(folders).most_common())
