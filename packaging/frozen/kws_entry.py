"""Entry point of the frozen bundle: one program, three roles.

Why one entry script for both executables: the bundle holds two executables built from this same
script and sharing one ``_internal`` folder -- ``kws-workbench`` (the window; a windowed program on
Windows and macOS) and ``kws`` (the command line; always a console program). The role follows the
executable's name, so each behaves exactly like its pip-installed counterpart:

* ``kws-workbench [args]`` -> :func:`workbench.gui.app.main`
* ``kws [args]``           -> :func:`workbench.cli.main.main`
* ``<either> --kws-worker <kws args>`` -> the CLI, whatever the name: the worker mode the GUI uses for
  training, calibration and board I/O children (``python -m`` does not exist in a bundle; see
  :func:`workbench.child_command.kws_command`).

``multiprocessing.freeze_support()`` comes first: the training's and the evaluation's spawned worker
processes re-run this executable with multiprocessing's own arguments. The optional training
runtime (TensorFlow, shipped apart) is put on the import path for the command line only
(:mod:`training_runtime`), so the window's process never sees TensorFlow. Bytecode is never written:
the installed folder is read-only and the app writes nothing next to itself.
"""

from __future__ import annotations

import sys

from workbench.child_command import CLI_EXECUTABLE as CLI_PROGRAM
from workbench.child_command import WORKER_FLAG

EXIT_USAGE = 2


def program_name(executable: str) -> str:
    """``kws`` or ``kws-workbench`` from the executable's path (no ``.exe``, any case)."""
    name = executable.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


def run_cli(args: list[str]) -> int:
    import training_runtime

    status = training_runtime.activate()
    if training_runtime.needs_runtime(args) and not status.active:
        print(f"{CLI_PROGRAM}: error: {status.problem}", file=sys.stderr)
        return EXIT_USAGE
    from workbench.cli.main import main as cli_main

    sys.argv[0] = CLI_PROGRAM
    return cli_main(args)


def run_gui(args: list[str]) -> int:
    from workbench.gui.app import main as gui_main

    return gui_main(args)


def give_windowed_program_streams() -> None:
    """A windowed program (Windows, macOS) started without a console has no stdout/stderr (None): a print
    would raise. Its output goes nowhere instead; the exit status still tells (``--self-test``)."""
    import os

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)


def main() -> int:
    import multiprocessing

    give_windowed_program_streams()
    multiprocessing.freeze_support()  # a spawned worker runs here and exits
    sys.dont_write_bytecode = True
    args = sys.argv[1:]
    if args[:1] == [WORKER_FLAG]:
        return run_cli(args[1:])
    if program_name(sys.executable) == CLI_PROGRAM:
        return run_cli(args)
    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
