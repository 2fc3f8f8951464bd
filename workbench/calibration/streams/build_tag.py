"""The tag that ties a stream's WAV to the labels written with it.

Why: the WAV and its labels are renamed into place in one short step that holds Ctrl+C back
(:mod:`workbench.core.file_set`), but a SIGKILL or a power cut in that step can still leave the new WAV beside
the old labels. The labels record the stream's length, which catches a rebuild of another length; a rebuild of
the same length with another seed or other clips would pass. So ``kws stream make`` writes a digest of the samples
it mixed into the WAV's comment (a RIFF ``LIST/INFO`` chunk after the samples, which players ignore) and the same
digest into the labels: a WAV whose digest differs from its labels' is another build. A digest of the content, not
a random token, so the same command still gives the same WAV byte for byte. A WAV without it (edited, converted,
recorded by the user) is not judged by it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import soundfile as sf

TAG_PREFIX = "kws stream build "
DIGEST_BYTES = 8


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
