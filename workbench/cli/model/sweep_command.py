"""``kws sweep``: a hyper-parameter / architecture search of ``kws train`` trials on Ray Tune.

Ray is imported only when a sweep runs (``kws --help`` and the sweep file checks work without it);
without Ray the command says how to get it. With ``--format jsonl`` stdout carries only the sweep's
events (:mod:`workbench.sweeps.reporting.events`), one JSON object per line, for the GUI and scripts; whatever
Ray or Tune print goes to stderr. Ctrl+C or SIGTERM stops every trial cleanly (each ``kws train``
keeps its best checkpoint), then the results of the trials that finished are still written. A second
Ctrl+C or SIGTERM stops at once: the results are written from what is known (the trials still running listed as
cancelled, without their last figures) and Ray is shut down without waiting for the trials' ends. (SIGTERM twice:
``timeout``, a service manager or a script repeating its stop when a trial's ``kws train`` is slow to stop.) Once
the trials have ended, a second one changes nothing: the results are on their way, and stopping would lose them.
A cluster (``--address``) that stops answering while the trials run ends the sweep with its results and an error
(:func:`_ended_by_a_lost_cluster`). Exit status: 0 finished (also when no trial finished or reached the frr
objective's target: the sweep ran correctly and its summary says so), 130 cancelled, 2 an error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, TextIO

from workbench.cli.command_list import summary
from workbench.child_command import EXIT_CANCELLED
from workbench.cli.cancel_signals import signals_routed
from workbench.cli.stdout_routing import private_stdout
from workbench.core.errors import SettingsError
from workbench.core.wording import counted, plural
from workbench.documentation import SWEEPS, PathKeepingHelpFormatter, see, sweep_example_path
from workbench.sweeps.reporting.events import WARNING_PREFIX

if TYPE_CHECKING:
    from workbench.sweeps.sweep_run import SweepOutcome, SweepRun

FORMATS = ("text", "jsonl")
NO_FIGURE = "-"  # a figure the trial has not got (it never started, or never got that far)
# the first Ctrl+C's cancelling message ends with what a second one does (and what it loses)
SECOND_CTRL_C_NOTE = ("press Ctrl+C again to stop at once, without waiting for the trials: those still running "
                      "are then listed as cancelled without their last figures")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "sweep", help=summary("sweep"),
        formatter_class=PathKeepingHelpFormatter,
        description="Run the search a sweep file describes (datasets, specs, search space, objective, budget, "
        "ASHA early stopping, the board's flash/RAM budget): every trial is a kws train in a Ray worker with "
        "its own seed; models over the board budget are rejected before training. Writes results.csv/.json, "
        "results.png (objective vs MACs and RAM) and the best trial's int8 model into --out. Without "
        "--address a local Ray instance is started and stopped with the sweep. Needs Ray: in a source "
        "install pip install kws-workbench[cluster]; the packaged app's training runtime includes it. "
        + _example_sentence() + see(SWEEPS))
    p.add_argument("sweep_file", type=Path, metavar="SWEEP.toml", help="the sweep file")
    p.add_argument("--address", help="attach to a Ray cluster: 'auto' (the cluster this machine belongs to) or "
                   "HOST:PORT of its head node (default: start a local Ray instance for this sweep)")
    p.add_argument("--max-concurrent", type=int, metavar="N", help="run at most N trials at once "
                   "(default: the sweep file's, else as many as the CPUs allow)")
    p.add_argument("--num-cpus", type=int, metavar="N", help="CPUs of the local Ray instance (default: all "
                   "this process may use, its affinity counted; ignored with --address)")
    p.add_argument("--out", type=Path, help="output folder (default: ./<sweep name>)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text: a line per finished trial and a summary (default); jsonl: one JSON event per line")
    p.set_defaults(func=run)


def _example_sentence() -> str:
    """Where the example sweep file is: a copy of it, its datasets pointed at the user's data, is a start."""
    example = sweep_example_path()
    if example is None:
        return ""
    return (f"An example to start from: {example} (copy it and set its datasets to your dataset folder; a "
            "relative path is read beside the sweep file). ")


def _number(value: Any, fmt: str = ".4f") -> str:
    return NO_FIGURE if value is None else format(value, fmt)


def _bytes(value: int | None) -> str:
    """Bytes as kws profile writes them (15456 -> "15.5k"), so the two commands' RAM figures read alike."""
    from workbench.profiler.export import format_units

    return NO_FIGURE if not value else format_units(value)


class _TextPrinter:
    """The sweep's events as lines for a person."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event["event"]
        line = None
        if kind == "start":
            line = (f"sweep {event['sweep']}: {counted(event['trials'], 'trial')}, objective {event['objective']} "
                    f"({event['mode']}), Ray {event['address']} ({event['cpus']:g} {plural(event['cpus'], 'CPU')}, "
                    f"{counted(event['nodes'], 'node')})")
        elif kind in ("message", "cancelling", "error"):
            print(f"kws sweep: {event['message']}", file=sys.stderr, flush=True)
        elif kind == "trial_end":
            t = event["trial"]
            arena = t.get("arena_bytes") or t.get("estimated_arena_bytes")
            line = (f"trial {t['trial_id']}  {t['status']:<13} objective {_number(t.get('objective'))}  "
                    f"epochs {t.get('epochs', 0):>3}  MACs {_number(t.get('macs'), ',')}  "
                    f"RAM {_bytes(arena)}  "
                    f"best {_number(event.get('best_objective'))}"
                    + (f"  ({t['message']})" if t.get("message") else ""))
        elif kind == "done":
            best = event.get("best")
            summary = str(event.get("summary") or "").replace(f"; {WARNING_PREFIX}", f"\n{WARNING_PREFIX}")
            line = (f"sweep {event['status']}: best trial {best['trial_id']} objective {best['objective']:.4f}; "
                    f"model {event['model']}" + (f"\n{summary}" if summary else "") if best
                    else f"sweep {event['status']}: {summary or 'no trial finished'}")
            line += "\nwrote " + ", ".join(event.get("results", []))
        if line:
            print(line, file=self.stream, flush=True)


class _JsonPrinter:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, event: dict[str, Any]) -> None:
        from workbench.sweeps.reporting.events import event_line

        self.stream.write(event_line(event) + "\n")
        self.stream.flush()


@contextlib.contextmanager
def _stop_on_signals(sweep_run: "SweepRun") -> Iterator[None]:
    """SIGINT/SIGTERM cancel the sweep cleanly; a second one of either stops at once (KeyboardInterrupt, which the
    sweep turns into results of the trials known so far) -- unless the trials have ended already
    (:attr:`SweepRun.finishing`: Ray shuts down, the results are written, a few seconds): there is no trial left to
    wait for, and stopping then would lose the results. Why SIGTERM too: a sender that repeats it is as impatient
    as a second Ctrl+C, and ignoring it left the sweep waiting for a trial that did not stop; the Sweeps view's
    Cancel repeats it a minute after the first, which may be just when a slow trial has ended."""
    state = {"asked": False}

    def handle(signum: int, _frame: Any) -> None:
        if state["asked"]:
            if not sweep_run.finishing:
                raise KeyboardInterrupt
            return
        state["asked"] = True
        sweep_run.cancel(f"signal {signal.Signals(signum).name}",
                         note=SECOND_CTRL_C_NOTE if signum == signal.SIGINT else "")

    stop_signals = [s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGBREAK")) if s is not None]
    with signals_routed(stop_signals, handle):
        yield


def run(args: argparse.Namespace) -> int:
    with private_stdout() as stream:  # events on stdout; Ray's and Tune's prints on stderr
        printer = _JsonPrinter(stream) if args.format == "jsonl" else _TextPrinter(stream)
        try:
            outcome = _sweep(args, printer)
        except Exception as exc:  # a bad option or sweep file, no Ray, a sweep that cannot go on
            if args.format == "jsonl":  # (text: main prints the error once)
                printer({"event": "error", "message": str(exc)})
            raise
    return EXIT_CANCELLED if outcome.status == "cancelled" else 0


def _ended_by_a_lost_cluster(args: argparse.Namespace, printer: Callable[[dict[str, Any]], None]
                             ) -> Callable[[str], None]:
    """The end of ``kws sweep`` whose cluster stopped answering, its results written (the cluster's watch calls it
    from its thread): the error as :func:`run` and ``kws``'s main report any, and exit status 2 at once. Why at once:
    the driver's thread may be blocked inside Ray, which would end the process a minute later with status 1."""
    from workbench.cli.main import EXIT_USAGE

    def end(message: str) -> None:
        if args.format == "jsonl":
            printer({"event": "error", "message": message})
        print(f"kws: error: {message}", file=sys.stderr, flush=True)
        os._exit(EXIT_USAGE)

    return end


def _sweep(args: argparse.Namespace, printer: Callable[[dict[str, Any]], None]) -> "SweepOutcome":
    """Check the options and the sweep file, then run the sweep (its events to ``printer``); the outcome."""
    from workbench.sweeps.definition.sweep_file import load_sweep

    if args.max_concurrent is not None and args.max_concurrent < 1:
        raise SettingsError(f"--max-concurrent must be at least 1, got {args.max_concurrent}.")
    if args.num_cpus is not None and args.num_cpus < 1:
        raise SettingsError(f"--num-cpus must be at least 1, got {args.num_cpus}.")
    sweep = load_sweep(args.sweep_file)
    from workbench.sweeps.on_ray.ray_session import require_ray

    require_ray()
    from workbench.sweeps.sweep_run import SweepOptions, SweepRun

    out = args.out if args.out is not None else Path.cwd() / sweep.name
    options = SweepOptions(out=out, address=args.address, max_concurrent=args.max_concurrent,
                           num_cpus=None if args.address else args.num_cpus)
    sweep_run = SweepRun(sweep, options, emit=printer, on_cluster_lost=_ended_by_a_lost_cluster(args, printer))
    with _stop_on_signals(sweep_run):
        return sweep_run.run()
