"""``kws train``: train a keyword model on dataset folders.

TensorFlow is imported only when a training actually starts, so ``kws --help`` stays fast and works
without it; a missing TensorFlow is one clear sentence. With ``--progress jsonl`` stdout carries only
the JSON progress lines (anything TensorFlow prints goes to stderr), so the GUI and scripts can parse
it line by line; with ``--progress none`` only the finished model's path, and stderr the run's warnings
(a warning is not progress) and errors. Exit status: 0 finished, 130 stopped on request (resumable), 2 an
error.

``--preview-augmentation N`` trains nothing: it writes N of the run's first-epoch samples, augmented as the training
augments them, for the user to hear and see (:mod:`workbench.training.preview`, MLTK's ``data_dump_dir``). That path
needs no TensorFlow, so it is not asked for; with ``--progress none`` stdout gets the preview folder's path. Ctrl+C
(or SIGTERM) while it writes stops it between two samples: the samples written so far stay, listed by its index,
stderr says how many ("kws: interrupted: N of M samples written to DIR (index.csv lists them)") and the exit status is
130.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import shlex
import sys
from pathlib import Path
from typing import Any, Iterator, TextIO

from workbench.cli.command_list import summary
from workbench.child_command import EXIT_CANCELLED
from workbench.cli.model_argument import model_argument
from workbench.cli.stdout_routing import private_stdout
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.documentation import TRAINING, PathKeepingHelpFormatter, see

PROGRESS_MODES = ("bar", "jsonl", "none")
DEFAULT_SPEC = "tflite_micro_speech"
AUTO_WORKERS = 0  # TrainRequest.workers: one per CPU (a resumed run: the stored run's number)
CLI_PREFIX = "kws: "  # before a warning on stderr with --progress none, as the CLI's other warnings
FEATURES_ON_RAY = "--features-on-ray"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "train", help=summary("train"),
        formatter_class=PathKeepingHelpFormatter,
        description="Train a keyword-spotting model with the workbench's own frontend and MLTK's data rules "
        "(unknown words 3x and silence 0.2x the mean keyword count, balanced class weights, random offset, "
        "trimming, background noise), convert it to int8 with its parameters, choose its detection threshold "
        "on validation clips and evaluate it on the dataset's test split. The output folder is laid out like "
        "an MLTK model archive. Stop with Ctrl+C (or a file named STOP in the output folder): the run keeps "
        "its best checkpoint and continues with --resume. With --preview-augmentation N it trains nothing and writes "
        "N augmented samples to hear and see. " + see(TRAINING))
    p.add_argument("--dataset", action="append", default=[], metavar="DIR[:WEIGHT]",
                   help="dataset folder (one folder per word); repeat to merge several, WEIGHT (default 1) "
                   "counts that dataset's training clips more or less (an existing folder whose name ends in "
                   ":NUMBER is that folder; DIR:1 says so where it is not yet made)")
    p.add_argument("--out", type=Path, required=True, help="output folder for the model, logs and checkpoints")
    p.add_argument("--spec", help="model spec: a shipped name (see `kws specs`) or a .toml file (default: "
                   f"{DEFAULT_SPEC})")
    p.add_argument("--keywords", help="comma-separated keywords (default: the spec's, e.g. yes,no); other "
                   "keywords than the spec's own name the model after them too (SPEC_go_stop.tflite)")
    p.add_argument("--epochs", type=int, help="maximum number of epochs (default: the spec's; early stopping "
                   "usually ends sooner). With --resume and no more than the epochs done: finish now")
    p.add_argument("--seed", type=int, help="random seed (default: the spec's)")
    p.add_argument("--set", action="append", default=[], dest="settings", metavar="SECTION.SETTING=VALUE",
                   help="change one of the spec's settings for this run, as a spec file would (repeat for more): "
                   "augmentation.mask_share=0.5, training.learning_rate=0.0005, layers.1.filters=12; the "
                   "output's spec.toml records the result")
    p.add_argument("--init-from", metavar="MODEL", type=model_argument,
                   help="start from this model's weights (.h5, .keras, .mltk.zip or .tflite of the same spec, "
                   "or a bundled model's name)")
    p.add_argument("--progress", choices=PROGRESS_MODES, default="bar",
                   help="bar: a progress bar on stderr (default); jsonl: one JSON object per line on stdout; "
                   "none: no progress, only the finished model's path on stdout (and warnings and errors on "
                   "stderr)")
    p.add_argument("--mltk-zip", action="store_true", help="also write <name>.mltk.zip with the whole run")
    p.add_argument("--resume", action="store_true", help="continue the stopped run in --out")
    p.add_argument("--workers", type=int, help="feature worker processes, at least 1 (default: one per CPU; "
                   "with --resume: the stopped run's)")
    p.add_argument(FEATURES_ON_RAY, metavar="ADDRESS", help="compute the spectrograms as Ray tasks on the Ray "
                   "cluster at HOST:PORT (or 'auto') instead of --workers processes: every CPU of the cluster "
                   "works on them (needs the cluster extra; kws sweep passes it to trials with ray_features)")
    p.add_argument("--no-evaluate", action="store_true", help="skip the evaluation on the test split")
    p.add_argument("--preview-augmentation", type=int, metavar="N",
                   help="train nothing: write N samples of the run's first epoch, drawn and augmented as the training "
                   "draws and augments them, into --out's augmentation-preview folder: each as a WAV and its int8 "
                   "spectrogram (the model's input) as a PNG, index.csv with each sample's clip, class and drawn "
                   "transform values, and preview.json with the spec, --set changes and datasets previewed (needs no "
                   "TensorFlow)")
    p.set_defaults(func=run)


def _require_tensorflow() -> None:
    from workbench.training import TENSORFLOW_MISSING

    if importlib.util.find_spec("tensorflow") is None:
        raise WorkbenchError(TENSORFLOW_MISSING)


def _request(args: argparse.Namespace) -> Any:
    from workbench.training.run.run_request import DatasetArg, TrainRequest
    from workbench.training.spec.setting_paths import parse_assignment

    given = [option for option, value in (("--dataset", args.dataset), ("--spec", args.spec), ("--set", args.settings),
                                          ("--keywords", args.keywords), ("--seed", args.seed),
                                          ("--init-from", args.init_from)) if value not in (None, [])]
    if args.resume and given:  # said, not ignored: the user expects them to count
        raise SettingsError(f"{', '.join(given)}: a resumed run keeps what it started with (its datasets, spec and "
                            "--set changes, keywords, seed and starting weights); only --epochs, --workers and "
                            "--mltk-zip may change.")
    if args.epochs is not None and args.epochs < 0:
        raise SettingsError(f"--epochs must not be negative, got {args.epochs}.")
    if not args.resume and not args.dataset:
        raise SettingsError("Give at least one --dataset DIR (or --resume a stopped run).")
    if not args.resume and args.epochs == 0:
        raise SettingsError("--epochs 0 only makes sense with --resume (finish a stopped run).")
    if args.workers is not None and args.workers < 1:  # as kws evaluate says it; leave it out for one per CPU
        raise SettingsError(f"--workers must be at least 1, not {args.workers}.")
    if args.features_on_ray:
        _check_ray_address(args.features_on_ray)
    keywords = tuple(k.strip() for k in args.keywords.split(",") if k.strip()) if args.keywords else None
    init_from = str(args.init_from) if args.init_from else None
    return TrainRequest(datasets=tuple(DatasetArg.parse(d) for d in args.dataset), out=args.out,
                        spec=args.spec or DEFAULT_SPEC,
                        keywords=keywords, epochs=args.epochs, seed=args.seed, init_from=init_from,
                        resume=args.resume, mltk_zip=args.mltk_zip, workers=args.workers or AUTO_WORKERS,
                        evaluate=not args.no_evaluate, command=tuple(sys.argv[1:]),
                        settings=tuple(parse_assignment(text) for text in args.settings))


def _check_ray_address(address: str) -> None:
    """The address form the Ray session accepts, checked here so the sentence names this command's option
    (the session's own check names ``kws sweep --address``)."""
    from workbench.sweeps.on_ray.ray_session import AUTO

    _host, sep, port = address.rpartition(":")
    if address != AUTO and "://" not in address and not (sep and port.isdigit()):
        raise SettingsError(f"--features-on-ray must be 'auto' or HOST:PORT of the Ray head node, not {address!r}.")


@contextlib.contextmanager
def _stdout_for_progress(mode: str) -> Iterator[TextIO]:
    """The stream progress lines go to; with jsonl and none, everything else printed to stdout goes to stderr
    (stdout is the JSON lines', or the model path's printed after the run)."""
    if mode == "bar":
        yield sys.stderr
        return
    with private_stdout() as stream:  # TensorFlow's prints must not reach the JSON lines
        yield stream


@contextlib.contextmanager
def _feature_makers(ray_address: str | None) -> Iterator[Any]:
    """The run's feature maker factory: processes here, or Ray tasks on a cluster attached for the run."""
    from workbench.training.data.features import FeatureMaker

    if not ray_address:
        yield FeatureMaker
        return
    from workbench.sweeps.on_ray.ray_features import RayFeatureMaker
    from workbench.sweeps.on_ray.ray_session import AddressOption, ray_cluster

    with ray_cluster(ray_address, option=AddressOption(FEATURES_ON_RAY, "to compute them in processes here")):
        yield lambda settings, _workers: RayFeatureMaker(settings)


def _progress(mode: str, stream: TextIO) -> Any:
    """The run's Progress for ``--progress mode``, its lines on ``stream``."""
    from workbench.training.run.progress import BarProgress, JsonLinesProgress, Progress, WarningLines

    sink = {"jsonl": JsonLinesProgress(stream), "bar": BarProgress(stream),
            "none": WarningLines(sys.stderr, CLI_PREFIX)}[mode]  # none: a warning is not progress
    return Progress(sink)


def _preview(args: argparse.Namespace) -> int:
    """``--preview-augmentation N``: the samples written, nothing trained (module docstring)."""
    if args.resume:
        raise SettingsError("--preview-augmentation previews a new run, not a stopped one: give the stopped run's "
                            "--spec OUT/spec.toml and its --dataset options instead of --resume.")
    request = _request(args)
    from workbench.training.preview.preview_run import run_preview
    from workbench.training.run.cancel import CancelToken

    with _stdout_for_progress(args.progress) as stream:
        progress = _progress(args.progress, stream)
        try:
            outcome = run_preview(request, args.preview_augmentation, progress, CancelToken())
        except WorkbenchError as exc:
            progress.emit("error", "end", message=str(exc))
            raise
    if outcome.interrupted:
        if args.progress != "bar":  # (the bar said it as its last line)
            print(f"{CLI_PREFIX}{outcome.interrupted_text()}", file=sys.stderr)
        return EXIT_CANCELLED
    if args.progress == "none":  # where the files are, alone (as the model's path after a training)
        print(outcome.folder)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.preview_augmentation is not None:
        return _preview(args)
    _require_tensorflow()
    request = _request(args)
    from workbench.child_command import STOP_FILE_NAME
    from workbench.training.run.cancel import CancelToken
    from workbench.training.run.pipeline import run_training

    with _stdout_for_progress(args.progress) as stream:
        progress = _progress(args.progress, stream)
        cancel = CancelToken(stop_file=args.out / STOP_FILE_NAME)
        cancel.clear_stop_file()
        try:
            with cancel, _feature_makers(args.features_on_ray) as make_features:
                outcome = run_training(request, progress, cancel, make_features)
        except WorkbenchError as exc:
            progress.emit("error", "end", message=str(exc))
            raise
        finally:
            cancel.clear_stop_file(after_run=True)
    if outcome.status == "cancelled":
        print(f"kws: training stopped; resume with: kws train --out {shlex.quote(str(args.out))} --resume",
              file=sys.stderr)
        return EXIT_CANCELLED
    if args.progress == "none":  # the one line a script needs: where the model is, alone (model=$(kws train ...))
        print(outcome.model_path)
    return 0
