"""The options that use a model's named detection presets (:mod:`workbench.core.detection.presets`):
``kws detect --preset NAME`` runs with one, ``kws calibrate --apply-to OUT.tflite --as-preset NAME`` writes its
recommendation into the copy as one.

Why presets are options and not the model's own values: the board firmware reads only the model's own keys, which
are calibrated for one place (dense speech); a preset is another place's set (a quiet room) that the model carries
beside them, to be tried here or written into the model's own values when the board is meant for that place.

Why a module: ``kws detect`` and ``kws calibrate`` name presets alike (``quiet_room``, or ``"quiet room"`` as the
Tuning panel shows it), and ``detect_command`` is at its size limit. It loads neither numpy nor LiteRT: the
commands' ``--help`` must not (:mod:`workbench.cli.main`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from workbench.core.detection.presets import PRESET_PREFIX, chosen_preset, preset_name, presets_in
from workbench.core.detection.settings import DetectionSettings
from workbench.core.errors import SettingsError, WorkbenchError

if TYPE_CHECKING:
    from workbench.core.model.model_file import LoadedModel

PRESET_HELP = (f"start from the model's preset NAME ({PRESET_PREFIX}NAME.* parameters, e.g. quiet_room, as kws "
               "calibrate --as-preset writes them) instead of its own detection parameters (those the board uses); "
               "--threshold, --window-ms and the other parameter options still override its values")
AS_PRESET_HELP = ("with --apply-to: write the recommended parameters into the copy as its preset NAME "
                  f"({PRESET_PREFIX}NAME.* parameters; e.g. quiet_room, used by kws detect --preset NAME and the "
                  "Tuning panel's Values choice) instead of as its own; the model's own parameters, which the board "
                  "uses, stay as they are")
DESCRIPTION_HELP = ("with --as-preset: the sentence the Tuning panel shows for the preset, e.g. \"for a quiet room: "
                    "keywords among silence\" (default: the stream it was calibrated on and its target)")


def preset_name_type(text: str) -> str:
    """An argparse ``type=`` for a preset name: refused with the name's rule, not argparse's ``invalid value``."""
    try:
        return preset_name(text)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_preset_option(parser: argparse.ArgumentParser) -> None:
    """``--preset NAME`` (``kws detect``)."""
    parser.add_argument("--preset", metavar="NAME", type=preset_name_type, help=PRESET_HELP)


def add_as_preset_options(parser: argparse.ArgumentParser) -> None:
    """``--as-preset NAME`` and ``--preset-description TEXT`` (``kws calibrate``)."""
    parser.add_argument("--as-preset", metavar="NAME", type=preset_name_type, help=AS_PRESET_HELP)
    parser.add_argument("--preset-description", metavar="TEXT", help=DESCRIPTION_HELP)


def check_as_preset(args: argparse.Namespace) -> None:
    """Refuse the preset options where they would be silently ignored, before anything runs."""
    if args.as_preset is not None and args.apply_to is None:
        raise WorkbenchError("--as-preset names the preset written into the copy of the model that --apply-to "
                             "OUT.tflite writes: give --apply-to too")
    if args.preset_description is not None and args.as_preset is None:
        raise WorkbenchError("--preset-description describes the preset --as-preset NAME writes: give --as-preset "
                             "too")


def starting_settings(model: LoadedModel, preset: str | None) -> DetectionSettings:
    """The detection parameters a run starts from: the model's own, or its preset ``preset`` (an error naming the
    model's presets, or saying it has none, when it has no such preset)."""
    own = DetectionSettings.from_params(model.params)
    if preset is None:
        return own
    named = model.path.name if model.path is not None else model.name  # its copies carry the original's name
    return chosen_preset(presets_in(model.params, own, model.classes), preset, named).settings
