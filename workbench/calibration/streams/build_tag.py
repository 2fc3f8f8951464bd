"""The tag that ties a stream's WAV to the labels written with it.

Why: the WAV and its labels are renamed into place in one short step that holds Ctrl+C back
(:mod:`workbench.core.file_set`), but a SIGKILL or a power cut in that step can still leave the new WAV beside
the old labels. The labels record the stream's length, which catches a rebuild of another length; a rebuild of
the same length with another seed or other clips would pass. So ``kws stream make`` writes a digest of the samples
it mixed into the WAV's comment (a RIFF ``LIST/INFO`` chunk after the samples, which players ignore) and the same
digest into the labels: a WAV whose digest differs from its labels' is another build. A digest of the content, not
a random token, so the same command still gives the same WAV byte for byte.

Why a pair where only one side carries it is refused too (:func:`build_problem`): a build writes both, so labels
recording a digest beside a WAV without one, or a WAV with one beside labels ``kws stream make`` wrote without one,
are not of one build -- one of them was made by an older version of the workbench (before the digest) or is another
build's. A WAV that lost its comment (edited, saved again) but holds the very samples is still the labels' stream:
its samples are hashed as the build hashed them. Not judged, as before: a pair of which neither carries a digest
(an old version's, whose length the labels still check), and labels that are no ``kws stream make`` record (a CSV,
labels made by hand), which cannot carry one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

TAG_PREFIX = "kws stream build "
DIGEST_BYTES = 8
HASH_BLOCK_SAMPLES = 1 << 16  # samples read at a time to hash a WAV without its comment
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


def samples_token(path: str | Path) -> str | None:
    """The digest of the samples of the audio file ``path`` as ``kws stream make`` computes it while it mixes them
    (:class:`BuildDigest` of the int16 samples); None when the file cannot be read here."""
    digest = BuildDigest()
    try:
        with sf.SoundFile(str(path)) as audio:
            for block in audio.blocks(blocksize=HASH_BLOCK_SAMPLES, dtype="int16"):
                digest.update(block)
    except (OSError, RuntimeError):
        return None
    return digest.token


@dataclass(frozen=True)
class AudioBuild:
    """The audio's side of a stream's pair: the file and the token in its comment (None: it has none)."""

    path: Path
    token: str | None

    def holds(self, recorded: str) -> bool:
        """Whether the audio is the build whose token is ``recorded``: by its comment, else by its samples."""
        return (self.token or samples_token(self.path)) == recorded


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
    if recorded is not None:
        if audio.holds(recorded):
            return None  # the comment was lost, the samples are the build's
        return (f"{labels_name} was written for another build of {audio_name}: {audio_name} carries no build token "
                f"and holds other samples (an older version of the workbench or another build made it); "
                f"{CHOOSE_THE_PAIR}")
    if audio.token is not None and made_by_stream_make:
        return (f"{labels_name} was written by an older version of the workbench (it records no build token), but "
                f"{audio_name} carries one: they are not of one build; {CHOOSE_THE_PAIR}")
    return None
