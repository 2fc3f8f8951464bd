"""Locating reference implementations to run side by side with ours (never needed by the workbench itself).

They are pinned in ``baselines.txt`` beside this file, which ``make bench`` installs with ``--no-deps``. When one
cannot be run, :class:`BaselineMissing` says why, so a benchmark reports a failed comparison instead of
quietly printing only its own figure.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

from workbench.core.frontend_settings import FrontendSettings

BASELINES = Path(__file__).with_name("baselines.txt")
INSTALL_HINT = f"make bench installs it; or pip install --no-deps -r benchmarks/{BASELINES.name}"
MLTK_WRAPPER = "_audio_feature_generator_wrapper"
MLTK_WRAPPER_FOLDER = "core/preprocess/audio/audio_feature_generator"


class BaselineMissing(Exception):
    """A reference implementation cannot be run here; the message says why and how to get it."""


def mltk_frontend(settings: FrontendSettings) -> Callable[[np.ndarray], np.ndarray]:
    """MLTK's own AudioFeatureGenerator wrapper from the silabs-mltk wheel; BaselineMissing when it cannot run.

    The compiled wrapper is loaded straight from the installed package so MLTK's heavy Python
    dependencies are not needed.
    """
    spec = importlib.util.find_spec("mltk")
    if spec is None or not spec.submodule_search_locations:
        raise BaselineMissing(f"silabs-mltk is not installed ({INSTALL_HINT})")
    root = Path(list(spec.submodule_search_locations)[0])
    found = sorted((root / MLTK_WRAPPER_FOLDER).glob(f"{MLTK_WRAPPER}*.so"))
    if not found:
        python = f"{sys.implementation.name} {sys.version_info.major}.{sys.version_info.minor}"
        raise BaselineMissing(f"the installed silabs-mltk has no compiled {MLTK_WRAPPER} for {python} on "
                              f"{sys.platform}")
    mod_spec = importlib.util.spec_from_file_location(MLTK_WRAPPER, found[0])
    assert mod_spec is not None and mod_spec.loader is not None
    try:
        module: Any = importlib.util.module_from_spec(mod_spec)  # an extension module is loaded here
        mod_spec.loader.exec_module(module)
        wrapper = module.AudioFeatureGeneratorWrapper(settings.to_params())
    except (ImportError, OSError, AttributeError) as error:
        raise BaselineMissing(f"MLTK's {found[0].name} cannot be loaded: {error}") from error
    shape = settings.spectrogram_shape

    def run(audio: np.ndarray) -> np.ndarray:
        out = np.empty(shape, dtype=np.uint16)
        wrapper.process_sample(audio, out)
        return out

    return run
