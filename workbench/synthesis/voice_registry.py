"""Which voices are installed here, which engines are missing and how to add them.

Why a registry: ``kws dataset voices``, ``kws dataset synth`` and the builder dialog must agree on the
voices (and on their speaker ids). Discovery asks each engine adapter; an engine that is not installed
becomes a note with its install lines, never an error. ``--engines`` picks engines, ``--voices`` picks
voices by glob over ``engine:name``, the bare name or the speaker id (``espeak:m*``, ``kal``).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from workbench.core.errors import SettingsError
from workbench.synthesis.engines.base import EngineStatus, SpeechEngine, Voice
from workbench.synthesis.engines.espeak_engine import (
    ALL_VARIANTS,
    CURATED_VARIANT_NAMES,
    CURATED_VARIANTS,
    EspeakEngine,
)
from workbench.synthesis.engines.festival_engine import FestivalEngine
from workbench.synthesis.engines.flite_engine import FliteEngine
from workbench.synthesis.engines.kokoro_engine import KokoroEngine
from workbench.synthesis.engines.piper_engine import PiperEngine

ENGINE_NAMES = ("espeak", "flite", "festival", "piper", "kokoro")
ESPEAK_VARIANT_SETS = (ALL_VARIANTS, CURATED_VARIANTS)


def make_engine(name: str, espeak_variants: str = ALL_VARIANTS) -> SpeechEngine:
    """A fresh adapter for the engine ``name`` (one of :data:`ENGINE_NAMES`)."""
    factories: dict[str, Callable[[], SpeechEngine]] = {
        "espeak": lambda: EspeakEngine(ALL_VARIANTS if espeak_variants == ALL_VARIANTS else CURATED_VARIANT_NAMES),
        "flite": FliteEngine, "festival": FestivalEngine, "piper": PiperEngine, "kokoro": KokoroEngine}
    if name not in factories:
        raise SettingsError(f"Unknown speech engine {name!r}: use one of {', '.join(ENGINE_NAMES)}.")
    return factories[name]()


def parse_engine_list(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"espeak,piper"`` → ``("espeak", "piper")`` (None or empty: every engine); unknown names are an error."""
    if text is None:
        return ENGINE_NAMES
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    for name in names:
        if name not in ENGINE_NAMES:
            raise SettingsError(f"Unknown speech engine {name!r}: use one of {', '.join(ENGINE_NAMES)}.")
    return tuple(dict.fromkeys(names)) or ENGINE_NAMES


@dataclass
class VoiceRegistry:
    """The engines asked for, their status, and the voices chosen among the installed ones."""

    engines: dict[str, SpeechEngine]
    statuses: list[EngineStatus]
    voices: list[Voice]
    unmatched: list[str] = field(default_factory=list)  # --voices patterns that matched nothing
    espeak_variants: str = ALL_VARIANTS  # which espeak-ng variant set (workers rebuild the engine with it)

    def engine_of(self, voice: Voice) -> SpeechEngine:
        return self.engines[voice.engine]

    @property
    def missing(self) -> list[EngineStatus]:
        return [s for s in self.statuses if not s.available]

    def speakers(self) -> dict[str, list[str]]:
        """Speaker id → the voice ids that are that speaker (several engines may share one)."""
        out: dict[str, list[str]] = {}
        for voice in self.voices:
            out.setdefault(voice.speaker, []).append(voice.id)
        return out

    def notes(self) -> list[str]:
        """One line per missing engine: what is missing and how to add it."""
        return [f"{s.engine}: skipped ({s.detail}); add it with: {' | '.join(s.install)}" for s in self.missing]

    def to_dict(self) -> dict[str, Any]:
        return {
            "engines": [{"name": s.engine, "available": s.available, "detail": s.detail, "install": list(s.install),
                         "voices": sum(1 for v in self.voices if v.engine == s.engine)} for s in self.statuses],
            "voices": [{"id": v.id, "engine": v.engine, "name": v.name, "speaker": v.speaker,
                        "description": v.description} for v in self.voices],
            "speakers": self.speakers(),
            "unmatched": list(self.unmatched),
        }


def _matches(voice: Voice, pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(candidate, pattern) for candidate in (voice.id, voice.name, voice.speaker))


def discover_voices(engines: Sequence[str] | str | None = None, voices: Sequence[str] | None = None,
                    espeak_variants: str = ALL_VARIANTS) -> VoiceRegistry:
    """The registry for the named engines (default: all), keeping the voices matching ``voices`` (globs)."""
    if espeak_variants not in ESPEAK_VARIANT_SETS:
        raise SettingsError(f"Unknown espeak variant set {espeak_variants!r}: use {' or '.join(ESPEAK_VARIANT_SETS)}.")
    adapters = {name: make_engine(name, espeak_variants) for name in parse_engine_list(engines)}
    statuses: list[EngineStatus] = []
    found: list[Voice] = []
    for adapter in adapters.values():
        status = adapter.status()
        statuses.append(status)
        if status.available:
            found.extend(adapter.voices())
    patterns = [p.strip() for p in voices or () if p.strip()]
    unmatched = [p for p in patterns if not any(_matches(v, p) for v in found)]
    if patterns:
        found = [v for v in found if any(_matches(v, p) for p in patterns)]
    return VoiceRegistry(adapters, statuses, found, unmatched, espeak_variants)
