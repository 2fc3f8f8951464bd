"""The ``SL_PARAMSv1`` parameters a trained model carries to the workbench and the board.

Why all of them: the EFR32 ``audio_classifier`` firmware and the workbench configure themselves from
the model alone -- the classes, every ``fe.*`` frontend setting the model was trained with, the
detection parameters, and ``runtime_memory_size`` (the tensor arena the firmware allocates; without
it the firmware searches for the size at every boot). The keys and their order follow MLTK's
tflite_micro_speech model.

``runtime_memory_size`` comes from the profiler's arena planner (:mod:`workbench.profiler.memory`);
the larger of the CPU-only and the MVP-accelerated estimate is stored, because the EFR32xG24
firmware runs the supported layers on the MVP, which needs the extra buffers, and an arena that is
too small stops the model from loading while one a little too large only costs RAM.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

from workbench.core.detection.settings import DetectionSettings
from workbench.core.model.model_file import LoadedModel, model_from_bytes, model_with_params
from workbench.profiler import profile_model
from workbench.training.spec.model_spec import ModelSpec

RESCALE_KEY = "samplewise_norm.rescale"
MEAN_AND_STD_KEY = "samplewise_norm.mean_and_std"


def runtime_memory_size(tflite: bytes) -> int:
    """Tensor arena bytes the board needs for this model (see the module docstring)."""
    summary = profile_model(tflite).summary
    assert summary is not None
    return int(max(summary.arena_bytes, summary.arena_bytes_mvp))


def _now_text() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def restamped(model: LoadedModel, name: str, description: str | None = None) -> LoadedModel:
    """``model`` under a new name, with the identity and arena of its own graph (hash, date,
    ``runtime_memory_size``): for a model made from others, e.g. an average (``kws average``)."""
    params: dict[str, Any] = {"name": name, "hash": hashlib.md5(model.tflite).hexdigest(), "date": _now_text(),
                              "runtime_memory_size": runtime_memory_size(model.tflite)}
    if description is not None:
        params["description"] = description
    return model_with_params(model, params)


def detection_settings(spec: ModelSpec, threshold: int) -> DetectionSettings:
    d = spec.detection
    return DetectionSettings(average_window_duration_ms=d.average_window_duration_ms, detection_threshold=threshold,
                             suppression_ms=d.suppression_ms, minimum_count=d.minimum_count,
                             volume_gain=d.volume_gain, latency_ms=d.latency_ms)


def model_parameters(spec: ModelSpec, tflite: bytes, detection: DetectionSettings,
                     extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every parameter, in MLTK's order: identity, memory, detection, normalisation, ``fe.*``."""
    params: dict[str, Any] = {
        "name": spec.name,
        "version": spec.version,
        "classes": list(spec.classes),
        "hash": hashlib.md5(tflite).hexdigest(),  # of the bare model, before parameters are added
        "date": _now_text(),
        "runtime_memory_size": runtime_memory_size(tflite),
        **detection.to_params(),
        RESCALE_KEY: 0.0,
        MEAN_AND_STD_KEY: False,
        **spec.frontend.to_params(),
    }
    if spec.description:
        params["description"] = spec.description
    params.update(extra or {})
    return params


def labelled_model(spec: ModelSpec, tflite: bytes, detection: DetectionSettings,
                   extra: dict[str, Any] | None = None) -> LoadedModel:
    """The converted model with its parameters written in (validated by the core's model loader)."""
    bare = model_from_bytes(tflite, spec.name)
    return model_with_params(bare, model_parameters(spec, tflite, detection, extra))
