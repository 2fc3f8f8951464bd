"""What a synthetic dataset will hold, decided before any audio is made: one job per clip.

Why plan first: the plan fixes every clip's file name, voice, text, rate, pitch, accent and random seeds
from ``(seed, word, voice, take)`` alone, so a dataset is the same however many processes make it and in
whatever order they finish, a cancelled build continues where it stopped, and the dialog can show the
clip count before building.

Layout (Speech Commands')::

    OUT/<word>/<speaker>_nohash_<n>.wav     keywords and negative words, one folder per word
    OUT/_background_noise_/<kind>.wav       generated noise (white, pink, brown, hum, babble)
    OUT/synth.json                          the settings, voices, speakers, negatives and counts

Negative words get one folder each (``go/``, ``hey_camp/``): training draws its ``_unknown_`` class as an
equal share per word folder (MLTK's rule), so a single ``_unknown_/`` folder would count as one word; and
a folder per word lets ``unknown_word_weights`` favour the sound-alikes. ``<n>`` counts a speaker's clips
in a folder across engines (kal via flite and via festival share one speaker id).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from workbench.core.errors import SettingsError
from workbench.synthesis.clip_placement import PlacementSettings
from workbench.synthesis.engines.base import SpeakRequest, Voice
from workbench.synthesis.negatives import NegativeWord
from workbench.synthesis.noise import NOISE_KINDS
from workbench.synthesis.room_effects import RoomSettings

NOHASH = "_nohash_"
DEFAULT_TAKES = 5
DEFAULT_NEGATIVE_TAKES = 1
DEFAULT_RATE_RANGE = (0.8, 1.25)
DEFAULT_PITCH_RANGE = (-3.0, 3.0)
DEFAULT_NOISE_SECONDS = 30.0
BABBLE_WORDS = 40
BABBLE_TALKERS = 6
MAX_WORD_CHARACTERS = 40
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9' -]*$")
_FOLDER_UNSAFE = re.compile(r"[^\w'-]+")
_RESERVED_FOLDERS = ("_background_noise_", "_silence_", "_unknown_")


def check_word(text: str) -> str:
    """``text`` stripped, or a :class:`SettingsError` when it is not a word or phrase every engine can say.

    ASCII letters only: flite drops what it cannot spell ("über" comes out as "ber", "café" as "caf"), and the
    word becomes a folder, a training label and a class name on the board; the message says a-z, since
    "use letters" reads as a lie to someone who typed é."""
    word = " ".join(text.split())
    if not word or len(word) > MAX_WORD_CHARACTERS or not _WORD.match(word):
        raise SettingsError(f"{text!r} is not a word to synthesise: use the letters a-z, digits, spaces, ' and -, "
                            f"at most {MAX_WORD_CHARACTERS} characters.")
    return word


def folder_name(word: str) -> str:
    """The dataset folder (and training label) of a word: ``hey lamp`` → ``hey_lamp``."""
    name = _FOLDER_UNSAFE.sub("_", word.strip().lower()).strip("_")
    if not name or name in _RESERVED_FOLDERS:
        raise SettingsError(f"{word!r} cannot be a word folder.")
    return name


def spoken_word(folder: str) -> str:
    """The words a word folder (or a model's class) says: ``hey_lamp`` → ``hey lamp``, the inverse of
    :func:`folder_name`. Why: a prompt or a synthesiser reads the phrase, and :func:`check_word` refuses ``_``."""
    return " ".join(folder.replace("_", " ").split())


@dataclass(frozen=True)
class SynthSettings:
    """Everything that decides a synthetic dataset (the plan is a pure function of it and the voices)."""

    words: tuple[str, ...]
    negatives: tuple[NegativeWord, ...] = ()
    takes: int = DEFAULT_TAKES
    negative_takes: int = DEFAULT_NEGATIVE_TAKES
    seed: int = 0
    rate_range: tuple[float, float] = DEFAULT_RATE_RANGE
    pitch_range: tuple[float, float] = DEFAULT_PITCH_RANGE
    placement: PlacementSettings = field(default_factory=PlacementSettings)
    room: RoomSettings = field(default_factory=RoomSettings.off)
    noise_kinds: tuple[str, ...] = NOISE_KINDS
    noise_seconds: float = DEFAULT_NOISE_SECONDS

    def __post_init__(self) -> None:
        if not self.words:
            raise SettingsError("Give at least one keyword to synthesise.")
        if self.takes < 1 or self.negative_takes < 0:
            raise SettingsError("Takes must be at least 1 per keyword (and not negative for negative words).")
        for low, high, what in (*self.rate_range, "rate"), (*self.pitch_range, "pitch"):
            if low > high:
                raise SettingsError(f"The {what} range is reversed ({low:g} > {high:g}).")
        if self.rate_range[0] <= 0:
            raise SettingsError("The rate range must be above 0.")
        unknown = [k for k in self.noise_kinds if k not in NOISE_KINDS]
        if unknown:
            raise SettingsError(f"Unknown noise kind {unknown[0]!r}: use {', '.join(NOISE_KINDS)}.")
        folders = [folder_name(w) for w in self.words]
        if len(set(folders)) != len(folders):
            raise SettingsError("Two keywords share a folder name: " + ", ".join(self.words) + ".")


@dataclass(frozen=True)
class ClipJob:
    """One clip to make: who says what, how, and where it goes (relative to the output folder)."""

    index: int
    folder: str
    voice: Voice
    request: SpeakRequest
    placement_seed: int
    path: str  # "<folder>/<speaker>_nohash_<n>.wav"
    keyword: bool


@dataclass(frozen=True)
class BabbleJob:
    """One utterance for the babble noise (not a clip)."""

    index: int
    voice: Voice
    request: SpeakRequest


def job_seed(seed: int, *parts: str | int) -> np.random.SeedSequence:
    """The seed sequence of one job, from the build seed and what the job is (not from its position)."""
    keys = [seed & 0xFFFFFFFF] + [zlib.crc32(str(p).encode("utf-8")) for p in parts]
    return np.random.SeedSequence(keys)


def _request(settings: SynthSettings, text: str, voice: Voice, take: int, style: int, tag: str
             ) -> tuple[SpeakRequest, int]:
    rng = np.random.default_rng(job_seed(settings.seed, tag, text, voice.id, take))
    rate = float(rng.uniform(*settings.rate_range))
    pitch = float(rng.uniform(*settings.pitch_range))
    speak_seed, placement_seed = (int(v) for v in rng.integers(0, 2**31 - 1, size=2))
    return SpeakRequest(text, rate, pitch, style, speak_seed), placement_seed


def plan_clips(settings: SynthSettings, voices: Sequence[Voice]) -> list[ClipJob]:
    """Every clip of the dataset, keywords first, in a fixed order (module docstring)."""
    items = [(w, folder_name(w), settings.takes, True) for w in settings.words]
    items += [(n.text, folder_name(n.text), settings.negative_takes, False) for n in settings.negatives]
    jobs: list[ClipJob] = []
    counters: dict[tuple[str, str], int] = {}
    for text, folder, takes, keyword in items:
        for voice_index, voice in enumerate(voices):
            for take in range(takes):
                request, placement_seed = _request(settings, text, voice, take, voice_index + take, "clip")
                n = counters.get((folder, voice.speaker), 0)
                counters[(folder, voice.speaker)] = n + 1
                jobs.append(ClipJob(len(jobs), folder, voice, request, placement_seed,
                                    f"{folder}/{voice.speaker}{NOHASH}{n}.wav", keyword))
    return jobs


def plan_babble(settings: SynthSettings, voices: Sequence[Voice], words: Sequence[str]) -> list[BabbleJob]:
    """Utterances for the babble noise: ``words`` (never keywords) by voices spread over the engines."""
    if "babble" not in settings.noise_kinds or not voices or not words:
        return []
    rng = np.random.default_rng(job_seed(settings.seed, "babble"))
    jobs = []
    for i in range(BABBLE_WORDS):
        voice = voices[int(rng.integers(len(voices)))]
        text = words[int(rng.integers(len(words)))]
        request, _ = _request(settings, text, voice, i, i, "babble")
        jobs.append(BabbleJob(i, voice, request))
    return jobs
