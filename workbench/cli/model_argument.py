"""Every ``kws`` argument that names a model: a file, or the name of a bundled model.

Why one place: the commands that read a model (``detect``, ``info``, ``params``, ``evaluate``, ``profile``,
``board …`` and the rest) should all accept ``kws_yes_no`` or ``kws_yes_no.tflite`` -- the names ``kws models``
lists -- from any folder, and all say the same thing when a model is missing. An existing file always wins,
so a model of the same name in the working folder is never shadowed by the bundled one.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.errors import ModelError

MODEL_HELP = ".tflite or .mltk.zip model, or a bundled model's name (see `kws models`)"
MODELS_HINT = "give a .tflite or .mltk.zip file, or a bundled model's name (see `kws models`)"


def resolve_model_path(text: str | Path) -> Path:
    """The model file ``text`` means: the file itself when it exists, else the bundled model of that name;
    ModelError (one sentence) when neither exists."""
    path = Path(text)
    if path.exists():
        return path
    from workbench.bundled_models import bundled_model_file

    bundled = bundled_model_file(str(text))
    if bundled is not None:
        return bundled
    if path.name == str(text):  # a bare name: perhaps meant as a bundled model
        raise ModelError(f"model file not found: {text}; {MODELS_HINT}")
    raise ModelError(f"model file not found: {text}")


def model_argument(text: str) -> Path:
    """``type=`` for argparse: the model file, resolved while the command line is read (see the module)."""
    return resolve_model_path(text)
