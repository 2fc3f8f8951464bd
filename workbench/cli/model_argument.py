"""Every ``kws`` argument that names a model: a file, or the name of a bundled model.

Why one place: the commands that read a model (``detect``, ``info``, ``params``, ``evaluate``, ``profile``,
``board …`` and the rest) should all accept ``kws_yes_no`` or ``kws_yes_no.tflite`` -- the names ``kws models``
lists -- from any folder, and all say the same thing when a model is missing. An existing file always wins,
so a model of the same name in the working folder is never shadowed by the bundled one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Sequence

from workbench.core.errors import ModelError

MODEL_HELP = ".tflite or .mltk.zip model, or a bundled model's name (see `kws models`)"
MODELS_HINT = "give a .tflite or .mltk.zip file, or a bundled model's name (see `kws models`)"
MODEL_SUFFIXES = (".tflite", ".mltk.zip")
MODEL_OPTION = "--model"


def looks_like_model_file(text: str | Path) -> bool:
    """Whether ``text`` names a model file by its suffix (``x.tflite``, ``x.mltk.zip``)."""
    return str(text).lower().endswith(MODEL_SUFFIXES)


def model_placement_hint(parser: argparse.ArgumentParser, unrecognized: Sequence[str]) -> str:
    """Where ``parser``'s command takes its model, when the words argparse did not recognise put it elsewhere;
    "" otherwise.

    Why: the commands whose argument is the model (``kws evaluate MODEL``, ``kws profile MODEL``, as MLTK's
    commands take it) and those whose argument is another file or none (``kws detect AUDIO --model M``, ``kws
    calibrate --model M``) differ, and argparse said only "unrecognized arguments: --model".
    """
    takes_argument = any(not action.option_strings and action.dest == "model" for action in parser._actions)
    takes_option = any(MODEL_OPTION in action.option_strings for action in parser._actions)
    if takes_argument and not takes_option and any(word.split("=")[0] == MODEL_OPTION for word in unrecognized):
        return f" ({parser.prog} takes the model as its argument, without {MODEL_OPTION}: {parser.prog} MODEL ...)"
    model = next((word for word in unrecognized if looks_like_model_file(word)), None)
    if takes_option and model is not None:
        return f" ({parser.prog} takes the model with {MODEL_OPTION}: {MODEL_OPTION} {model})"
    return ""


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
