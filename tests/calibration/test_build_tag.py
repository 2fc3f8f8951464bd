"""A stream's WAV and labels are one build only when both carry the same build token, or neither does: a pair of
which one side predates the token (or is another build's) is refused, a WAV that lost its comment but holds the
build's samples is not, and labels that cannot carry a token (CSV) are not judged by it; a WAV whose samples do
not give its labels' token (edited under a kept comment, an older build without one) is warned of. Real WAV files
with and without the comment, a real stream, labels as ``kws stream make`` writes them now and as older versions
wrote them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.calibration.streams.build_tag import BuildDigest, audio_build, build_comment, build_doubt
from workbench.calibration.streams.labels import LabelsError, load_labels
from workbench.core.audio.audio_file import INT16_SCALE

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


def test_a_wav_without_the_comment_is_not_refused_whatever_its_samples(tmp_path: Path) -> None:
    """Audio edited, converted, resampled or normalised elsewhere loses the comment while its labels stay true: it is
    not refused by the token (other samples than the labels' build are warned of: :func:`build_doubt`)."""
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


def copy_of_stream(stream: Path, folder: Path) -> tuple[Path, np.ndarray]:
    """The stream's WAV and labels JSON copied into ``folder``; the WAV's samples."""
    wav_copy = Path(shutil.copy(stream, folder / stream.name))
    shutil.copy(stream.with_suffix(".json"), folder / stream.with_suffix(".json").name)
    return wav_copy, sf.read(str(wav_copy), dtype="int16")[0]


def rewrite(path: Path, data: np.ndarray, rate: int, comment: str | None) -> Path:
    """``path`` with ``data`` as its samples, the build comment kept (a tool that carries INFO tags over) or not."""
    with sf.SoundFile(str(path), "w", samplerate=rate, channels=1, subtype="PCM_16", format="WAV") as out:
        out.write(data)
        if comment is not None:
            out.comment = comment
    return path


def doubt(wav_path: Path, labels_path: Path) -> str | None:
    """What a reader warns of, after :meth:`validated` accepted the pair (as every reader checks it first)."""
    labels = load_labels(labels_path)
    build = audio_build(wav_path)
    labels.validated(("yes", "no", "_unknown_", "_silence_"), sf.info(str(wav_path)).duration, "model m",
                     wav_path.name, build)
    return build_doubt(build, labels, wav_path.name)


def test_a_stream_edited_under_its_kept_comment_is_warned_of(real_stream: Path, tmp_path: Path) -> None:
    """A keyword muted in the stream by a tool that kept the comment: the comment still matches the labels, but the
    samples are not the build's, so the labels may no longer describe them -- a warning (the file cannot tell a cut
    from a change of level); the build's own samples, comment or none, are not warned of."""
    wav_path, data = copy_of_stream(real_stream, tmp_path)
    labels_path = wav_path.with_suffix(".json")
    comment = build_comment(str(audio_build(wav_path).token))
    assert doubt(wav_path, labels_path) is None
    word = load_labels(labels_path).keyword_events[0]
    edited = data.copy()
    edited[int(word.start_s * RATE):int(word.end_s * RATE)] = 0
    rewrite(wav_path, edited, RATE, comment)
    assert audio_build(wav_path).token == load_labels(labels_path).recorded_build  # the comment alone says nothing
    assert doubt(wav_path, labels_path) == (
        "stream.wav was changed after kws stream make built it: its samples are no longer those of the build its "
        "comment and stream.json name; if it was rebuilt, cut or spliced, stream.json no longer describes it: build "
        "the stream again (or choose the labels written with it); if only its level changed or it was converted, the "
        "labels still hold")
    rewrite(wav_path, data, RATE, None)  # the build's samples without the comment: one build
    assert doubt(wav_path, labels_path) is None


def test_an_older_wav_without_comment_beside_current_labels_is_warned_of(real_stream: Path, tmp_path: Path) -> None:
    """An older version's WAV (no comment) of other samples and the same length beside a current build's labels
    passed unsaid; a copy resampled elsewhere (another rate) and labels with no token (a CSV) are still not judged."""
    wav_path, data = copy_of_stream(real_stream, tmp_path)
    labels_path = wav_path.with_suffix(".json")
    rewrite(wav_path, np.roll(data, RATE // 2), RATE, None)  # the same length, other samples, no comment
    warning = doubt(wav_path, labels_path)
    assert warning is not None and warning.startswith(
        "stream.wav carries no build comment and its samples are not those stream.json was written for (an older "
        "build of the stream, or the stream edited in another tool); if it was rebuilt, cut or spliced")
    csv = tmp_path / "stream.csv"
    csv.write_text("label,start_s,end_s\n")
    assert doubt(wav_path, csv) is None
    rewrite(wav_path, data[::2], RATE // 2, None)  # resampled: its samples cannot be the build's
    labels = load_labels(labels_path)
    assert build_doubt(audio_build(wav_path), labels, wav_path.name) is None


@pytest.mark.parametrize("subtype", ["FLOAT", "PCM_24"])
def test_a_lossless_float_or_24_bit_copy_is_not_warned_of(real_stream: Path, tmp_path: Path, subtype: str) -> None:
    """A copy written as float or 24-bit by another tool (rate and channels kept, the comment lost) decodes to the
    build's very samples, as the model hears them: its labels hold, nothing to warn of (libsndfile's own int16
    reading of a float file scales by 32767 and gave other samples: it was warned of as not the build's)."""
    wav_path, data = copy_of_stream(real_stream, tmp_path)
    as_float = data.astype(np.float64) / INT16_SCALE  # how tools convert int16 to float: exact in float32 and 24-bit
    sf.write(str(wav_path), as_float, RATE, subtype=subtype)
    assert sf.info(str(wav_path)).subtype == subtype
    assert doubt(wav_path, wav_path.with_suffix(".json")) is None
    sf.write(str(wav_path), as_float * 0.5, RATE, subtype=subtype)  # its level changed: not the build's samples
    assert doubt(wav_path, wav_path.with_suffix(".json")) is not None
