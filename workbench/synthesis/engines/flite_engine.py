"""flite: CMU's small synthesiser with four built-in English voices (kal16, awb, rms, slt).

Three of them are recorded people (CMU ARCTIC awb, rms, slt; kal16 is the kal diphone set), so they add
real timbres. The rate is flite's own ``duration_stretch``; flite has no relative pitch control (only
an absolute F0 target that would flatten each voice to one pitch), so pitch comes from resampling
(:mod:`workbench.synthesis.prosody`). ``kal`` (8 kHz) and ``awb_time`` (a talking clock) are not offered.
"""

from __future__ import annotations

import os
import tempfile

from workbench.synthesis.engines.base import (
    Speech,
    SpeakRequest,
    VoiceListEngine,
    SynthesisError,
    Voice,
    read_wav_file,
    run_program,
)

PROGRAM = "flite"
VOICES = {"kal16": "CMU kal diphone voice (US male)", "awb": "CMU ARCTIC awb (Scottish male)",
          "rms": "CMU ARCTIC rms (US male)", "slt": "CMU ARCTIC slt (US female)"}


class FliteEngine(VoiceListEngine):
    """flite through its command line (writes a WAV file)."""

    name = "flite"
    title = "flite"
    native_rate = True
    native_pitch = False
    install = ("apt-get install flite", "brew install flite")

    program = PROGRAM
    no_voices = "flite has none of its English voices built in"

    def names_from(self, program: str) -> list[str]:
        listing = run_program([program, "-lv"]).decode("utf-8", "replace")
        names = listing.split(":", 1)[-1].split()
        return [name for name in VOICES if name in names]

    def describe(self, name: str) -> str:
        return VOICES[name]

    def speak(self, voice: Voice, request: SpeakRequest) -> Speech:
        if self._program is None:
            raise SynthesisError(f"{PROGRAM} is not installed.")
        stretch = 1.0 / max(request.rate, 1e-3)
        handle, path = tempfile.mkstemp(prefix="kws-flite-", suffix=".wav")
        os.close(handle)
        try:
            run_program([self._program, "-voice", voice.name, "--setf", f"duration_stretch={stretch:.4f}",
                         "-t", request.text, "-o", path])
            return read_wav_file(path, f"flite ({voice.name})")
        finally:
            os.unlink(path)
