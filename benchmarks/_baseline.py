"""Locating reference implementations to run side by side with ours (optional, never required)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Callable

import numpy as np

from workbench.core.frontend_settings import FrontendSettings


def mltk_frontend(settings: FrontendSettings) -> Callable[[np.ndarray], np.ndarray] | None:
    """MLTK's own AudioFeatureGenerator wrapper (``pip install silabs-mltk --no-deps``), or None.

    The compiled wrapper is loaded straight from the installed package so MLTK's heavy Python
    dependencies are not needed.
    """
    spec = importlib.util.find_spec("mltk")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(list(spec.submodule_search_locations)[0])
    found = sorted((root / "core/preprocess/audio/audio_feature_generator").glob(
        "_audio_feature_generator_wrapper*.so"))
    if not found:
        return None
    mod_spec = importlib.util.spec_from_file_location("_audio_feature_generator_wrapper", found[0])
    assert mod_spec is not None and mod_spec.loader is not None
    module: Any = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    wrapper = module.AudioFeatureGeneratorWrapper(settings.to_params())
    shape = settings.spectrogram_shape

    def run(audio: np.ndarray) -> np.ndarray:
        out = np.empty(shape, dtype=np.uint16)
        wrapper.process_sample(audio, out)
        return out

    return run
