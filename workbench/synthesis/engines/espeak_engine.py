"""espeak-ng: a formant synthesiser with dozens of voice variants (timbres) and several English accents.

Voices are the *variants* (``m3``, ``f2``, ``klatt``, ``croak``…): each is one timbre, hence one speaker
id (``espeak-m3``). The accent is a per-utterance style: ``SpeakRequest.style`` picks one of the
installed English accents (US, British RP, Scottish, Lancaster, West Midlands, Caribbean, New York), so
the takes of one variant differ in pronunciation, not timbre.

Traps, measured with espeak-ng 1.51: ``en-gb+m3`` silently ignores the variant (the alias does not take
one), so voices are always named by file: ``gmw/en-US+m3``. The variants zac, Lee, shelby and travis are
barely intelligible, and a few others (Alicia, Demonic, kaukovalta, marcelo, norbert, UniRobot) are not
recognised as "yes" by MLTK's own yes/no model: they are never used. Every other installed variant is a
voice (89 with espeak-ng 1.51): in this project's benchmark, synthetic-only models recognised real "no"
far better with all of them than with a curated set of the 26 most distinct (:data:`CURATED_VARIANT_NAMES`,
``variants="curated"``), at the same number of clips; the curated set makes smaller datasets.
"""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from typing import Sequence

from workbench.synthesis.engines.base import (
    EngineStatus,
    Speech,
    SpeakRequest,
    SpeechEngine,
    SynthesisError,
    Voice,
    decode_wav,
    run_program,
)
from workbench.synthesis.speakers import speaker_id

PROGRAM = "espeak-ng"
DEFAULT_WPM = 175
MIN_WPM, MAX_WPM = 80, 450
DEFAULT_PITCH = 50
PITCH_PER_SEMITONE = 7.0  # espeak's 0-99 pitch scale is not in semitones; about 7 steps per semitone
MIN_PITCH, MAX_PITCH = 0, 99
ALL_VARIANTS = "all"
CURATED_VARIANTS = "curated"

CURATED_VARIANT_NAMES = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2",
                    "klatt3", "croak", "whisper", "whisperf", "Andy", "Annie", "aunty", "grandma", "grandpa",
                    "linda", "steph", "max")
UNUSABLE_VARIANTS = frozenset({"zac", "Lee", "lee", "shelby", "travis", "Alicia", "Demonic", "kaukovalta",
                               "marcelo", "norbert", "UniRobot"})
PREFERRED_ACCENT = "gmw/en-US"
_VARIANT_FILE = re.compile(r"!v/(\S+)\s*$")
_ENGLISH_FILE = re.compile(r"\s(gmw/en[\w-]*)\s")


@lru_cache(maxsize=4)
def _listing(program: str, which: str) -> tuple[str, ...]:
    text = run_program([program, f"--voices={which}"]).decode("utf-8", "replace")
    return tuple(text.splitlines()[1:])


class EspeakEngine(SpeechEngine):
    """espeak-ng through its command line (``--stdout`` WAV)."""

    name = "espeak"
    title = "espeak-ng"
    native_rate = True
    native_pitch = True
    install = ("apt-get install espeak-ng", "brew install espeak-ng", "winget install espeak-ng")

    def __init__(self, variants: Sequence[str] | str = ALL_VARIANTS) -> None:
        self._variants = variants
        self._program = shutil.which(PROGRAM)

    def status(self) -> EngineStatus:
        if self._program is None:
            return self.missing(f"{PROGRAM} is not installed")
        try:
            version = run_program([self._program, "--version"]).decode("utf-8", "replace").split("Data at")[0]
            accents = self.accents()
        except SynthesisError as exc:
            return self.missing(str(exc))
        if not accents:
            return self.missing(f"{PROGRAM} has no English voices installed")
        return EngineStatus(self.name, True, f"{version.strip()}; accents: {', '.join(accents)}",
                            self.install_lines())

    def accents(self) -> list[str]:
        """The installed English accents (voice files), US first."""
        if self._program is None:
            return []
        found = []
        for line in _listing(self._program, "en"):
            match = _ENGLISH_FILE.search(f" {line} ")
            if match and match.group(1) not in found:
                found.append(match.group(1))
        found.sort(key=lambda accent: (accent != PREFERRED_ACCENT, 0))
        return found

    def installed_variants(self) -> list[str]:
        if self._program is None:
            return []
        names = []
        for line in _listing(self._program, "variant"):
            match = _VARIANT_FILE.search(line)
            if match:
                names.append(match.group(1))
        return names

    def voices(self) -> list[Voice]:
        if self._program is None:
            return []
        try:
            installed = self.installed_variants()
        except SynthesisError:
            return []
        if self._variants == ALL_VARIANTS:
            chosen = [v for v in installed if v not in UNUSABLE_VARIANTS]
        else:
            present = set(installed)
            chosen = [v for v in self._variants if v in present and v not in UNUSABLE_VARIANTS]
        return [Voice(self.name, variant, speaker_id(self.name, variant), f"espeak-ng variant {variant}")
                for variant in chosen]

    def speak(self, voice: Voice, request: SpeakRequest) -> Speech:
        if self._program is None:
            raise SynthesisError(f"{PROGRAM} is not installed.")
        accents = self.accents() or [PREFERRED_ACCENT]
        accent = accents[request.style % len(accents)]
        wpm = min(MAX_WPM, max(MIN_WPM, round(DEFAULT_WPM * request.rate)))
        pitch = min(MAX_PITCH, max(MIN_PITCH, round(DEFAULT_PITCH + PITCH_PER_SEMITONE * request.pitch_semitones)))
        data = run_program([self._program, "-v", f"{accent}+{voice.name}", "-s", str(wpm), "-p", str(pitch),
                            "--stdout", request.text])
        return decode_wav(data, f"espeak-ng ({voice.name})")
