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
* ``kws [-u] [-S] SCRIPT.py args`` / ``kws -m MODULE args`` / ``kws -c CODE`` with ``KWS_PYTHON_MODE=1`` in
  the environment -> a Python interpreter (:func:`run_python`). Why: Ray starts its own processes
  (dashboard, log monitor, the trials' workers) as ``sys.executable [-u] script.py ...``, and in the
  bundle ``sys.executable`` is ``kws``. ``kws sweep`` sets the variable before it starts Ray
  (``workbench.sweeps.on_ray.ray_session``), so a person typing ``kws x.py`` still gets the CLI.

``multiprocessing.freeze_support()`` comes first: the training's and the evaluation's spawned worker
processes re-run this executable with multiprocessing's own arguments. The optional training
runtime (TensorFlow, shipped apart) is put on the import path for the command line only
(:mod:`training_runtime`), so the window's process never sees TensorFlow. Bytecode is never written:
the installed folder is read-only and the app writes nothing next to itself.
"""

from __future__ import annotations

import os
import sys

from workbench.child_command import CLI_EXECUTABLE as CLI_PROGRAM
from workbench.child_command import WORKER_FLAG

EXIT_USAGE = 2
PYTHON_MODE_VARIABLE = "KWS_PYTHON_MODE"  # set by kws sweep for Ray's child processes (see the docstring)
# interpreter options Ray passes (-u unbuffered, -S/-s site flags) or might: accepted, the bundle's own apply
PYTHON_FLAGS = frozenset({"-u", "-S", "-s", "-E", "-B", "-I", "-O", "-OO", "-q", "-b", "-bb"})
PYTHON_FLAGS_WITH_VALUE = frozenset({"-X", "-W"})
UNBUFFERED = "-u"
SCRIPT_SUFFIX = ".py"


def python_invocation(args: list[str]) -> tuple[str, str, list[str], bool] | None:
    """``(kind, target, argv, unbuffered)`` when ``args`` are a Python interpreter's command line (kind
    "script", "module" or "code"), else None. Only what Ray uses; anything else is the CLI's."""
    index, unbuffered = 0, False
    while index < len(args) and (args[index] in PYTHON_FLAGS or args[index] in PYTHON_FLAGS_WITH_VALUE):
        unbuffered = unbuffered or args[index] == UNBUFFERED
        index += 2 if args[index] in PYTHON_FLAGS_WITH_VALUE else 1
    rest = args[index:]
    if len(rest) >= 2 and rest[0] == "-m":
        return "module", rest[1], [rest[1], *rest[2:]], unbuffered
    if len(rest) >= 2 and rest[0] == "-c":
        return "code", rest[1], ["-c", *rest[2:]], unbuffered
    if rest and rest[0].endswith(SCRIPT_SUFFIX):
        return "script", rest[0], list(rest), unbuffered
    return None


def run_python(kind: str, target: str, argv: list[str], unbuffered: bool) -> int:
    """Run a script, module or code like ``python`` would, with the training runtime (Ray) on the path."""
    import runpy

    import training_runtime

    training_runtime.activate()
    if unbuffered:
        for stream in (sys.stdout, sys.stderr):
            stream.reconfigure(write_through=True)  # type: ignore[union-attr]
    sys.argv = argv
    if kind == "module":
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    elif kind == "code":
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102 (python -c)
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        runpy.run_path(target, run_name="__main__")
    return 0


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
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)


def main() -> int:
    import multiprocessing

    give_windowed_program_streams()
    multiprocessing.freeze_support()  # a spawned worker runs here and exits
    sys.dont_write_bytecode = True
    args = sys.argv[1:]
    invocation = python_invocation(args) if os.environ.get(PYTHON_MODE_VARIABLE) == "1" else None
    if invocation is not None:
        return run_python(*invocation)
    if args[:1] == [WORKER_FLAG]:
        return run_cli(args[1:])
    if program_name(sys.executable) == CLI_PROGRAM:
        return run_cli(args)
    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
