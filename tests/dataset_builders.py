"""Builders for small real datasets on disk: real WAV files in the Speech Commands layout."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import soundfile as sf

RATE = 16000


def write_clip(path: Path, seconds: float = 1.0, freq: float = 440.0, level: float = 0.3) -> Path:
    """A real 16-bit mono WAV holding a tone (``seconds`` long)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(RATE * seconds)) / RATE
    sf.write(str(path), (level * np.sin(2 * np.pi * freq * t)).astype(np.float32), RATE, subtype="PCM_16")
    return path


def make_dataset(root: Path, words: dict[str, Iterable[str]], background: Iterable[str] = ()) -> Path:
    """``words``: word -> file names; ``background``: noise file names for ``_background_noise_``."""
    for word, names in words.items():
        for name in names:
            write_clip(root / word / name)
    for name in background:
        write_clip(root / "_background_noise_" / name, seconds=3.0)
    return root


def speaker_names(count: int, clips_each: int = 2, start: int = 0) -> list[str]:
    """``<speaker>_nohash_<n>.wav`` names for ``count`` speakers."""
    return [f"{i:08x}_nohash_{n}.wav" for i in range(start, start + count) for n in range(clips_each)]


def pack_dataset(source: Path, archive: Path) -> Path:
    """A .tar.gz laid out as the official archive: ``./<word>/<file>`` at the top level."""
    import tarfile

    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source, arcname=".")
    return archive


def copy_clips(source: Path, root: Path, per_word: dict[str, int], testing_list: bool = True) -> Path:
    """A dataset of the first ``per_word[word]`` clips (by name) of each word folder of ``source``.

    With ``testing_list`` every copied clip is listed in ``testing_list.txt`` (and the validation list is
    empty), so the whole small dataset is the test split whatever the hash rule would say.
    """
    import shutil

    listed = []
    for word, count in per_word.items():
        (root / word).mkdir(parents=True)
        for clip in sorted((source / word).glob("*.wav"))[:count]:
            shutil.copy(clip, root / word / clip.name)
            listed.append(f"{word}/{clip.name}")
    if testing_list:
        (root / "testing_list.txt").write_text("\n".join(listed) + "\n")
        (root / "validation_list.txt").write_text("")
    return root
