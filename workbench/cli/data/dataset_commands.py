"""``kws dataset info`` and ``kws dataset download``: what a dataset holds, and fetching the official one
(``kws dataset synth`` and ``kws dataset voices`` live in :mod:`workbench.cli.data.synth_commands`).

``info`` scans one or more dataset folders (merged, as training would use them) and prints the clips
per class as a model with the given keywords sees them (keywords, ``_unknown_`` for every other word,
``_silence_``) in each split, the speakers per split, the total duration and every file that cannot be
read; a synthetic build that did not finish gets a warning. Without ``--keywords`` a synthetic dataset's own
words (its ``synth.json``) are the keywords, with a line saying so: counted as yes/no, a set made for other
words shows its negatives as keywords. After the tables come warnings about the split (keywords with few
training clips, classes missing from validation or testing, speakers in two splits); ``--spec`` adds the samples
a ``kws train`` run with that spec would plan (:mod:`workbench.cli.data.dataset_plan`: its keywords, unless
``--keywords``), ``--check`` reads every clip for silent, clipped, short and other-format ones
(:mod:`workbench.cli.data.info_warnings`). ``download`` fetches a catalog dataset (resumable, verified,
extracted all-or-nothing).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, TextIO

from workbench.cli.command_list import summary
from workbench.child_command import EXIT_CANCELLED
from workbench.cli.cancel_signals import sigterm_as_interrupt
from workbench.cli.progress_bar import ProgressBar, human_bytes
from workbench.core.errors import SettingsError, closest_name
from workbench.core.wording import clock_time, counted, plural
from workbench.documentation import TRAINING, PathKeepingHelpFormatter, see
from workbench.cli.data.synth_commands import register_synth_commands
from workbench.datasets.splits import (
    DEFAULT_TESTING_PERCENT,
    DEFAULT_VALIDATION_PERCENT,
    HASH_METHOD,
    NOHASH_MARK,
    SPLIT_METHODS,
    SPLITS,
)
from workbench.datasets.dataset_defaults import DEFAULT_KEYWORDS

if TYPE_CHECKING:
    from workbench.datasets.summary import DatasetSummary

MAX_WORDS_LISTED = 6
EXTRACT_PHASE = "extract"  # as workbench.datasets.archive reports it (imported lazily there: it is not small)
_PHASE_LABELS = {"download": "downloading", "verify": "checking SHA-256", EXTRACT_PHASE: "extracting"}


def keyword_list(text: str) -> list[str]:
    """``yes,no`` → ``["yes", "no"]``."""
    return [word.strip() for word in text.split(",") if word.strip()]


def add_split_options(parser: argparse.ArgumentParser) -> None:
    """The split options shared by the commands that read datasets."""
    parser.add_argument("--validation-percent", type=float, default=DEFAULT_VALIDATION_PERCENT,
                        help=f"validation share when the dataset has no lists (default {DEFAULT_VALIDATION_PERCENT:g})")
    parser.add_argument("--testing-percent", type=float, default=DEFAULT_TESTING_PERCENT,
                        help=f"testing share when the dataset has no lists (default {DEFAULT_TESTING_PERCENT:g})")
    parser.add_argument("--split-method", choices=SPLIT_METHODS, default=HASH_METHOD,
                        help="without split lists: 'hash' = Speech Commands' hash of the speaker (default); "
                        "'stratified' = whole speakers placed so every word gets the percentages (for subsets "
                        "picked by that hash)")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "dataset", help=summary("dataset"),
        description="Datasets use the Speech Commands layout: one folder per word, <speaker>_nohash_<n>.wav, "
        "_background_noise_/, optional validation_list.txt/testing_list.txt.")
    sub = p.add_subparsers(title="dataset commands", metavar="ACTION", parser_class=type(p))
    sub.required = True

    info = sub.add_parser(
        "info", help="clips per class and split, speakers, duration, unreadable files",
        formatter_class=PathKeepingHelpFormatter,
        description="Scan dataset folders (several are merged, as training merges them) and show the clips "
        "per class as a model with these keywords sees them, per split, plus speakers, total duration and "
        "the files that cannot be read (listed, skipped), then warnings: keywords with few training clips, classes "
        "without validation or testing clips, speakers in more than one split. " + see(TRAINING))
    info.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="dataset folder")
    info.add_argument("--keywords", type=keyword_list,
                      help=f"comma-separated keywords (default: the words a synthetic dataset was made for, from "
                      f"its synth.json, else {','.join(DEFAULT_KEYWORDS)}); other words count as _unknown_")
    info.add_argument("--words", action="store_true", help="also list the clips of every word folder")
    info.add_argument("--spec", metavar="SPEC", help="also show the samples a kws train run with this spec (a shipped "
                      "name such as default, or a .toml file) would plan per class and split: its re-split, "
                      "_unknown_ and _silence_ shares and caps applied; its keywords unless --keywords")
    info.add_argument("--check", action="store_true", help="read every clip and list the silent, clipped, too short "
                      "(under half the model's input) and other-rate or multi-channel ones")
    info.add_argument("--json", action="store_true", help="print the figures as JSON")
    add_split_options(info)
    info.set_defaults(func=run_info)

    dl = sub.add_parser(
        "download", help="download and unpack an official dataset",
        description="Download a dataset archive (resumes after a dropped connection or Ctrl+C: run it again), "
        "check its SHA-256, and unpack it into DEST all-or-nothing. The archive is saved beside DEST while "
        "downloading and deleted afterwards unless --keep-archive.")
    from workbench.datasets.install import CATALOG

    dl.add_argument("name", choices=sorted(CATALOG), help="dataset to download")
    dl.add_argument("--dest", type=Path, required=True, help="new folder to unpack the dataset into")
    dl.add_argument("--url", help="download from this URL instead (a mirror of the same archive)")
    dl.add_argument("--sha256", help="expected SHA-256 of the archive (default: the published checksum)")
    dl.add_argument("--keep-archive", action="store_true", help="keep the downloaded archive")
    dl.set_defaults(func=run_download)
    register_synth_commands(sub)  # synth and voices


# -- info ------------------------------------------------------------------------------------------

def _words_cell(words: list[str]) -> str:
    if len(words) <= MAX_WORDS_LISTED:
        return ", ".join(words)
    return f"{len(words)} words: " + ", ".join(words[:MAX_WORDS_LISTED]) + ", ..."


def speakers_without_id(index: Any) -> int:
    """How many speakers the word clips without a ``_nohash_`` speaker id make: one per file name (stem), as
    :func:`workbench.datasets.layout.speaker_of` groups them for the split."""
    from workbench.datasets.layout import SILENCE

    return len({clip.speaker for clip in index.clips if clip.word != SILENCE and NOHASH_MARK not in clip.path.name})


def _speakers_note(summary: DatasetSummary, anonymous_speakers: int | None) -> str:
    """What the speaker count makes of clips without a speaker id ("" when every clip has one).

    Why say it: such clips are grouped by file name, so ``left/rec00.wav`` and ``right/rec00.wav`` are one
    speaker -- the rule that keeps them in one split -- and the count is lower than the clips suggest."""
    clips = summary.clips_without_speaker_id
    if not clips:
        return ""
    into = f" into {counted(anonymous_speakers, 'speaker')}" if anonymous_speakers is not None else ""
    return (f" ({counted(clips, 'clip')} without a {NOHASH_MARK} speaker id {plural(clips, 'is', 'are')} grouped by "
            f"file name{into}: the same name in several word folders counts as one speaker)")


def render_summary(summary: DatasetSummary, keywords_note: str = "", anonymous_speakers: int | None = None) -> str:
    """The text ``kws dataset info`` prints; ``keywords_note`` says where the keywords came from,
    ``anonymous_speakers`` how many speakers the clips without a speaker id make (:func:`speakers_without_id`)."""
    lines = []
    for root in summary.roots:
        lines.append(f"{root}  ({summary.split_rules.get(root, 'no split rule')})")
    if keywords_note:
        lines.append(keywords_note)
    lines.append(f"{counted(summary.clips, 'clip')} ({clock_time(summary.duration_s)}), "
                 f"{counted(summary.speakers['total'], 'speaker')}" + _speakers_note(summary, anonymous_speakers))
    lines.append(f"background noise: {counted(summary.background_files, 'file')} "
                 f"({clock_time(summary.background_duration_s)})")
    lines.append("")
    header = f"{'class':<14}" + "".join(f"{s:>12}" for s in SPLITS) + f"{'total':>9}  words"
    lines.append(header)
    lines.append("-" * len(header))
    for item in summary.classes:
        lines.append(f"{item.label:<14}" + "".join(f"{item.counts[s]:>12}" for s in SPLITS)
                     + f"{item.total:>9}  {_words_cell(item.words)}")
    totals = {s: sum(item.counts[s] for item in summary.classes) for s in SPLITS}
    lines.append(f"{'all clips':<14}" + "".join(f"{totals[s]:>12}" for s in SPLITS) + f"{summary.clips:>9}")
    lines.append(f"{'speakers':<14}" + "".join(f"{summary.speakers[s]:>12}" for s in SPLITS)
                 + f"{summary.speakers['total']:>9}")
    if summary.unreadable:
        lines.append("")
        unreadable = len(summary.unreadable)
        lines.append(f"{counted(unreadable, 'file')} cannot be read and {plural(unreadable, 'is', 'are')} skipped:")
        lines += [f"  {entry['path']}: {entry['reason']}" for entry in summary.unreadable]
    return "\n".join(lines) + "\n"


def render_words(summary: DatasetSummary) -> str:
    header = f"{'word':<18}" + "".join(f"{s:>12}" for s in SPLITS)
    rows = [header, "-" * len(header)]
    rows += [f"{word:<18}" + "".join(f"{counts[s]:>12}" for s in SPLITS) for word, counts in summary.words.items()]
    return "\n".join(rows) + "\n"


def load_index(dirs: list[Path], args: argparse.Namespace, note_unreadable: bool = True) -> Any:
    """Scan and merge the dataset folders with the split options of ``args``.

    WAVs cut short count as unreadable here (``check_truncation``): the clips these commands count are the
    clips that can be decoded. ``note_unreadable``: say on stderr how many files cannot be read (a command that
    uses the clips, such as ``kws evaluate``, would otherwise leave them out without a word; ``kws dataset
    info`` lists them itself).
    """
    from workbench.datasets.layout import merge_datasets, scan_dataset

    indexes = [scan_dataset(d, validation_percent=args.validation_percent, testing_percent=args.testing_percent,
                            split_method=args.split_method, check_truncation=True) for d in dirs]
    index = merge_datasets(indexes)
    if note_unreadable and index.unreadable:
        print(f"kws: note: {counted(len(index.unreadable), 'file')} in the dataset folders cannot be read and "
              f"{plural(len(index.unreadable), 'is', 'are')} skipped "
              f"(kws dataset info lists them)", file=sys.stderr)
    return index


def info_keywords(args: argparse.Namespace) -> tuple[list[str], list[Path]]:
    """The keywords ``kws dataset info`` counts, and the synthetic datasets they were taken from ([] when the
    user chose them with --keywords, or no folder is synthetic: the defaults)."""
    from workbench.datasets.synthetic import datasets_keywords

    if args.keywords is not None:  # the user's choice wins
        return list(args.keywords), []
    keywords, sources, problems = datasets_keywords(args.dirs)
    for problem in problems:  # a damaged manifest: say so, rather than count yes/no as if they were its words
        print(f"kws: warning: {problem}: its words are not known, so {', '.join(keywords or DEFAULT_KEYWORDS)} "
              "are counted as keywords; choose them with --keywords", file=sys.stderr)
    return (keywords, sources) if keywords else (list(DEFAULT_KEYWORDS), [])


def keywords_note(keywords: list[str], sources: list[Path]) -> str:
    """The line saying the keywords are a synthetic dataset's own words (empty when they are not)."""
    if not sources:
        return ""
    which = ", ".join(str(s) for s in sources)
    were, manifests = ("was", "its synth.json") if len(sources) == 1 else ("were", "their synth.json files")
    return (f"keywords: {', '.join(keywords)} -- the words {which} {were} synthesised for ({manifests}); "
            "choose others with --keywords")


def unfinished_builds(dirs: list[Path]) -> list[Path]:
    """The folders that hold an unfinished synthetic build, each said on stderr as a warning: counted as they
    are, they would look like an ordinary, smaller dataset."""
    from workbench.datasets.synthetic import unfinished_build

    found = []
    for folder in dirs:
        note = unfinished_build(folder)
        if note:
            print(f"kws: warning: {note}", file=sys.stderr)
            found.append(folder)
    return found


def check_keywords_found(keywords: list[str], words: Collection[str], dirs: list[Path]) -> None:
    """Refuse a --keywords word that names no word folder with clips (``YES`` for ``yes``, a typo), with the
    closest word. Why: counted anyway, it is a class of 0 clips beside an exit 0, and ``kws train`` refuses
    the same keyword; the classes that are no words (``_silence_``, ``_unknown_``) are left to the summary."""
    from workbench.datasets.summary import normalise_keywords

    for keyword in normalise_keywords(keywords):
        if keyword in words:
            continue
        close = closest_name(keyword, words)
        hint = f" (did you mean {close}?)" if close else ""
        raise SettingsError(f"No word folder {keyword!r} with clips in {', '.join(str(d) for d in dirs)}{hint}: "
                            "choose --keywords among the dataset's words (kws dataset info DIR --words lists them).")


def run_info(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Exit 0, or 130 when Ctrl+C or SIGTERM stopped ``--check`` (what it read so far is printed)."""
    from workbench.cli.data.dataset_plan import info_spec, render_plan
    from workbench.cli.data.info_warnings import check_index_clips, info_warnings, render_warnings
    from workbench.core.frontend_settings import FrontendSettings
    from workbench.datasets.summary import dataset_summary

    out = out or sys.stdout
    spec = info_spec(args.spec, args.keywords) if args.spec else None  # --keywords refused as kws train refuses them
    if spec is not None and args.keywords is None:  # the spec's keywords, as kws train takes them
        keywords, sources = list(spec.data.keywords), []
    else:
        keywords, sources = info_keywords(args)
    unfinished = unfinished_builds(args.dirs)
    index = load_index(args.dirs, args, note_unreadable=False)
    if args.keywords is not None:  # the user's words; a synthetic set's own are its folders' names
        check_keywords_found(keywords, index.words(), args.dirs)
    summary = dataset_summary(index, keywords)
    plan = _info_plan(spec, index, args)
    defaults = keywords if args.keywords is None and not sources and spec is None else []
    warnings = info_warnings(index, summary, plan, defaults)
    frontend = spec.frontend if spec is not None else FrontendSettings()  # the frontend --check measures against
    if args.json:
        report = check_index_clips(index, frontend) if args.check else None
        document = {**summary.to_dict(), "keywords_from": [str(s) for s in sources],
                    "unfinished_builds": [str(d) for d in unfinished], "plan": plan.to_dict() if plan else None,
                    "warnings": [w.to_dict() for w in warnings], "clip_check": report.to_dict() if report else None}
        out.write(json.dumps(document, indent=2) + "\n")
        return _check_status(report)
    out.write(render_summary(summary, keywords_note(keywords, sources), speakers_without_id(index)))
    if args.words:
        out.write("\n" + render_words(summary))
    if plan is not None:
        out.write("\n" + render_plan(plan))
    out.flush()  # the tables stand while --check reads every clip
    report = check_index_clips(index, frontend) if args.check else None
    out.write(render_warnings(warnings, report))
    return _check_status(report)


def _info_plan(spec: Any, index: Any, args: argparse.Namespace) -> Any:
    """The plan of ``--spec`` for the datasets (None without it), the index reused when the run would scan alike."""
    if spec is None:
        return None
    from workbench.cli.data.dataset_plan import plan_for_info, training_index

    split = (args.validation_percent, args.testing_percent, args.split_method)
    return plan_for_info(spec, training_index(args.dirs, spec.data, index, split))


def _check_status(report: Any) -> int:
    return EXIT_CANCELLED if report is not None and not report.complete else 0


# -- download --------------------------------------------------------------------------------------

class _DownloadProgress:
    """Routes the phases of an install to one progress bar each."""

    def __init__(self) -> None:
        self.phase = ""
        self.bar: ProgressBar | None = None

    def __call__(self, report: Any) -> None:
        if report.phase != self.phase:
            self.close()
            self.phase = report.phase
            self.bar = ProgressBar(_PHASE_LABELS.get(report.phase, report.phase), unit="bytes")
            if report.phase == "download" and report.resumed_from:
                print(f"resuming after {human_bytes(report.resumed_from)}", file=sys.stderr)
        assert self.bar is not None
        self.bar.update(report.done_bytes, report.total_bytes)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.finish()
            self.bar = None


def run_download(args: argparse.Namespace) -> int:
    """SIGTERM (``kill``, ``timeout``, the GUI stopping a child) stops as Ctrl+C does: the partial download (or
    the archive being unpacked) is kept, the message says so, exit 130. Why: killed outright, the command
    would end with no word and no temporary folder cleaned up."""
    with sigterm_as_interrupt():
        return _run_download(args)


def _run_download(args: argparse.Namespace) -> int:
    from workbench.datasets.install import install_dataset, source_named

    source = source_named(args.name)
    progress = _DownloadProgress()
    if not args.url:
        print(f"{source.name}: {human_bytes(source.size_bytes)} from {source.url}", file=sys.stderr)
    try:
        result = install_dataset(args.name, args.dest, url=args.url, sha256=args.sha256,
                                 keep_archive=args.keep_archive, progress=progress)
    except KeyboardInterrupt:
        progress.close()
        if progress.phase == EXTRACT_PHASE:
            print(f"kws: interrupted: the extraction was cancelled and nothing was unpacked into {args.dest}; "
                  "the downloaded archive is kept, so running the same command again only unpacks it",
                  file=sys.stderr)
        else:
            print("kws: interrupted: the partial download is kept; run the same command again to resume",
                  file=sys.stderr)
        return EXIT_CANCELLED
    finally:
        progress.close()
    if result.already_installed:
        print(f"{result.dest} already holds {source.name}; nothing to do")
        return 0
    kept = f"; archive kept as {result.archive}" if result.archive else ""
    print(f"{source.name} is ready in {result.dest}{kept} ({source.credit})")
    return 0
