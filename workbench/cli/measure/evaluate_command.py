"""``kws evaluate``: how well a model classifies a dataset's clips, through the device's own path.

Every clip goes through the project's frontend (fresh state per clip, as MLTK evaluates) and LiteRT,
after MLTK's trim-and-pad to the model's sample length. Prints MLTK's figures (its ROC AUC labelled as MLTK's,
the exact one beside it) plus balanced accuracy, per-class precision/recall, the confusion matrix and the words
most often mistaken, after a sentence naming any negative-word classes counted as ``_unknown_``
(:mod:`workbench.evaluation.report` writes all of it); ``--out`` also writes
``eval-results.json`` (MLTK's keys), ``summary.txt``, ``predictions.csv`` and the ROC, precision-recall
and confusion PNGs (without matplotlib: the rest, and a warning naming the PNGs not written and how to
get matplotlib). ``--compare OLD`` scores other models on the same clips and says, per class and in
balanced accuracy, whether the model is better than each by more than the test speakers could explain
(:mod:`workbench.evaluation.comparison`). ``--progress jsonl`` prints ``{"phase", "fraction"}`` lines on stderr
instead of the bar, for the window that runs the comparison as a child (:mod:`workbench.cli.measure.scoring_progress`).
A model whose uint8 input clips the spectrogram is warned of before the scoring, as ``kws calibrate`` warns
(the report's figures would be those of the clipped input). ``--split validation`` of a training run's model is the
run's own validation clips (:mod:`workbench.cli.measure.run_validation`: a re-split by speaker makes them others
than the dataset's split), or a warning saying why the datasets' own split is scored instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from workbench.cli.command_list import summary
from workbench.child_command import EXIT_CANCELLED
from workbench.cli.cancel_signals import cancel_on_signals, sigterm_as_interrupt
from workbench.cli.data.dataset_commands import add_split_options, load_index
from workbench.cli.model_argument import MODEL_HELP, model_argument
from workbench.cli.measure.scoring_progress import PROGRESS_MODES, ScoringProgress
from workbench.core.wording import counted
from workbench.datasets.dataset_defaults import MLTK_TRIM_DB

VALIDATION_SPLIT = "validation"  # of a training run's model: the run's own validation clips (run_validation)
SPLIT_CHOICES = ("test", VALIDATION_SPLIT, "all")
DEFAULT_SPLIT = "test"  # resolved in run, not by argparse: a --split given beside --clips must be detectable


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "evaluate", help=summary("evaluate"),
        description="Evaluate a model on a dataset split through the same frontend and LiteRT path as the live "
        "view. --split test/validation use the dataset's lists or its hash-of-speaker split (the percentages "
        "training uses), except that the model of a training run is scored on the run's own validation clips; "
        "--split all evaluates every clip once (words that are not classes count as _unknown_).")
    p.add_argument("model", type=model_argument, help=MODEL_HELP)
    p.add_argument("--compare", type=model_argument, action="append", default=[], metavar="MODEL",
                   help="another model (same classes) to score on the same clips and compare with, with a "
                   "paired speaker interval of the difference and how closely the scores agree (MODEL the "
                   "reference of their L2 relative error); repeat for several")
    clips = p.add_mutually_exclusive_group(required=True)
    clips.add_argument("--dataset", type=Path, action="append", metavar="DIR",
                       help="dataset folder (repeat to merge several)")
    clips.add_argument("--clips", type=Path, metavar="CSV",
                       help="exactly the clips of an earlier evaluation: its predictions.csv (a training run's "
                       "eval/predictions.csv too)")
    p.add_argument("--split", choices=SPLIT_CHOICES, help=f"clips of --dataset to evaluate (default: {DEFAULT_SPLIT}); "
                   "validation with the model of a kws train run (in its output folder) and that run's datasets: the "
                   "clips the run validated on (its re-split by speaker and caps applied), as its summary.json counts "
                   "them")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text report, or eval-results.json content on stdout")
    p.add_argument("--out", type=Path, help="write eval-results.json, summary.txt, predictions.csv and PNGs here")
    p.add_argument("--no-plots", action="store_true", help="with --out: skip the PNGs (no matplotlib needed)")
    p.add_argument("--workers", type=int, help="worker processes (default: one per CPU core, at most 8)")
    p.add_argument("--trim-db", type=float, default=MLTK_TRIM_DB,
                   help=f"trim silence quieter than this many dB below the peak before padding, as MLTK "
                   f"does (default {MLTK_TRIM_DB:g}; 0 = no trimming)")
    p.add_argument("--progress", choices=PROGRESS_MODES, default="bar",
                   help="bar: a progress bar on stderr (default); jsonl: {\"phase\", \"fraction\"} JSON lines on "
                   "stderr, the phase naming the model scored when there are several; none: no progress")
    add_split_options(p)
    p.set_defaults(func=run)


def _describe(args: argparse.Namespace, index: Any) -> str:
    where = ", ".join(str(d) for d in args.dataset)
    rules = "; ".join(sorted(set(index.split_rules.values())))
    what = "every clip" if args.split == "all" else f"the {args.split} split"
    return f"{what} of {where} ({rules})" if args.split != "all" else f"{what} of {where}"


def _check_clip_options(args: argparse.Namespace) -> None:
    """Refuse --split beside --clips (the CSV fixes the clips, so the split would be silently ignored) and an
    --out folder whose report files include the --clips CSV: the new predictions.csv would replace the very
    list being evaluated, and the earlier model's scores with it. Both before the minutes of scoring."""
    from workbench.output_guard import check_output_file
    from workbench.core.errors import SettingsError
    from workbench.evaluation.report import report_files

    if args.clips is not None and args.split is not None:
        raise SettingsError(f"--split {args.split} does not apply to --clips (the CSV names the clips); "
                            "drop --split, or use --dataset with --split.")
    if args.split is None:
        args.split = DEFAULT_SPLIT
    if args.clips is not None and args.out is not None:
        for report_file in report_files(args.out):
            check_output_file(report_file, [args.clips], option="--out")


def run(args: argparse.Namespace) -> int:
    """SIGTERM (the GUI's Cancel, ``kill``, ``timeout``) stops as Ctrl+C does: the worker pool is shut down,
    "kws: interrupted", exit 130. Why: killed outright, the command would leave its workers idling with the
    caller's output pipes open, and its temporary folders behind (exit handlers never run)."""
    with sigterm_as_interrupt():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from workbench.core.atomic_write import check_destination
    from workbench.core.errors import SettingsError
    from workbench.core.model.model_file import load_model
    from workbench.core.model.model_input import graph_input_range_problem
    from workbench.evaluation.comparison import compare_results
    from workbench.evaluation.clip_scores import EvaluationCancelled
    from workbench.evaluation.evaluate import check_model_input, clips_for_split, evaluate_model
    from workbench.evaluation.clip_predictions import clips_of_predictions
    from workbench.evaluation.report import full_summary, results_document, write_report
    from workbench.cli.measure.run_validation import run_validation

    if args.workers is not None and args.workers < 1:
        raise SettingsError(f"--workers must be at least 1, not {args.workers}.")
    if args.trim_db < 0:
        raise SettingsError(f"--trim-db must be 0 or more, not {args.trim_db:g}.")
    _check_clip_options(args)
    if args.out is not None:
        check_destination(args.out, folder=True)
    models = [load_model(path) for path in [args.model, *args.compare]]
    for model in models:  # a model the frontend cannot feed is refused before the dataset is scanned
        check_model_input(model)
    progress = ScoringProgress(args.progress, len(models))
    for model in models:  # before the minutes of scoring: its figures would be of a clipped spectrogram
        if clipped := graph_input_range_problem(model.graph):
            progress.warn(f"{model.name}: {clipped}")
    unreadable: list[tuple[Path, str]] = []
    own = run_validation(args.model, args.dataset) if args.split == VALIDATION_SPLIT and args.clips is None else None
    if own is not None and own.note:  # before the minutes of scoring: these are not the run's validation clips
        progress.warn(own.note)
    if args.clips is not None:
        clips, description = clips_of_predictions(args.clips), f"the clips listed in {args.clips}"
    elif own is not None and own.clips is not None:
        clips, description, unreadable = own.clips, own.description, own.unreadable
    else:
        index = load_index(args.dataset, args)
        clips, description = clips_for_split(index, args.split), _describe(args, index)
        unreadable = list(index.unreadable)
    cancel = threading.Event()
    results = []
    for number, model in enumerate(models):
        progress.start(model.name, number)
        try:
            with cancel_on_signals(cancel):  # a flag the scoring loop polls, never an exception inside the pool
                results.append(evaluate_model(model, clips, progress=progress.update, cancel=cancel,
                                              workers=args.workers, trim_db=args.trim_db, description=description,
                                              unreadable=unreadable))
        except (KeyboardInterrupt, EvaluationCancelled):
            cancel.set()
            progress.finish()
            print("kws: interrupted", file=sys.stderr)
            return EXIT_CANCELLED
        finally:
            progress.finish()
    result = results[0]
    comparisons = [compare_results(other, result, files=(path, args.model))
                   for other, path in zip(results[1:], args.compare)]
    notes: list[str] = []  # PNGs that could not be drawn: the rest of the report is written all the same
    if args.format == "json":  # first: a folder that cannot be written (deleted meanwhile) must not cost the figures
        print(json.dumps(results_document(result, comparisons)))
    else:
        print(full_summary(result, comparisons), end="")
    sys.stdout.flush()  # the warning comes last, after the report, where a person still sees it
    if args.out is not None:
        written = write_report(result, args.out, plots=not args.no_plots, comparisons=comparisons, notes=notes)
        progress.say(f"wrote {counted(len(written), 'file')} to {args.out}")
    for note in notes:
        progress.warn(note)
    return 0
