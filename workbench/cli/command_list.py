"""The ``kws`` commands: each one's name, the module that registers it, and its line in ``kws --help``.

Why a table apart from the modules: ``kws --help`` lists every command, and importing every command module to
list them loaded numpy, LiteRT, the audio and board libraries for a help text (:mod:`workbench.cli.main` imports
only the module of the command named). Each module registers its command with :func:`summary`, so the line
``kws --help`` shows is written once, here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A ``kws`` command: its name, the module that registers it, and its line in ``kws --help``."""

    name: str
    module: str
    summary: str  # its line in kws --help: the help= its module registers it with (summary())


# in the order kws --help lists them
COMMANDS = (
    Command("detect", "workbench.cli.detect_command", "detect keywords in an audio file or from the microphone"),
    Command("features", "workbench.cli.data.features_command", "compute the frontend spectrogram of an audio file"),
    Command("info", "workbench.cli.model.model_commands", "show a model's layers, classes and parameters"),
    Command("params", "workbench.cli.model.model_commands", "print or change a model's embedded parameters"),
    Command("average", "workbench.cli.model.average_command",
            "merge models into one whose output is the weighted mean of theirs"),
    Command("devices", "workbench.cli.devices_command", "list audio input devices"),
    Command("profile", "workbench.cli.measure.profile_commands",
            "estimate ops, MACs, memory and EFR32xG24 CPU/MVP time per layer"),
    Command("export-c", "workbench.cli.measure.profile_commands",
            "write the model as an aligned C array for firmware"),
    Command("board", "workbench.cli.board.board_commands",
            "flash, profile and classify on a Silicon Labs EFR32 board"),
    Command("stream", "workbench.cli.data.stream_command", "build or check labelled test streams for kws calibrate"),
    Command("calibrate", "workbench.cli.measure.calibrate_command",
            "find the detection parameters for a target false-accept rate on a labelled stream"),
    Command("dataset", "workbench.cli.data.dataset_commands",
            "inspect, download or synthesize keyword-spotting datasets"),
    Command("evaluate", "workbench.cli.measure.evaluate_command",
            "accuracy, ROC AUC, confusion matrix of a model on dataset clips"),
    Command("models", "workbench.cli.model.models_command", "list the bundled models"),
    Command("train", "workbench.cli.model.train_command",
            "train a keyword model on dataset folders (needs TensorFlow)"),
    Command("specs", "workbench.cli.model.specs_command",
            "list the model specs kws train can use, or one spec's settings"),
    Command("sweep", "workbench.cli.model.sweep_command",
            "search hyper-parameters and architectures: kws train trials on Ray Tune"),
)
ALL_MODULES = tuple(dict.fromkeys(command.module for command in COMMANDS))  # (one module registers several)


def summary(name: str) -> str:
    """The ``help=`` command ``name`` is registered with: its line in ``kws --help``."""
    return next(command.summary for command in COMMANDS if command.name == name)
