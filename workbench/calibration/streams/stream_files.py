"""Where a stream's material comes from (dataset folders) and where it goes (WAV + labels JSON + CSV).

Why through :mod:`workbench.datasets`: the stream must be made of speakers the model never trained on,
and "never trained on" is only true if the stream uses the very split rule the training used. So the
clips, their split and the background noise come from ``scan_dataset`` (with the same split method and
percentages as the training), never from a second rule of our own. The labels JSON records the keywords
(``stream.recipe.keywords``), which :func:`recorded_keywords` reads back, so a stream made for the user's own words
is checked against those words rather than a model's.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import BinaryIO, Sequence

import numpy as np
import soundfile as sf

from workbench.calibration.replay import CalibrationCancelled
from workbench.calibration.streams.build_tag import BuildDigest, build_comment
from workbench.calibration.streams.labels import (
    BUILD_KEY,
    SILENCE_LABEL,
    STREAM_RECORD_KEY,
    StreamLabels,
    labels_csv,
    labels_json,
)
from workbench.calibration.streams.stream_audio import to_float
from workbench.calibration.streams.stream_builder import (ALL_SPLITS, ClipPools, ProgressCallback, StreamRecipe,
                                                         build_stream)
from workbench.calibration.streams.stream_mix import BuiltStream, background_blocks
from workbench.calibration.streams.stream_resources import check_disk_room, check_wav_length
from workbench.core.atomic_write import check_destination
from workbench.core.file_set import WrittenInto, write_file_set
from workbench.core.audio.audio_file import DEFAULT_SAMPLE_RATE, load_audio
from workbench.core.errors import SettingsError
from workbench.core.audio.decibels import amplitude_ratio
from workbench.datasets.splits import DEFAULT_TESTING_PERCENT, DEFAULT_VALIDATION_PERCENT

FULL_SCALE_DBFS = 0.0
MIX_PROGRESS_START = 0.5  # the layout reports progress up to here, the mix as it is written the rest


def pools_from_datasets(roots: Sequence[str | Path], keywords: Sequence[str], split: str,
                        split_method: str = "hash", noise_files: Sequence[str | Path] = (), *,
                        validation_percent: float = DEFAULT_VALIDATION_PERCENT,
                        testing_percent: float = DEFAULT_TESTING_PERCENT) -> ClipPools:
    """Keyword, other-word and silence clips of ``split`` (or every clip for ``"all"``), and noise files.

    ``noise_files`` replace the datasets' ``_background_noise_`` recordings when given. The percentages are
    those of a dataset without split lists, as ``kws train`` takes them (``data.validation_percent``, ...).
    """
    from workbench.datasets.layout import SILENCE, merge_datasets, scan_dataset

    if not roots:
        raise SettingsError("give at least one dataset folder")
    index = merge_datasets([scan_dataset(root, split_method=split_method, validation_percent=validation_percent,
                                         testing_percent=testing_percent) for root in roots])
    clips = index.clips if split == ALL_SPLITS else index.select(split)
    pools = ClipPools(keywords={k: [] for k in keywords}, unknown=[], silence=[],
                      noise=[Path(p) for p in noise_files] or list(index.background))
    for clip in clips:
        if clip.word in pools.keywords:
            pools.keywords[clip.word].append(clip.path)
        elif clip.word == SILENCE:
            pools.silence.append(clip.path)
        else:
            pools.unknown.append((clip.path, clip.word))
    if split != ALL_SPLITS:
        pools.other_splits = {k: tuple(sorted({c.split for c in index.clips if c.word == k}))
                              for k, found in pools.keywords.items() if not found}
    speakers = {clip.speaker for clip in clips}
    pools.description = {
        "datasets": [str(Path(r).absolute()) for r in index.roots], "split": split, "split_method": split_method,
        "validation_percent": validation_percent, "testing_percent": testing_percent,
        "split_rules": [index.split_rules[r] for r in index.roots if r in index.split_rules],
        "split_by_lists": all(root in index.listed_roots for root in index.roots),  # the percentages chose nothing
        "pool": {"keywords": {k: len(v) for k, v in pools.keywords.items()}, "unknown": len(pools.unknown),
                 "silence": len(pools.silence), "speakers": len(speakers)},
        "noise_files": [p.name for p in pools.noise],
    }
    return pools


def make_dataset_stream(roots: Sequence[str | Path], recipe: StreamRecipe, split_method: str = "hash",
                        noise_files: Sequence[str | Path] = (), progress: ProgressCallback | None = None,
                        cancel: threading.Event | None = None, *,
                        validation_percent: float = DEFAULT_VALIDATION_PERCENT,
                        testing_percent: float = DEFAULT_TESTING_PERCENT) -> BuiltStream:
    pools = pools_from_datasets(roots, recipe.keywords, recipe.split, split_method, noise_files,
                                validation_percent=validation_percent, testing_percent=testing_percent)
    return build_stream(recipe, pools, progress=progress, cancel=cancel)


def make_background_stream(noise_files: Sequence[str | Path], minutes: float, level_dbfs: float,
                           seed: int = 0, sample_rate: int = DEFAULT_SAMPLE_RATE) -> BuiltStream:
    """Noise only (no events): stretches of ``noise_files`` at ``level_dbfs`` RMS, for background FA/h."""
    if not noise_files:
        raise SettingsError("a background-only stream needs noise recordings: name them with --noise, or give a "
                            "--dataset with audio files in its _background_noise_ folder")
    if not minutes > 0:
        raise SettingsError(f"minutes must be positive, got {minutes}")
    if not math.isfinite(level_dbfs) or level_dbfs > FULL_SCALE_DBFS:
        raise SettingsError(f"the background level must be below full scale ({FULL_SCALE_DBFS:g} dBFS), "
                            f"got {level_dbfs:g} dBFS")
    sources = [to_float(load_audio(p, sample_rate).samples) for p in noise_files]
    total = int(minutes * 60 * sample_rate)
    gain = amplitude_ratio(level_dbfs)
    info = {"background_only": True, "noise_files": [Path(p).name for p in noise_files], "seed": seed,
            "level_dbfs": level_dbfs, "sample_rate": sample_rate,
            "duration_s": round(total / sample_rate, 3), "clipped_samples": None}
    return BuiltStream(StreamLabels((), "stream"), sample_rate, total, info,
                       background_blocks(sources, total, sample_rate, gain, np.random.default_rng(seed)))


def labels_paths(wav_path: str | Path) -> tuple[Path, Path]:
    """The JSON and CSV labels that go with a stream WAV (same name, other suffix)."""
    wav = Path(wav_path)
    return wav.with_suffix(".json"), wav.with_suffix(".csv")


def recorded_keywords(labels: StreamLabels) -> tuple[str, ...] | None:
    """The keywords a stream was made for, as :func:`write_stream` records them in its labels JSON (read with the
    labels: :attr:`StreamLabels.record`); None for labels that do not record them (a CSV, a file labelled by hand,
    a background-only stream)."""
    recipe = None if labels.record is None else labels.record.get("recipe")
    keywords = recipe.get("keywords") if isinstance(recipe, dict) else None
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        return None
    return tuple(keywords)


def check_stream_destination(wav_path: str | Path) -> Path:
    """``wav_path`` if a stream can be written there; checked before a build too, which may take minutes."""
    wav = Path(wav_path)
    if wav.suffix.lower() != ".wav":
        raise SettingsError(f"the stream is written as a .wav file, got {wav.name}")
    return check_destination(wav)


def write_stream(built: BuiltStream, wav_path: str | Path, progress: ProgressCallback | None = None,
                 cancel: threading.Event | None = None) -> tuple[Path, Path, Path]:
    """Write the WAV, its labels JSON (with the recipe under ``"stream"``) and CSV, all or nothing.

    Why together: a WAV replaced without its labels (a Ctrl+C between the files) would be checked and
    calibrated against the labels of another stream -- and nothing would look wrong. The WAV is mixed into
    its temporary file a block at a time (``progress`` from 0.5 to 1, ``cancel`` polled between blocks), so
    memory does not grow with the stream; the labels follow, as they hold the count of clipped samples. Both
    carry the digest of its samples (:mod:`~workbench.calibration.streams.build_tag`), so that even a SIGKILL
    between their renames cannot pair them unnoticed.
    """
    wav = check_stream_destination(wav_path)
    json_path, csv_path = labels_paths(wav)
    check_wav_length(built.n_samples, built.sample_rate)
    check_disk_room(built.n_samples, built.sample_rate, wav)
    counts = built.labels.label_counts()
    order = sorted(counts, key=lambda k: (k == SILENCE_LABEL, k))
    digest = BuildDigest()

    def labels_document() -> bytes:  # after the WAV: built.info counts the samples the mix clipped
        extra = {STREAM_RECORD_KEY: {"audio": wav.name, BUILD_KEY: digest.token, **built.info,
                                     "events_per_label": {k: counts[k] for k in order}}}
        return labels_json(built.labels, extra).encode("utf-8")

    write_file_set({wav: WrittenInto(lambda handle: _write_wav(built, handle, digest, progress, cancel)),
                    json_path: labels_document, csv_path: labels_csv(built.labels).encode("utf-8")})
    return wav, json_path, csv_path


def _write_wav(built: BuiltStream, handle: BinaryIO, digest: BuildDigest, progress: ProgressCallback | None,
               cancel: threading.Event | None) -> None:
    with sf.SoundFile(handle, "w", samplerate=built.sample_rate, channels=1, subtype="PCM_16",
                      format="WAV") as out:
        done = 0
        for block in built.blocks():
            if cancel is not None and cancel.is_set():
                raise CalibrationCancelled("stream writing cancelled")
            out.write(block)
            digest.update(block)
            done += block.size
            if progress is not None:
                progress(MIX_PROGRESS_START + (1.0 - MIX_PROGRESS_START) * done / max(1, built.n_samples))
        out.comment = build_comment(digest.token)  # after the samples: a LIST/INFO chunk behind them
