"""festival: the Edinburgh speech system with Debian's English voices (kal, ked diphones; slt HTS).

Festival starts slowly (~0.25 s per process), so :meth:`FestivalEngine.speak_many` sends a whole batch
of one voice to one ``festival --pipe`` process as Scheme, one WAV file per utterance. The rate is
``Duration_Stretch``, which the diphone voices follow; the HTS voice (``cmu_us_slt_arctic_hts``) ignores
it, so it is marked ``native_rate = False`` per voice and gets its rate by resampling instead (see
:func:`workbench.synthesis.prosody.plan_prosody`). Only English voices are offered (festival may also
have Italian, Czech… voices installed, which would read English words with their own rules).
"""

from __future__ import annotations

import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from workbench.synthesis.engines.base import (
    Speech,
    SpeakRequest,
    VoiceListEngine,
    SynthesisError,
    Voice,
    read_wav_file,
    run_program,
)

PROGRAM = "festival"
ENGLISH_VOICE = re.compile(r"^(kal|ked|rab|don)_diphone$|^(cmu|nitech|cstr)_(us|uk|edi)_\w+$")
DESCRIPTIONS = {"kal_diphone": "CMU kal diphone voice (US male; festvox-kallpc16k)",
                "ked_diphone": "CMU ked diphone voice (US male; festvox-kdlpc16k)",
                "cmu_us_slt_arctic_hts": "CMU ARCTIC slt, HTS (US female; festvox-us-slt-hts)"}
RATE_IGNORED = re.compile(r"_hts$")  # HTS voices do not follow Duration_Stretch
BATCH_TIMEOUT_PER_UTTERANCE_S = 10.0


@lru_cache(maxsize=2)
def _voice_list(program: str) -> tuple[str, ...]:
    text = run_program([program, "--pipe"], stdin="(print (voice.list))\n").decode("utf-8", "replace")
    match = re.search(r"\(([^()]*)\)", text)
    return tuple(match.group(1).split()) if match else ()


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class FestivalEngine(VoiceListEngine):
    """festival through ``festival --pipe`` (Scheme on stdin, WAV files out)."""

    name = "festival"
    title = "festival"
    native_rate = True
    native_pitch = False
    install = ("apt-get install festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts",)

    program = PROGRAM
    no_voices = "festival has no English voice installed (festvox-kallpc16k, …)"

    def names_from(self, program: str) -> list[str]:
        return sorted(v for v in _voice_list(program) if ENGLISH_VOICE.match(v))

    def describe(self, name: str) -> str:
        return DESCRIPTIONS.get(name, f"festival {name}")

    def follows_rate(self, voice: Voice) -> bool:
        return not RATE_IGNORED.search(voice.name)

    def speak(self, voice: Voice, request: SpeakRequest) -> Speech:
        result = self.speak_many(voice, [request])[0]
        if isinstance(result, SynthesisError):
            raise result
        return result

    def speak_many(self, voice: Voice, requests: Sequence[SpeakRequest]) -> list[Speech | SynthesisError]:
        if self._program is None:
            return [SynthesisError(f"{PROGRAM} is not installed.") for _ in requests]
        if not re.fullmatch(r"\w+", voice.name):
            return [SynthesisError(f"Not a festival voice name: {voice.name!r}.") for _ in requests]
        with tempfile.TemporaryDirectory(prefix="kws-festival-") as folder:
            paths = [Path(folder) / f"{i}.wav" for i in range(len(requests))]
            lines = [f"(voice_{voice.name})"]
            for path, request in zip(paths, requests):
                stretch = 1.0 / max(request.rate, 1e-3)
                lines.append(f"(Parameter.set 'Duration_Stretch {stretch:.4f})")
                lines.append(f"(utt.save.wave (utt.synth (Utterance Text {_scheme_string(request.text)})) "
                             f"{_scheme_string(str(path))} 'riff)")
            try:
                run_program([self._program, "--pipe"], stdin="\n".join(lines) + "\n",
                            timeout_s=BATCH_TIMEOUT_PER_UTTERANCE_S * max(1, len(requests)))
            except SynthesisError as exc:
                return [exc for _ in requests]
            results: list[Speech | SynthesisError] = []
            for path, request in zip(paths, requests):
                try:
                    results.append(read_wav_file(str(path), f"festival ({voice.name}, {request.text!r})"))
                except SynthesisError as exc:
                    results.append(exc)
            return results
