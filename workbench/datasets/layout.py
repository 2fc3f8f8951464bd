"""Read a keyword-spotting dataset folder into an index of clips: word, speaker and split of each.

Why one scanner: training, evaluation, ``kws dataset info`` and the GUI must all see the same clips in
the same splits, or a model would be "evaluated" on clips it was trained on. The layout is Speech
Commands' (MLTK, Edge Impulse and the workbench's own recorder use it too)::

    ROOT/
      yes/0a7c2a8d_nohash_0.wav      one folder per word; <speaker>_nohash_<n>.wav
      _silence_/...                   optional real silence/noise clips
      _background_noise_/*.wav        long noise recordings (augmentation), not clips
      validation_list.txt             optional split lists (see :mod:`workbench.datasets.splits`)
      testing_list.txt

Audio files are ``.wav``, ``.flac``, ``.ogg`` and ``.mp3`` directly inside a word folder; hidden files, other
files and deeper folders are ignored. Word folders whose name starts with ``.`` are ignored too.

**Speakers.** ``speaker`` is the file-name part before ``_nohash_``. The workbench's recorder saves a
user's takes as ``<label>/<label>_<YYYYmmdd-HHMMSS>.wav`` (no ``_nohash_``): then the speaker is the whole
file stem, i.e. every take is its own "speaker" and the takes spread over training/validation/testing at
the split percentages. That is deliberate: a folder of one person's takes is usually *the* voice the
model must learn, and hashing the folder as one speaker would put all of it into one split (a 25 %
chance with the defaults that none of it is trained on). To keep several people apart -- e.g. to
measure how the model does on a voice it never heard -- name the files ``<person>_nohash_<anything>.wav``;
then all of that person's clips share one split, exactly as in Speech Commands.

**Unreadable files** (``check_audio``): each clip's header is read with ``soundfile.info`` (cheap: no
decoding); a file libsndfile cannot open, or one without samples, is listed in ``unreadable`` with the
reason and skipped -- never fatal. With ``check_truncation`` a WAV whose header announces more audio than the
file holds (cut short by a copy or a download) is listed too: libsndfile opens it and reports the few frames
there are. It is off by default because training reports such clips where it decodes them
(:func:`workbench.core.audio.audio_file.load_audio` checks truncation the same way, into the run's skipped
clips); ``kws dataset info`` and ``kws evaluate`` turn it on, so what they count is what can be decoded.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Sequence

import soundfile as sf

from workbench.core.audio.audio_file import check_wav_not_truncated, is_audio_name
from workbench.core.detection.detector import keyword_classes
from workbench.core.errors import AudioError, SettingsError, WorkbenchError
from workbench.datasets.splits import (
    DEFAULT_TESTING_PERCENT,
    DEFAULT_VALIDATION_PERCENT,
    HASH_METHOD,
    NOHASH_MARK,
    SPLIT_METHODS,
    SPLITS,
    STRATIFIED_METHOD,
    SplitRule,
    stratified_splits,
)

SILENCE = "_silence_"
UNKNOWN = "_unknown_"
BACKGROUND_DIR = "_background_noise_"
WAV_FORMAT = "WAV"  # soundfile's name of the RIFF WAVE container
WAV_CHUNK_TABLE_BYTES = 4096  # the chunks before "data" in any ordinary WAV: a clip is not read whole


@dataclass(frozen=True)
class ClipEntry:
    """One clip: where it is, the word its folder names, who said it, and its split."""

    path: Path
    word: str  # folder name: "yes", "go", "_silence_", or a user's own label
    speaker: str  # file-name part before "_nohash_" (whole stem when absent)
    split: str  # "training" | "validation" | "testing"


@dataclass
class DatasetIndex:
    """Every clip of one or more dataset folders (see the module docstring for the layout)."""

    roots: tuple[Path, ...]
    clips: list[ClipEntry]
    background: list[Path]  # long noise files from _background_noise_/
    unreadable: list[tuple[Path, str]]  # (file, reason): listed, skipped, never fatal
    durations: dict[Path, float] = field(default_factory=dict)  # seconds, from the headers (check_audio)
    split_rules: dict[Path, str] = field(default_factory=dict)  # root -> how it was split (one line)
    listed_roots: frozenset[Path] = frozenset()  # the roots split by their own list files, not by percentages

    def words(self) -> dict[str, int]:
        """Clips per word folder, sorted by word."""
        counts = Counter(clip.word for clip in self.clips)
        return {word: counts[word] for word in sorted(counts)}

    def select(self, split: str) -> list[ClipEntry]:
        """The clips of one split (``training``, ``validation`` or ``testing``)."""
        if split not in SPLITS:
            raise SettingsError(f"Unknown split {split!r}: use one of {', '.join(SPLITS)}.")
        return [clip for clip in self.clips if clip.split == split]

    @property
    def total_duration_s(self) -> float:
        """Seconds of audio in the clips whose header was read."""
        return float(sum(self.durations.get(clip.path, 0.0) for clip in self.clips))


def has_speaker_id(path: Path) -> bool:
    """Whether a clip's file name names its speaker (``SPEAKER_nohash_N.wav``); the dataset's silence clips
    and most users' own files do not, and :func:`speaker_of` then stands the clip for a speaker of its own."""
    return NOHASH_MARK in Path(path).name


def speaker_of(path: Path) -> str:
    """The speaker id of a clip file: the name before ``_nohash_``, else the whole stem."""
    name = Path(path).name
    if NOHASH_MARK in name:
        return name.split(NOHASH_MARK, 1)[0]
    return Path(name).stem


def negative_class(word: str) -> str:
    """The class of a word a model learns apart from the keywords but never detects: ``go`` -> ``_go_``.

    The firmware never reports a class whose name starts with ``_`` (it only blocks a keyword while it
    is on top), so a model may hold such classes for the words it confuses with its keywords.
    """
    return f"_{word}_"


def is_negative_class(name: str) -> bool:
    """True for a negative-word class (``_go_``); False for keywords, ``_unknown_`` and ``_silence_``."""
    return len(name) > 2 and name.startswith("_") and name.endswith("_") and name not in (UNKNOWN, SILENCE)


def label_of(word: str, keywords: Sequence[str], negative_words: Sequence[str] = ()) -> str:
    """The class a clip of ``word`` trains/evaluates as: the keyword itself, SILENCE, the word's
    negative class (:func:`negative_class`) when it is one of ``negative_words``, or UNKNOWN."""
    if word in keywords:
        return word
    if word == SILENCE:
        return SILENCE
    if word in negative_words:
        return negative_class(word)
    return UNKNOWN


def class_label(word: str, classes: Sequence[str]) -> str:
    """:func:`label_of` with the keywords and negative words that a model's ``classes`` name."""
    keywords = keyword_classes(classes)
    return label_of(word, keywords, [c[1:-1] for c in classes if is_negative_class(c)])


def _is_audio(entry: os.DirEntry[str]) -> bool:
    return is_audio_name(entry.name) and entry.is_file()


def _audio_files(folder: Path, unreadable: list[tuple[Path, str]]) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries if _is_audio(e))
    except OSError as exc:
        unreadable.append((folder, f"cannot list the folder: {exc.strerror or exc}"))
        return []


def _header_duration(path: Path, check_truncation: bool = False) -> tuple[float | None, str | None]:
    """(seconds, None) when libsndfile can open the file and it holds samples (and, with ``check_truncation``,
    a WAV holds all the audio its header announces), else (None, reason)."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError) as exc:
        reason = getattr(exc, "error_string", None) or str(exc).splitlines()[0]
        return None, f"not a readable audio file ({reason})"
    except OSError as exc:
        return None, f"cannot read it: {exc.strerror or exc}"
    if info.samplerate <= 0 or info.frames <= 0:
        return None, "contains no audio samples"
    truncated = _wav_truncation(path) if check_truncation and info.format == WAV_FORMAT else None
    if truncated is not None:
        return None, truncated
    return info.frames / info.samplerate, None


def _wav_truncation(path: Path) -> str | None:
    """Why the WAV ``path`` is cut short (its data chunk announces more bytes than the file holds), or None.

    Why here too: libsndfile opens such a file and reports only the frames that are there (a 1 s clip cut
    to 56 bytes reads as 1.75 ms), so the header alone would count it as a clip that evaluation and training
    then skip or pad from nothing. The check reads the chunk table at the file's start and compares it with
    the file size: no decoding."""
    try:
        with path.open("rb") as handle:
            head = handle.read(WAV_CHUNK_TABLE_BYTES)
        check_wav_not_truncated(path, head, path.stat().st_size)
    except AudioError as exc:
        return str(exc).removeprefix(f"{path} is ")
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    return None


def _word_folders(root: Path) -> list[Path]:
    try:
        with os.scandir(root) as entries:
            return sorted(Path(e.path) for e in entries if not e.name.startswith(".") and e.is_dir())
    except OSError as exc:
        raise WorkbenchError(f"Cannot list the dataset folder {root}: {exc.strerror or exc}.") from None


def _stratify(clips: list[ClipEntry], validation_percent: float, testing_percent: float) -> list[ClipEntry]:
    words: dict[str, Counter[str]] = {}
    names: dict[str, str] = {}
    for clip in clips:
        words.setdefault(clip.speaker, Counter())[clip.word] += 1
        names.setdefault(clip.speaker, clip.path.name)
    splits = stratified_splits(words, names, validation_percent, testing_percent)
    return [replace(clip, split=splits[clip.speaker]) for clip in clips]


def scan_dataset(root: str | Path, *, validation_percent: float = DEFAULT_VALIDATION_PERCENT,
                 testing_percent: float = DEFAULT_TESTING_PERCENT, check_audio: bool = True,
                 split_method: str = HASH_METHOD, check_truncation: bool = False) -> DatasetIndex:
    """Index the dataset folder ``root`` (layout, speakers and splits: see the module docstring).

    ``split_method``: ``"hash"`` (the official rule) or ``"stratified"`` (see
    :mod:`workbench.datasets.splits`); split lists in the root win over both.
    Raises :class:`WorkbenchError` when ``root`` is not a folder or holds no word folder with audio.
    """
    if split_method not in SPLIT_METHODS:
        raise SettingsError(f"Unknown split method {split_method!r}: use one of {', '.join(SPLIT_METHODS)}.")
    root = Path(root).expanduser()
    if not root.exists():
        raise WorkbenchError(f"The dataset folder {root} does not exist.")
    if not root.is_dir():
        raise WorkbenchError(f"{root} is not a folder: give the dataset folder that holds one folder per word.")
    rule = SplitRule(root, validation_percent, testing_percent)
    clips: list[ClipEntry] = []
    background: list[Path] = []
    unreadable: list[tuple[Path, str]] = []
    durations: dict[Path, float] = {}
    for folder in _word_folders(root):
        files = _audio_files(folder, unreadable)
        for path in files:
            if check_audio:
                seconds, reason = _header_duration(path, check_truncation)
                if reason is not None:
                    unreadable.append((path, reason))
                    continue
                durations[path] = float(seconds or 0.0)
            if folder.name == BACKGROUND_DIR:
                background.append(path)
                continue
            relative = f"{folder.name}/{path.name}"
            clips.append(ClipEntry(path, folder.name, speaker_of(path), rule.split(relative, path)))
    if not clips and not background and not unreadable:
        loose = [p for p in _audio_files(root, []) if p.is_file()]
        files = f"{len(loose)} audio file lies" if len(loose) == 1 else f"{len(loose)} audio files lie"
        hint = f" ({files} directly in it: put them into a folder named after their word)" if loose else ""
        raise WorkbenchError(f"No clips found in {root}: a dataset holds one folder per word with "
                             f"audio files inside{hint}.")
    if split_method == STRATIFIED_METHOD and not rule.uses_lists and clips:
        clips = _stratify(clips, validation_percent, testing_percent)
    return DatasetIndex((root,), clips, background, unreadable, durations, {root: rule.describe(split_method)},
                        frozenset({root}) if rule.uses_lists else frozenset())


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def merge_datasets(indexes: Sequence[DatasetIndex]) -> DatasetIndex:
    """One index over several datasets (e.g. Speech Commands plus a user's own takes).

    A file reached twice (the same folder given twice, a link) is kept once. Each clip keeps the split its own
    dataset gave it, except that a speaker keeps one split across the datasets (:func:`_speakers_kept_together`).
    """
    if not indexes:
        raise WorkbenchError("No dataset to merge: give at least one dataset folder.")
    clips: list[ClipEntry] = []
    seen: set[Path] = set()
    durations: dict[Path, float] = {}
    rules: dict[Path, str] = {}
    for index in indexes:
        for clip in index.clips:
            key = clip.path.resolve()
            if key not in seen:
                seen.add(key)
                clips.append(clip)
        durations.update(index.durations)
        rules.update(index.split_rules)
    roots = tuple(_unique(root for index in indexes for root in index.roots))
    background = _unique(path for index in indexes for path in index.background)
    unreadable_paths = _unique(path for index in indexes for path, _ in index.unreadable)
    reasons = {path: reason for index in indexes for path, reason in index.unreadable}
    listed_roots = frozenset().union(*(index.listed_roots for index in indexes))
    return DatasetIndex(roots, _speakers_kept_together(clips, listed_roots), background,
                        [(p, reasons[p]) for p in unreadable_paths], durations, rules, listed_roots)


def follows_its_speaker(clip: ClipEntry) -> bool:
    """Whether ``clip`` names a person whose split it shares (``SPEAKER_nohash_N``, not a silence clip)."""
    return clip.word != SILENCE and NOHASH_MARK in clip.path.name


def _speakers_kept_together(clips: list[ClipEntry], listed_roots: frozenset[Path]) -> list[ClipEntry]:
    """``clips`` (in the datasets' order) with each speaker's clips in one split: the split of a dataset's own
    lists when one lists the speaker (whatever the datasets' order: lists are a deliberate choice), else the split
    of the first dataset that holds the speaker. Clips of lists keep their lists' split.

    Why: each dataset is split by itself, and a folder of clips cut from another dataset's stream (``kws detect
    --save-false-accepts`` keeps the speakers) was split apart by the hash at its percentages or stratified on
    its own -- not by the other's lists (the official archive's) or its stratified split. The folder's clips of a
    testing speaker then went into training: a model trained on noisy copies of its test clips, and tested on
    voices it trained on. Clips without a speaker id (takes named by their time, silence) are no one to follow.
    """
    def listed(clip: ClipEntry) -> bool:
        return any(clip.path.is_relative_to(root) for root in listed_roots)

    placed: dict[str, str] = {}
    for clip in clips:
        if listed_roots and follows_its_speaker(clip) and listed(clip):
            placed.setdefault(clip.speaker, clip.split)
    kept: list[ClipEntry] = []
    for clip in clips:
        if not follows_its_speaker(clip) or (listed_roots and listed(clip)):
            kept.append(clip)
            continue
        split = placed.setdefault(clip.speaker, clip.split)
        kept.append(clip if split == clip.split else replace(clip, split=split))
    return kept
