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
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

TAG_PREFIX = "kws stream build "
DIGEST_BYTES = 8
CHOOSE_THE_PAIR = "build the stream again (or choose the labels written with it)"


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
