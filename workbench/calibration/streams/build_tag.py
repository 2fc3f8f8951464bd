"""The tag that ties a stream's WAV to the labels written with it.

Why: the WAV and its labels are renamed into place in one short step that holds Ctrl+C back
(:mod:`workbench.core.file_set`), but a SIGKILL or a power cut in that step can still leave the new WAV beside
the old labels. The labels record the stream's length, which catches a rebuild of another length; a rebuild of
the same length with another seed or other clips would pass. So ``kws stream make`` writes a digest of the samples
it mixed into the WAV's comment (a RIFF ``LIST/INFO`` chunk after the samples, which players ignore) and the same
digest into the labels: a WAV whose digest differs from its labels' is another build. A digest of the content, not
a random token, so the same command still gives the same WAV byte for byte.

Why a WAV with a digest beside labels ``kws stream make`` wrote without one is refused too (:func:`build_problem`):
a build writes both, so those labels were written by an older version of the workbench (before the digest), for
another build. Not judged: a WAV without the comment -- whatever its labels -- because audio edited, converted,
resampled or normalised in another tool loses the comment while its labels stay true (an older version's WAV beside
a current build's labels is therefore not caught: the labels' recorded length still catches a build of another
length); a pair of which neither carries a digest (an old version's); and labels that are no ``kws stream make``
record (a CSV, labels made by hand), which cannot carry one.

Why the samples are hashed again too (:func:`build_doubt`, a warning): the comment says which build the WAV was,
not that its samples still are. A tool that keeps the comment while editing the samples (Audacity and ffmpeg carry
a WAV's INFO tags over) leaves a WAV whose comment matches its labels; and an older version's WAV, which has no
comment, beside a current build's labels of the same length passed unsaid. Both are told by the digest of the
file's samples: the build's own samples give the token the labels record, whatever became of the comment. A
mismatch is only a warning, as the file cannot tell a rebuild, a cut or a spliced word (labels wrong) from a change
of level or a lossy conversion (labels still true); a file resampled or remixed (another rate or channel count than
the build's) is not judged, as its samples cannot be the build's whatever its labels.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import soundfile as sf

from workbench.core.audio.audio_file import to_int16

if TYPE_CHECKING:
    from workbench.calibration.streams.labels import StreamLabels

TAG_PREFIX = "kws stream build "
DIGEST_BYTES = 8
CHOOSE_THE_PAIR = "build the stream again (or choose the labels written with it)"
DIGEST_READ_FRAMES = 1 << 18  # samples hashed at a time (16 s at 16 kHz): memory does not follow the stream's length
STORED_SUBTYPE = "PCM_16"  # how kws stream make writes a stream: its samples read back as they are
RECORDED_RATE_KEY = "sample_rate"  # the build's rate in kws stream make's record of the stream


class BuildDigest:
    """The digest of a stream's samples, fed block by block as they are mixed."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=DIGEST_BYTES)

    def update(self, block: np.ndarray) -> None:
        self._hash.update(np.ascontiguousarray(block).tobytes())

    @property
    def token(self) -> str:
        return self._hash.hexdigest()


def build_comment(token: str) -> str:
    """The WAV comment that carries ``token`` (a :class:`BuildDigest`'s)."""
    return f"{TAG_PREFIX}{token}"


def audio_build_token(path: str | Path) -> str | None:
    """The token in the comment of the audio file ``path``; None when it has none (or cannot be read here: the
    loader says why when it reads the audio)."""
    try:
        with sf.SoundFile(str(path)) as audio:
            comment = audio.comment or ""
    except (OSError, RuntimeError):  # soundfile's errors are RuntimeErrors
        return None
    if not comment.startswith(TAG_PREFIX):
        return None
    return comment[len(TAG_PREFIX):].strip() or None


@dataclass(frozen=True)
class AudioBuild:
    """The audio's side of a stream's pair: the file and the token in its comment (None: it has none)."""

    path: Path
    token: str | None


def audio_build(path: str | Path) -> AudioBuild:
    """What the audio file ``path`` says of its build, for :meth:`~.labels.StreamLabels.validated`."""
    return AudioBuild(Path(path), audio_build_token(path))


def build_problem(audio: AudioBuild, recorded: str | None, made_by_stream_make: bool, labels_name: str,
                  audio_name: str) -> str | None:
    """Why the audio and labels that record the build token ``recorded`` (None: none) are not of one build, one
    sentence, else None (module docstring). ``made_by_stream_make``: the labels hold ``kws stream make``'s record of
    the stream (a build writes its token there)."""
    if recorded is not None and audio.token is not None:
        if audio.token == recorded:
            return None
        return (f"{labels_name} was written for another build of {audio_name} (the build token in its comment "
                "differs): build the stream again (or give its own labels)")
    if audio.token is not None and recorded is None and made_by_stream_make:
        return (f"{labels_name} was written by an older version of the workbench (it records no build token), but "
                f"{audio_name} carries one: they are not of one build; {CHOOSE_THE_PAIR}")
    return None


def samples_token(path: str | Path, sample_rate: int) -> str | None:
    """The token of the samples in the audio file ``path``, as :class:`BuildDigest` hashed them when they were mixed;
    None when the file is not mono at ``sample_rate`` (resampled or remixed: its samples cannot be the build's) or
    cannot be read (the loader says why when it reads the audio). Decoded to int16 as the loader decodes it
    (:func:`~workbench.core.audio.audio_file.to_int16`), so a float or 24-bit copy of the build's samples gives the
    build's token, as the model hears those very samples: libsndfile's own int16 reading of a float file scales by
    32767 and gave others."""
    digest = BuildDigest()
    try:
        with sf.SoundFile(str(path)) as audio:
            if audio.channels != 1 or audio.samplerate != sample_rate:
                return None
            stored = audio.subtype == STORED_SUBTYPE  # read as stored, faster; any other as the loader converts it
            for block in audio.blocks(DIGEST_READ_FRAMES, dtype="int16" if stored else "float64"):
                digest.update(block if stored else to_int16(block))
    except (OSError, RuntimeError):  # soundfile's errors are RuntimeErrors
        return None
    return digest.token


def build_doubt(audio: AudioBuild, labels: StreamLabels, audio_name: str) -> str | None:
    """Why the audio may no longer be the stream ``labels`` were written for, though :func:`build_problem` found no
    other build: its samples do not give the token the labels record (module docstring). One sentence, a warning;
    None when they do, or when nothing can be compared (labels without a token or a rate, another build's WAV, which
    :func:`build_problem` refuses, a file at another rate)."""
    recorded = labels.recorded_build
    rate = None if labels.record is None else labels.record.get(RECORDED_RATE_KEY)
    if recorded is None or not isinstance(rate, int) or isinstance(rate, bool) or audio.token not in (None, recorded):
        return None
    if samples_token(audio.path, rate) in (None, recorded):
        return None
    keep = (f"if it was rebuilt, cut or spliced, {labels.source} no longer describes it: {CHOOSE_THE_PAIR}; if only "
            "its level changed or it was converted, the labels still hold")
    if audio.token is not None:
        return (f"{audio_name} was changed after kws stream make built it: its samples are no longer those of the "
                f"build its comment and {labels.source} name; {keep}")
    return (f"{audio_name} carries no build comment and its samples are not those {labels.source} was written for "
            f"(an older build of the stream, or the stream edited in another tool); {keep}")
