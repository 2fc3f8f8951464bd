"""``kws stream make`` / ``kws stream check``: labelled test streams for ``kws calibrate``.

``make`` lays keywords, other words and silences from a dataset folder (Speech Commands layout, the
user's own takes) over background noise, in a seeded order, and writes the WAV with its labels as
JSON and CSV; ``--background-only`` writes noise alone (no events). Its split options are ``kws evaluate``'s and
``kws dataset info``'s (one helper): a "held-out" stream holds speakers the training never used only when it is
split with the percentages and method the training used. Without ``--keywords`` a synthetic dataset's own words
(its ``synth.json``) are the keywords, as ``kws dataset info`` takes them. ``check``
(:mod:`workbench.cli.data.stream_check_command`) validates a recording's labels and prints what it holds, so a bad
labels file is found before a calibration. Ctrl-C or SIGTERM stops ``make`` cleanly ("kws: interrupted", exit
code 130) with nothing written: the files are written together at the end.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from workbench.cli.command_list import summary
from workbench.calibration.progress_output import PROGRESS_MODES, ProgressOutput
from workbench.calibration.streams.recipe_defaults import (
    ALL_SPLITS, KEYWORDS_PER_HOUR, LEVEL_RAMP_S, MAX_BOOST_DB, PEAK_LIMIT, SILENCE_PER_HOUR, SNR_FILE, SNR_REFERENCES,
    SNR_WORD, UNKNOWN_PER_HOUR, whole_clip_hourly_counts,
)
from workbench.child_command import EXIT_CANCELLED
from workbench.cli.cancel_signals import cancel_on_signals
from workbench.cli.data.dataset_commands import add_split_options, info_keywords, keyword_list, keywords_note
from workbench.cli.data.stream_check_command import run_check
from workbench.cli.model_argument import model_argument
from workbench.core.errors import SettingsError
from workbench.core.wording import counted, plural

if TYPE_CHECKING:
    from workbench.calibration.streams.stream_builder import ClipPools

SPLIT_CHOICES = ("testing", "validation", "training", ALL_SPLITS)
DEFAULT_BACKGROUND_LEVEL_DBFS = -40.0
MS_PER_S = 1000.0
MAX_WORDS_NAMED = 8  # words of the split named when the default keywords are not among them
# the defaults of options that are None when not given, so that a conflict can be told from a default
DEFAULTS = {"minutes": 10.0, "gap_s": "0.3:1.2", "gain_db": "-3:3", "snr_db": "20:40",
            "split": "testing", "level_dbfs": DEFAULT_BACKGROUND_LEVEL_DBFS, "snr_reference": SNR_WORD}
# options a --background-only stream (noise alone) has no use for, by their argparse names (--split may stay:
# the dataset's noise, which it then uses, belongs to every split)
WORDS_ONLY = ("keywords", "keyword_count", "unknown_count", "silence_count", "gap_s", "gain_db", "snr_db",
              "snr_reference", "trim_clips", "no_noise")


def _float_range(text: str, what: str) -> tuple[float, float]:
    parts = str(text).split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise SettingsError(f"{what} must be LOW:HIGH or one number, got {text!r}") from None
    if len(values) == 1:
        values = values * 2
    if len(values) != 2:
        raise SettingsError(f"{what} must be LOW:HIGH or one number, got {text!r}")
    return values[0], values[1]


def _mix_text() -> str:
    """The default mix in words: issue 16's proportions, and what an hour of whole clips really holds."""
    hourly = whole_clip_hourly_counts(_float_range(DEFAULTS["gap_s"], "--gap-s"))
    return (f"keywords : other words : silences in the proportions {KEYWORDS_PER_HOUR:,} : {UNKNOWN_PER_HOUR:,} : "
            f"{SILENCE_PER_HOUR:,} (dense speech, the mix kws calibrate's default target is meant for): whole "
            f"one-second clips {DEFAULTS['gap_s'].replace(':', '-')} s apart fit about {sum(hourly):,} items an "
            f"hour, about {hourly[0]:,} : {hourly[1]:,} : {hourly[2]:,}, and --trim-clips about a third more")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("stream", help=summary("stream"),
                              description="Build labelled test streams, or check a recording's labels.")
    sub = p.add_subparsers(title="stream commands", metavar="ACTION", parser_class=type(p))
    make = sub.add_parser(
        "make", help="build a labelled stream from a dataset folder",
        description="Lay keyword clips, other-word clips and silences from a dataset folder (one folder per "
        "word) in a seeded random order with random gaps and gains over background noise at random "
        "SNRs, and write OUT.wav with OUT.json and OUT.csv labels. Without counts the stream is MINUTES "
        f"long, with {_mix_text()}; with --keyword-count the stream is sized by its keywords instead, in the same "
        "proportions.")
    make.add_argument("--dataset", type=Path, action="append", default=[], metavar="DIR",
                      help="dataset folder (repeat for several)")
    make.add_argument("--out", type=Path, required=True, help="the WAV to write (labels go beside it)")
    make.add_argument("--keywords", type=keyword_list,
                      help="keyword words of the dataset, comma-separated (default: the words a synthetic dataset "
                      "was made for, from its synth.json, else yes,no)")
    make.add_argument("--minutes", type=float, help="length of the stream (default 10); with only "
                      "--unknown-count or --silence-count given it sizes the other counts")
    make.add_argument("--keyword-count", type=int, help="exact number of keywords, instead of --minutes: the "
                      "other words and silences keep the proportions above unless counted too")
    make.add_argument("--unknown-count", type=int, help="exact number of other words")
    make.add_argument("--silence-count", type=int, help="exact number of silence clips")
    make.add_argument("--gap-s", metavar="LOW:HIGH", help="seconds between clips (default 0.3:1.2)")
    make.add_argument("--gain-db", metavar="LOW:HIGH",
                      help="gain of each clip in dB (default -3:3); a clip's gain stops where its peak reaches "
                      f"{PEAK_LIMIT:g} of full scale, so loud clips can stay below LOW (a warning says how many)")
    make.add_argument("--snr-db", metavar="LOW:HIGH", help="speech-to-noise ratio in dB (default 20:40), drawn for "
                      "each item; see --snr-reference")
    make.add_argument("--snr-reference", choices=SNR_REFERENCES,
                      help=f"what the SNR is measured against: {SNR_WORD} (default) the noise under each labelled "
                      f"word, so every word's SNR is the one drawn (where the noise is nearly silent under a word "
                      f"it is raised by at most {MAX_BOOST_DB:g} dB, and that word gets more SNR than asked); only "
                      f"the noise under the words is set so: the gaps, lead-in, tail and silences keep the "
                      f"{SNR_FILE} level (the speech level less the SNR, against each noise file's overall level), "
                      f"ramped to each word's level within {LEVEL_RAMP_S * MS_PER_S:g} ms outside the word; "
                      f"{SNR_FILE} each noise file's overall level, so the noise keeps its own loud and quiet "
                      "moments and a word's SNR can be many dB off (how streams were made before this option: "
                      "the same seed gives the same WAV)")
    make.add_argument("--trim-clips", action="store_true",
                      help="cut each clip to its spoken word, so the gaps separate words (a denser stream "
                      "than the default, whose gaps separate whole one-second clips: about a third more items an "
                      "hour with Speech Commands words)")
    make.add_argument("--no-noise", action="store_true", help="no background noise between and under the words")
    make.add_argument("--noise", type=Path, action="append", default=[], metavar="FILE",
                      help="noise recording to use instead of the dataset's _background_noise_ (repeat)")
    make.add_argument("--split", choices=SPLIT_CHOICES,
                      help="which clips: a split of the dataset (default testing: speakers training never "
                      "used, when --validation-percent, --testing-percent and --split-method are the ones the "
                      "model's training used) or all")
    add_split_options(make)
    make.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    make.add_argument("--background-only", action="store_true",
                      help="write noise only (no words, no events) for background false accepts")
    make.add_argument("--level-dbfs", type=float,
                      help=f"with --background-only: RMS level (default {DEFAULT_BACKGROUND_LEVEL_DBFS:g} dBFS, at "
                      "most 0); samples that clip are counted in a note")
    make.add_argument("--progress", choices=PROGRESS_MODES, default="text", help="progress on stderr")
    make.set_defaults(func=run_make)

    check = sub.add_parser("check", help="check a recording's labels file",
                           description="Check that a labels file (JSON, CSV or Audacity .txt) fits its "
                           "recording (and, with --model, a model's classes) and print what it holds.")
    check.add_argument("audio", type=Path, help="the recording")
    check.add_argument("--labels", type=Path,
                       help="its labels (default: the recording's name with .json, .csv or .txt)")
    check.add_argument("--model", type=model_argument, help="check the labels against this model's classes and "
                       "input window (default: no model; the keywords are the ones kws stream make recorded in "
                       "the labels JSON, else the keyword labels used)")
    check.set_defaults(func=run_check)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def run_make(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Build and write a stream. SIGINT and SIGTERM set a flag the build and the writing poll, so either signal
    stops it with nothing written (one arriving while the files are renamed into place waits for them: they
    belong together)."""
    from workbench.calibration.replay import CalibrationCancelled
    from workbench.calibration.streams.stream_files import check_stream_destination, write_stream
    from workbench.core.detection.detector import is_keyword_class

    out = out or sys.stdout
    _check_options(args)
    check_stream_destination(args.out)
    cancel = threading.Event()
    progress = ProgressOutput(args.progress)
    with cancel_on_signals(cancel):
        try:
            built = _build(args, cancel, progress)
            if cancel.is_set():
                raise CalibrationCancelled("stream building cancelled")
            written = write_stream(built, args.out, lambda f: progress("building", f), cancel)
        except CalibrationCancelled:
            written = None
        finally:
            progress.finish()
    if written is None:
        print("kws: interrupted: no stream was written", file=sys.stderr)
        return EXIT_CANCELLED
    wav, json_path, csv_path = written
    counts = built.labels.label_counts()
    keywords = {k: v for k, v in counts.items() if is_keyword_class(k)}
    summary = ", ".join(f"{k} {v}" for k, v in sorted(keywords.items()))
    out.write(f"wrote {wav} ({built.duration_s:.1f} s: {counted(sum(keywords.values()), 'keyword')}"
              + (f" ({summary})" if summary else "")
              + f", {counted(counts.get('_unknown_', 0), 'other word')}, "
              f"{counted(counts.get('_silence_', 0), 'silence')})"
              + f" with labels {json_path.name} and {csv_path.name}\n")
    if built.clipped_samples:
        clipped = built.clipped_samples
        out.write(f"note: {counted(clipped, 'sample')} reached full scale and {plural(clipped, 'was', 'were')} "
                  "clipped\n")
    _warn_reuse(built.info, _given(args, "split"))
    _warn_peak_limited(built.info, _given(args, "gain_db"))
    _warn_snr_boosted(built.info)
    return 0


def _given(args: argparse.Namespace, name: str) -> Any:
    """The option's value, or its default when it was not given."""
    value = getattr(args, name)
    return DEFAULTS[name] if value is None else value


def _check_options(args: argparse.Namespace) -> None:
    """One sentence for options that contradict each other or would be silently ignored."""
    if args.background_only:
        ignored = [name for name in WORDS_ONLY if getattr(args, name) not in (None, False)]
        if ignored:
            raise SettingsError(f"--{ignored[0].replace('_', '-')} has no use with --background-only, which writes "
                                "noise alone (no words); leave it out")
        return
    if args.level_dbfs is not None:
        raise SettingsError("--level-dbfs sets the level of a --background-only stream; a stream of words takes "
                            "its noise level from the words and --snr-db")
    if args.keyword_count is not None and args.minutes is not None:
        raise SettingsError("--keyword-count sizes the stream by its keywords and --minutes by its length; give "
                            "one of them")
    if args.no_noise and (args.noise or args.snr_db is not None or args.snr_reference is not None):
        option = "--noise" if args.noise else "--snr-db" if args.snr_db is not None else "--snr-reference"
        raise SettingsError(f"--no-noise builds the stream without noise, so {option} has no use; leave out one "
                            "of them")


def _build(args: argparse.Namespace, cancel: threading.Event, progress: ProgressOutput) -> Any:
    """The stream ``make``'s options describe (background only, or from datasets): laid out and labelled, its
    audio made as it is written. The layout polls ``cancel``."""
    from workbench.calibration.streams.stream_builder import StreamRecipe, build_stream
    from workbench.calibration.streams.stream_files import make_background_stream, pools_from_datasets

    minutes = _given(args, "minutes")
    if args.background_only:
        dataset_noise = pools_from_datasets(args.dataset, (), ALL_SPLITS).noise if args.dataset else []
        noise = list(args.noise) or list(dataset_noise)
        return make_background_stream(noise, minutes, _given(args, "level_dbfs"), args.seed)
    if not args.dataset:
        raise SettingsError("give a dataset folder with --dataset")
    # kws dataset info's choice of keywords, so both commands take the same words from the same folders
    keywords, sources = info_keywords(argparse.Namespace(keywords=args.keywords, dirs=args.dataset))
    if sources:  # said first: a build that fails then fails on these words
        print(f"kws: note: {keywords_note(keywords, sources)}", file=sys.stderr)
    recipe = StreamRecipe(
        keywords=tuple(keywords), minutes=minutes,
        keyword_count=args.keyword_count, unknown_count=args.unknown_count, silence_count=args.silence_count,
        gap_s=_float_range(_given(args, "gap_s"), "--gap-s"),
        gain_db=_float_range(_given(args, "gain_db"), "--gain-db"),
        snr_db=None if args.no_noise else _float_range(_given(args, "snr_db"), "--snr-db"),
        split=_given(args, "split"), seed=args.seed, whole_clips=not args.trim_clips,
        snr_reference=_given(args, "snr_reference"))
    pools = pools_from_datasets(args.dataset, recipe.keywords, recipe.split, args.split_method, args.noise,
                                validation_percent=args.validation_percent, testing_percent=args.testing_percent)
    if args.keywords is None and not sources:
        _check_default_keywords(pools, recipe.split, args.dataset)
    return build_stream(recipe, pools, progress=lambda f: progress("building", f), cancel=cancel)


def _check_default_keywords(pools: ClipPools, split: str, roots: list[Path]) -> None:
    """Refuse default keywords (yes,no) the datasets have no word folder of, saying they were the defaults: the
    builder's "no 'yes' clips" alone sends a user with a dataset of other words looking for clips it never meant
    to have. A keyword whose folder holds no clips of the split is left to the builder's words."""
    from workbench.calibration.streams.stream_builder import in_split_phrase
    from workbench.core.detection.detector import is_keyword_class

    missing = next((k for k, clips in pools.keywords.items()
                    if not clips and not any((root / k).is_dir() for root in roots)), None)
    if missing is None:
        return
    words = sorted({word for _, word in pools.unknown if is_keyword_class(word)})  # not an _unknown_ folder
    named = ", ".join(words[:MAX_WORDS_NAMED]) + (", ..." if len(words) > MAX_WORDS_NAMED else "")
    raise SettingsError(f"the dataset has no '{missing}' clips{in_split_phrase(split)}: without --keywords a "
                        f"stream's keywords are {','.join(pools.keywords)} (a synthetic dataset's own words come from "
                        "its synth.json); pass --keywords with the dataset's keywords"
                        + (f" (its words here: {named})" if words else ""))


def _warn_reuse(info: dict[str, Any], split: str) -> None:
    """Say on stderr when the pool was too small and clips repeat: the same take heard several times makes
    a stream easier (or harder) than its event count suggests."""
    reused, most = int(info.get("reused_clips", 0)), int(info.get("most_uses_of_a_clip", 0))
    if reused:
        where = "the dataset" if split == ALL_SPLITS else f"the {split} split"
        print(f"kws: warning: {counted(reused, 'clip')} {'was' if reused == 1 else 'were'} used more than once (one "
              f"up to {most} times): {where} holds fewer clips than the stream needs; make the stream shorter or add "
              "clips", file=sys.stderr)


def _warn_peak_limited(info: dict[str, Any], gain_db: str) -> None:
    """Say on stderr when the peak limit kept clips below the gain asked for: ``--gain-db 100:100`` is not
    refused, but the stream is not as loud as asked."""
    limited = int(info.get("peak_limited_clips", 0))
    if limited:
        clips = sum(int(info.get("counts", {}).get(k, 0)) for k in ("keywords", "unknown", "silence"))
        print(f"kws: warning: {limited} of {clips} clips are quieter than --gain-db {gain_db} asks: a clip's gain "
              f"stops where its peak reaches {PEAK_LIMIT:g} of full scale (no clipping)", file=sys.stderr)


def _warn_snr_boosted(info: dict[str, Any]) -> None:
    """Say on stderr when the noise was nearly silent under some words: they got more SNR than --snr-db asks."""
    boosted = int(info.get("snr_boosted_items", 0))
    if boosted:
        print(f"kws: warning: the noise is nearly silent under {counted(boosted, 'item')}, which "
              f"{plural(boosted, 'gets', 'get')} more SNR than --snr-db asks (the noise is raised by at most "
              f"{MAX_BOOST_DB:g} dB)", file=sys.stderr)
