"""The ``SL_PARAMSv1`` parameters a trained model carries to the workbench and the board.

Why all of them: the EFR32 ``audio_classifier`` firmware and the workbench configure themselves from
the model alone -- the classes, every ``fe.*`` frontend setting the model was trained with, the
detection parameters, and ``runtime_memory_size`` (the tensor arena the firmware allocates; without
it the firmware searches for the size at every boot). The keys and their order follow MLTK's
tflite_micro_speech model.

``runtime_memory_size`` comes from the profiler's arena planner (:mod:`workbench.profiler.memory`): the larger of
the CPU-only and the MVP-accelerated estimate, because the EFR32xG24 firmware runs the supported layers on the
MVP, which needs the extra buffers, plus a margin (:data:`ARENA_MARGIN_SHARE`), because the estimate may fall a
little short of what the board allocates. A size too small does not stop the model: MLTK's
``TfliteMicroModel::load`` (``cpp/shared/tflite_micro_model/tflite_micro_model/tflite_micro_model.cc``) frees
that buffer, logs "Failed to load model with buffer of size %d" and falls back to ``find_optimal_buffer_size``,
which loads the model again and again to search for the size -- at every boot, slower to start and with the
heap briefly holding the trial buffers. A size a little too large only costs RAM.

The ``description`` is the spec's, with its MACs figure ("(336k MACs)") replaced by the model's own count from
the same profile (:func:`described_macs`): a ``--set`` that changes the layers or the frontend (32 filterbank
channels instead of 40) changes the MACs, and ``kws info``, ``kws params`` and ``kws export-c`` show this text.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any

from workbench.core.detection.settings import DetectionSettings
from workbench.core.model.model_file import LoadedModel, model_from_bytes, model_with_params
from workbench.profiler import ProfileSummary, profile_model
from workbench.profiler.memory import align
from workbench.training.spec.model_spec import ModelSpec

RESCALE_KEY = "samplewise_norm.rescale"
MEAN_AND_STD_KEY = "samplewise_norm.mean_and_std"
# a MACs figure as spec descriptions write it: "336k MACs", "~0.8M MACs", "336,000 MACs"
MACS_FIGURE = re.compile(r"~?\d[\d,.]*\s*[kKM]?\s*MACs\b")
MACS_PER_K = 1000
# runtime_memory_size is the estimate plus a margin: the planner lands within about 1.3 % of MLTK's simulator on
# keyword models, on either side (docs/profiler.md), and one byte short makes the firmware search at every boot
ARENA_MARGIN_SHARE = 0.02
ARENA_MARGIN_MIN_BYTES = 512  # small models: the op data of layers priced at a default is off by up to ~400 B


def _summary(tflite: bytes) -> ProfileSummary:
    summary = profile_model(tflite).summary
    assert summary is not None
    return summary


def _arena_bytes(summary: ProfileSummary) -> int:
    """The arena to store: the larger estimate plus :data:`ARENA_MARGIN_SHARE` (at least
    :data:`ARENA_MARGIN_MIN_BYTES`), 16-byte aligned (module docstring)."""
    estimate = int(max(summary.arena_bytes, summary.arena_bytes_mvp))
    return align(estimate + max(math.ceil(estimate * ARENA_MARGIN_SHARE), ARENA_MARGIN_MIN_BYTES))


def runtime_memory_size(tflite: bytes) -> int:
    """Tensor arena bytes the board needs for this model (see the module docstring)."""
    return _arena_bytes(_summary(tflite))


def described_macs(description: str, macs: int) -> str:
    """``description`` with each MACs figure in it made ``macs`` ("336k MACs" -> "272k MACs"); as it is without.

    Why not the spec's figure: it was written for the spec file's layers and frontend, which ``--set`` (or a
    recipe extending the spec) may have changed; the count here is the trained model's (module docstring)."""
    figure = f"{round(macs / MACS_PER_K):,}k MACs" if macs >= MACS_PER_K else f"{macs:,} MACs"
    return MACS_FIGURE.sub(figure, description)


def _now_text() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def restamped(model: LoadedModel, name: str, description: str | None = None) -> LoadedModel:
    """``model`` under a new name, with the identity and arena of its own graph (hash, date,
    ``runtime_memory_size``): for a model made from others, e.g. an average (``kws average``)."""
    params: dict[str, Any] = {"name": name, "hash": "", "date": _now_text(),  # hash: the writer computes it
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
    summary = _summary(tflite)
    params: dict[str, Any] = {
        "name": spec.name,
        "version": spec.version,
        "classes": list(spec.classes),
        "hash": "",  # computed when written, by MLTK's rule (workbench.core.model.model_params.params_hash)
        "date": _now_text(),
        "runtime_memory_size": _arena_bytes(summary),
        **detection.to_params(),
        RESCALE_KEY: 0.0,
        MEAN_AND_STD_KEY: False,
        **spec.frontend.to_params(),
    }
    if spec.description:
        params["description"] = described_macs(spec.description, summary.total_macs)
    params.update(extra or {})
    return params


def labelled_model(spec: ModelSpec, tflite: bytes, detection: DetectionSettings,
                   extra: dict[str, Any] | None = None) -> LoadedModel:
    """The converted model with its parameters written in (validated by the core's model loader)."""
    bare = model_from_bytes(tflite, spec.name)
    return model_with_params(bare, model_parameters(spec, tflite, detection, extra))
