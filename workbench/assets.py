"""Where the bundled runtime assets (models, sample audio, icons) live.

The build installs the repository's ``resources/`` into the package as ``workbench/resources``, so
a wheel and a frozen bundle find them through :mod:`importlib.resources`. An editable install maps
only Python modules back to the source tree, so there the top-level ``resources/`` is used.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from workbench.child_command import bundle_data_folder

_PACKAGE = "workbench"
_DIR = "resources"

DEFAULT_MODEL = "models/kws_yes_no_stream.tflite"
REFERENCE_MODEL = "models/tflite_micro_speech.tflite"  # Silicon Labs MLTK's, unaltered: the comparison
SAMPLE_AUDIO = "audio/yes_no.wav"


def resources_root() -> Path:
    """The directory holding the bundled assets."""
    frozen = bundle_data_folder()
    candidates = []
    if frozen is not None:
        candidates.append(frozen / _PACKAGE / _DIR)
    candidates.append(Path(str(resources.files(_PACKAGE))) / _DIR)
    candidates.append(Path(__file__).resolve().parent.parent / _DIR)  # editable install / checkout
    for path in candidates:
        if (path / DEFAULT_MODEL).is_file():
            return path
    raise FileNotFoundError(
        "the workbench's bundled resources are missing (looked in "
        + ", ".join(str(p) for p in candidates)
        + "); reinstall the package"
    )


def asset_path(relative: str) -> Path:
    """Absolute path of a bundled asset such as ``models/tflite_micro_speech.tflite``."""
    path = resources_root() / relative
    if not path.exists():
        raise FileNotFoundError(f"bundled asset not found: {relative}")
    return path


def default_model_path() -> Path:
    return asset_path(DEFAULT_MODEL)


def reference_model_path() -> Path:
    """MLTK's pre-trained ``tflite_micro_speech``, bundled as the reference the default is compared with."""
    return asset_path(REFERENCE_MODEL)


def sample_audio_path() -> Path:
    return asset_path(SAMPLE_AUDIO)
