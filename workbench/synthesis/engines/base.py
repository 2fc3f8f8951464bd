"""What every speech engine adapter offers: its status, its voices, and speaking one word.

Why one interface: the dataset builder, ``kws dataset voices`` and the GUI treat espeak-ng, flite,
festival, Piper and Kokoro alike. An adapter applies only the prosody its engine controls natively
(``native_rate`` / ``native_pitch``); :mod:`workbench.synthesis.prosody` does the rest by resampling, so
every voice gets varied rate and pitch even when its engine ignores one of them.

An engine that is not installed is never an error: :meth:`SpeechEngine.status` says so, with the lines
that install it, and the registry skips it with that note.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import soundfile as sf

from workbench.core.errors import WorkbenchError
from workbench.synthesis.install_hints import python_install_lines
from workbench.synthesis.speakers import speaker_id

PROGRAM_TIMEOUT_S = 60.0  # one utterance (or one festival batch) never takes this long
MAX_STDERR_CHARS = 200
ONNXRUNTIME_TELEMETRY_OFF = ("ORT_DISABLE_TELEMETRY", "1")  # onnxruntime's documented opt-out (POSIX builds)


class SynthesisError(WorkbenchError):
    """An engine failed to speak (a crashed program, an unreadable voice file, a word it cannot say)."""


@dataclass(frozen=True)
class SpeakRequest:
    """One utterance: the text and how to say it.

    ``rate`` multiplies the speaking rate (1.2 = 20 % faster); ``pitch_semitones`` shifts the voice's
    pitch; ``style`` picks an engine-specific variation (espeak-ng: the accent); ``seed`` makes engines
    with random sampling (Piper, Kokoro) repeatable.
    """

    text: str
    rate: float = 1.0
    pitch_semitones: float = 0.0
    style: int = 0
    seed: int = 0


@dataclass(frozen=True)
class Speech:
    """Synthesised audio: float32 mono in [-1, 1] at the engine's own sample rate."""

    samples: npt.NDArray[np.float32]
    sample_rate: int

    @property
    def seconds(self) -> float:
        return self.samples.size / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class Voice:
    """A voice of an engine; ``speaker`` is the person behind it (shared across engines, see speakers.py)."""

    engine: str
    name: str  # the engine's own name for it: "m3", "kal16", "kal_diphone", "en_US-joe-medium", "jf_alpha"
    speaker: str  # the speaker id used in file names: "<speaker>_nohash_<n>.wav"
    description: str = ""

    @property
    def id(self) -> str:
        """``engine:name``, what ``--voices`` and the GUI select by."""
        return f"{self.engine}:{self.name}"


@dataclass(frozen=True)
class EngineStatus:
    """Whether an engine can be used here, what it is (version) or why not, and how to install it."""

    engine: str
    available: bool
    detail: str
    install: tuple[str, ...] = field(default_factory=tuple)


class SpeechEngine(ABC):
    """One speech engine (see the module docstring). Instances are cheap until they first speak."""

    name: ClassVar[str]
    title: ClassVar[str]
    native_rate: ClassVar[bool] = True
    native_pitch: ClassVar[bool] = False
    install: ClassVar[tuple[str, ...]] = ()
    from_wheels: ClassVar[bool] = False  # installed with pip (Piper, Kokoro), not as a system program

    @abstractmethod
    def status(self) -> EngineStatus:
        """Installed and usable, or missing (with the install lines)."""

    @abstractmethod
    def voices(self) -> list[Voice]:
        """The voices this engine offers here (empty when it is missing)."""

    @abstractmethod
    def speak(self, voice: Voice, request: SpeakRequest) -> Speech:
        """Say ``request.text`` with ``voice``; raises :class:`SynthesisError` when the engine fails."""

    def speak_many(self, voice: Voice, requests: Sequence[SpeakRequest]) -> list[Speech | SynthesisError]:
        """Several utterances of one voice, each its speech or its error (slow starters batch them)."""
        results: list[Speech | SynthesisError] = []
        for request in requests:
            try:
                results.append(self.speak(voice, request))
            except SynthesisError as exc:
                results.append(exc)
        return results

    def follows_rate(self, voice: Voice) -> bool:
        """Whether ``speak`` applies ``request.rate`` for this voice (else it is done by resampling)."""
        return self.native_rate

    def follows_pitch(self, voice: Voice) -> bool:
        """Whether ``speak`` applies ``request.pitch_semitones`` for this voice."""
        return self.native_pitch

    def install_lines(self) -> tuple[str, ...]:
        """How to add this engine here: ``install``, except that a packaged app cannot pip-install wheels into
        itself, so there an engine from wheels says where it can be had instead
        (:mod:`workbench.synthesis.install_hints`)."""
        return python_install_lines(self.install) if self.from_wheels else tuple(self.install)

    def missing(self, why: str) -> EngineStatus:
        return EngineStatus(self.name, False, why, self.install_lines())


def onnxruntime_without_telemetry() -> None:
    """Opt out of onnxruntime's telemetry before it is first imported (Piper and Kokoro use it).

    Why: since 1.29 the Linux/macOS wheels start a telemetry uploader when imported, which writes a session
    file ``$TMPDIR/.ses`` (left behind by ``kws dataset voices`` and every build), a device id and an event
    cache under ``~/.cache/Microsoft`` and sends events. ``ORT_DISABLE_TELEMETRY=1``, read once when onnxruntime
    initialises, turns all of it off; a value the user set is kept."""
    name, value = ONNXRUNTIME_TELEMETRY_OFF
    os.environ.setdefault(name, value)


def missing_python_package(packages: Mapping[str, str]) -> str | None:
    """The first of ``packages`` (import name → pip name) that cannot be imported, as a sentence; None if all can."""
    for module, distribution in packages.items():
        if importlib.util.find_spec(module) is None:
            return f"the Python package {distribution} is not installed"
    return None


def run_program(argv: Sequence[str], *, stdin: str | None = None, timeout_s: float = PROGRAM_TIMEOUT_S) -> bytes:
    """Run an engine's program and return its stdout; a failure is one :class:`SynthesisError` sentence."""
    try:
        done = subprocess.run(list(argv), input=stdin.encode("utf-8") if stdin is not None else None,
                              capture_output=True, timeout=timeout_s, check=False)
    except FileNotFoundError:
        raise SynthesisError(f"{argv[0]} is not installed.") from None
    except subprocess.TimeoutExpired:
        raise SynthesisError(f"{argv[0]} did not finish within {timeout_s:g} s.") from None
    except OSError as exc:
        raise SynthesisError(f"Cannot run {argv[0]}: {exc.strerror or exc}.") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().replace("\n", " ")[:MAX_STDERR_CHARS]
        raise SynthesisError(f"{argv[0]} failed (exit {done.returncode}){': ' + err if err else ''}.")
    return done.stdout


def decode_wav(data: bytes, what: str) -> Speech:
    """WAV bytes (as an engine writes them to its standard output) → :class:`Speech`, read back from a temporary
    file rather than from memory: soundfile reads a file object through Python callbacks called from C, and the
    SIGTERM that stops a synthesis worker, landing in one, is printed as "Exception ignored" and swallowed."""
    handle, path = tempfile.mkstemp(suffix=".wav")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        return read_wav_file(path, what)
    except OSError as exc:
        raise SynthesisError(f"Cannot keep the audio {what} wrote ({exc.strerror or exc}).") from None
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def read_wav_file(path: str, what: str) -> Speech:
    """An engine's WAV file → :class:`Speech` (mono, float32); missing, empty or unreadable output is an error."""
    if not os.path.isfile(path):
        raise SynthesisError(f"{what} wrote no audio file.")
    try:
        samples, rate = sf.read(path, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise SynthesisError(f"{what} wrote no readable audio ({str(exc).splitlines()[0] if str(exc) else exc}).") \
            from None
    mono = samples.mean(axis=1).astype(np.float32) if samples.shape[1] > 1 else samples[:, 0]
    if mono.size == 0:
        raise SynthesisError(f"{what} produced no audio.")
    return Speech(np.ascontiguousarray(mono), int(rate))


class VoiceListEngine(SpeechEngine):
    """An installed program whose voices are a list of names it reports (flite, festival).

    Subclasses name the ``program`` (found on PATH), list its usable voices (:meth:`names_from`, which
    may raise :class:`SynthesisError`), say what to report when there are none (``no_voices``) and
    describe a voice; status and voices follow from that.
    """

    program: ClassVar[str]
    no_voices: ClassVar[str] = "no voice installed"

    def __init__(self) -> None:
        self._program = shutil.which(self.program)

    @abstractmethod
    def names_from(self, program: str) -> list[str]:
        """The usable voice names ``program`` (the found executable) offers."""

    @abstractmethod
    def describe(self, name: str) -> str:
        """One line about voice ``name`` (who speaks)."""

    def installed_names(self) -> list[str]:
        return [] if self._program is None else self.names_from(self._program)

    def status(self) -> EngineStatus:
        if self._program is None:
            return self.missing(f"{self.program} is not installed")
        try:
            names = self.installed_names()
        except SynthesisError as exc:
            return self.missing(str(exc))
        if not names:
            return self.missing(self.no_voices)
        return EngineStatus(self.name, True, f"voices: {', '.join(names)}", self.install_lines())

    def voices(self) -> list[Voice]:
        try:
            names = self.installed_names()
        except SynthesisError:
            return []
        return [Voice(self.name, name, speaker_id(self.name, name), self.describe(name)) for name in names]
