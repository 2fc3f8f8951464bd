"""A stream's WAV and labels are one build only when both carry the same build token, or neither does: a pair of
which one side predates the token (or is another build's) is refused, a WAV that lost its comment but holds the
build's samples is not, and labels that cannot carry a token (CSV) are not judged by it. Real WAV files with and
without the comment, labels as ``kws stream make`` writes them now and as older versions wrote them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.calibration.streams.build_tag import BuildDigest, audio_build, build_comment
from workbench.calibration.streams.labels import LabelsError, load_labels

RATE = 16000
SECONDS = 2
CLASSES = ("yes", "no", "_unknown_", "_silence_")
EVENTS = [{"label": "yes", "start_s": 0.5, "end_s": 0.9}]


def samples(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(-3000, 3000, SECONDS * RATE).astype(np.int16)


def token_of(data: np.ndarray) -> str:
    digest = BuildDigest()
    for block in np.array_split(data, 3):  # fed block by block, as kws stream make mixes them
        digest.update(block)
    return digest.token


def wav(path: Path, data: np.ndarray, tagged: bool) -> Path:
    """A stream WAV as ``kws stream make`` writes it now (``tagged``: the build comment after the samples), or as
    older versions wrote it (no comment)."""
    with sf.SoundFile(str(path), "w", samplerate=RATE, channels=1, subtype="PCM_16", format="WAV") as out:
        out.write(data)
        if tagged:
            out.comment = build_comment(token_of(data))
    return path


def labels(path: Path, build: str | None) -> Path:
    """Labels JSON with kws stream make's record of the stream: with the build token (now) or without (older)."""
    record = {"audio": path.with_suffix(".wav").name, "duration_s": float(SECONDS)}
    if build is not None:
        record["build"] = build
    path.write_text(json.dumps({"events": EVENTS, "stream": record}))
    return path


def check(labels_path: Path, wav_path: Path) -> None:
    load_labels(labels_path).validated(CLASSES, float(SECONDS), "model m", wav_path.name, audio_build(wav_path))


def test_a_pair_of_one_build_or_of_an_old_version_is_accepted(tmp_path: Path) -> None:
    data = samples(1)
    check(labels(tmp_path / "new.json", token_of(data)), wav(tmp_path / "new.wav", data, tagged=True))
    check(labels(tmp_path / "old.json", None), wav(tmp_path / "old.wav", data, tagged=False))  # neither has one
    check(labels(tmp_path / "resaved.json", token_of(data)), wav(tmp_path / "resaved.wav", data, tagged=False))
    csv = tmp_path / "new.csv"  # kws stream make's CSV: no record, so no token to compare
    csv.write_text("label,start_s,end_s\nyes,0.5,0.9\n")
    check(csv, tmp_path / "new.wav")


def test_a_wav_without_the_comment_is_not_judged_whatever_its_samples(tmp_path: Path) -> None:
    """Audio edited, converted, resampled or normalised elsewhere loses the comment while its labels stay true: it is
    not judged by the token (an older version's WAV of other samples beside current labels is not caught either)."""
    current = labels(tmp_path / "s.json", token_of(samples(1)))
    check(current, wav(tmp_path / "s.wav", samples(2), tagged=False))
    check(current, wav(tmp_path / "louder.wav", samples(1) * 2, tagged=False))


def test_older_labels_beside_a_wav_with_a_token_are_refused(tmp_path: Path) -> None:
    older = labels(tmp_path / "s.json", None)  # kws stream make's record, written before the token
    current = wav(tmp_path / "s.wav", samples(1), tagged=True)
    with pytest.raises(LabelsError) as raised:
        check(older, current)
    assert str(raised.value) == (
        "s.json was written by an older version of the workbench (it records no build token), but s.wav carries "
        "one: they are not of one build; build the stream again (or choose the labels written with it)")
