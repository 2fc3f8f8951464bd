"""The warnings ``kws dataset info`` prints after its tables, and its ``--check`` of every clip.

Why apart from the command: the warnings come from three places -- the dataset's split
(:mod:`workbench.datasets.split_checks`), the run's plan (``--spec``: the training's own warnings) and the clips
read one by one (:mod:`workbench.datasets.clip_checks`) -- and each needs its sentence, its list of paths (the
first :data:`MAX_PATHS_SHOWN` of a kind, then a count: ``--json`` lists them all) and, for the check, a progress
bar and a clean stop on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import sys
import threading
from typing import Sequence, TextIO

from workbench.cli.cancel_signals import cancel_on_signals
from workbench.cli.data.dataset_plan import InfoPlan
from workbench.cli.progress_bar import ProgressBar
from workbench.core.detection.detector import is_keyword_class
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.wording import counted, plural
from workbench.datasets.clip_checks import (CLIPPED, CLIPPED_SHARE, KINDS, OTHER_FORMAT, PERCENT, SILENT,
                                            SILENT_PEAK_DBFS, TOO_SHORT, UNREADABLE, ClipCheckReport, ClipLimits,
                                            check_clips)
from workbench.datasets.dataset_defaults import RESPLIT_PERCENT
from workbench.datasets.layout import ClipEntry, DatasetIndex
from workbench.datasets.split_checks import DatasetWarning, split_warnings
from workbench.datasets.summary import DatasetSummary

MAX_PATHS_SHOWN = 10
PROGRESS_MIN_CLIPS = 5000  # about a second of reading (6,000 to 7,000 clips a second): below it a bar only flashes
PROGRESS_LABEL = "checking clips"
PROGRESS_UNIT = "clips"
WARNING = "warning: "
RESPLIT_OPTION = "validation_resplit_percent"
RESPLITTING_SPEC = "default"  # the shipped recipe that re-splits (the bundled model's)


def sparse_remedy(plan_shown: bool, resplits: bool) -> str:
    """What the sentence about keywords with few training clips offers, given ``--spec`` (``plan_shown``) and
    whether that spec re-splits the non-test clips."""
    if not plan_shown:
        return (f"kws train --spec {RESPLITTING_SPEC} re-splits the non-test clips by speaker ({RESPLIT_OPTION}); "
                f"add --spec {RESPLITTING_SPEC} (or your spec) to see the samples a run trains on")
    if resplits:
        return f"the spec re-splits the non-test clips by speaker ({RESPLIT_OPTION}): the plan shows what a run gets"
    return (f"add clips, or set {RESPLIT_OPTION} in the spec's [data] table (for one run: kws train --set "
            f"data.{RESPLIT_OPTION}={RESPLIT_PERCENT:g}) to re-split the non-test clips by speaker")


def _kind_sentence(kind: str, count: int, limits: ClipLimits) -> str:
    are = plural(count, "is", "are")
    sentences = {
        SILENT: f"{are} silent (peak below {SILENT_PEAK_DBFS:g} dBFS): an empty take or a muted microphone, learned "
                "as its word",
        CLIPPED: f"{are} clipped (at least {CLIPPED_SHARE * PERCENT:g} % of the samples at full scale): distortion "
                 "the model learns as part of the word",
        TOO_SHORT: f"{are} too short (under {limits.min_duration_s:g} s of the model's {limits.clip_length_ms} ms "
                   "input): mostly padding, often not the whole word",
        OTHER_FORMAT: f"{are} not {limits.sample_rate_hz} Hz mono as the model hears: converted when read, but "
                      "recorded on another chain (an 8 kHz clip has nothing above 4 kHz)",
        UNREADABLE: f"cannot be decoded and {are} skipped",
    }
    return f"{counted(count, 'clip')} {sentences[kind]}"


def render_clip_report(report: ClipCheckReport) -> list[str]:
    """Lines for the clips' findings: per kind a warning, its first paths, then how many more."""
    lines = []
    for kind in KINDS:
        found = report.of_kind(kind)
        if not found:
            continue
        lines.append(WARNING + _kind_sentence(kind, len(found), report.limits) + ":")
        lines += [f"  {finding.path}  ({finding.detail})" for finding in found[:MAX_PATHS_SHOWN]]
        if len(found) > MAX_PATHS_SHOWN:
            lines.append(f"  ... and {len(found) - MAX_PATHS_SHOWN} more (--json lists them all)")
    if not report.complete:
        lines.append(f"{WARNING}the clip check was stopped after {report.checked} of {counted(report.total, 'clip')}: "
                     "the lists above cover those")
    elif not report.findings:
        lines.append(f"all {counted(report.total, 'clip')} checked: none silent, clipped, too short, of another "
                     "format or undecodable")
    return lines


def info_warnings(index: DatasetIndex, summary: DatasetSummary, plan: InfoPlan | None,
                  default_keywords: Sequence[str] = ()) -> list[DatasetWarning]:
    """The dataset's split warnings, then (with ``--spec``) the run's own about its plan; first, when the keywords
    counted are the defaults (``default_keywords``: no --keywords, no synthetic set's words) and the dataset has none
    of them, that its own words need naming."""
    resplits = plan is not None and plan.data.validation_resplit_percent is not None
    warnings = split_warnings(index, summary, sparse_remedy(plan is not None, resplits))
    return absent_default_keywords(index, default_keywords) + warnings + (
        plan.run_warnings() if plan is not None else [])


def absent_default_keywords(index: DatasetIndex, keywords: Sequence[str]) -> list[DatasetWarning]:
    """The warning that the default keywords are no words of the dataset (a folder of one's own takes of "hey lamp",
    which has no synth.json to name its words): the table counted it against yes and no, and the sparse-class
    warning's remedy (a re-split) would not help; the remedy is --keywords."""
    words = index.words()
    if not keywords or any(keyword in words for keyword in keywords):
        return []
    own = [word for word in words if is_keyword_class(word)]
    listed_words = f" (its words: {', '.join(own)})" if own else ""
    return [DatasetWarning("keywords_absent", f"the dataset has none of the keywords {','.join(keywords)}, which "
                           f"are counted without --keywords{listed_words}: count its own with --keywords WORDS, as "
                           "kws train takes them", tuple(keywords))]


def render_warnings(warnings: Sequence[DatasetWarning], report: ClipCheckReport | None) -> str:
    """The block after the tables ("" when there is nothing to say)."""
    lines = [WARNING + w.message for w in warnings]
    if report is not None:
        lines += render_clip_report(report)
    return "\n" + "\n".join(lines) + "\n" if lines else ""


def check_index_clips(index: DatasetIndex, frontend: FrontendSettings) -> ClipCheckReport:
    """``--check``: every clip of ``index`` read against what a model with ``frontend`` hears."""
    return run_clip_check(index.clips, ClipLimits.of_frontend(frontend))


def run_clip_check(clips: Sequence[ClipEntry], limits: ClipLimits, stream: TextIO | None = None) -> ClipCheckReport:
    """:func:`~workbench.datasets.clip_checks.check_clips` with a progress bar on ``stream`` (stderr) for a large
    dataset; Ctrl+C or SIGTERM ends it after the clip being read, with a line saying so."""
    stream = stream or sys.stderr
    bar = ProgressBar(PROGRESS_LABEL, unit=PROGRESS_UNIT, stream=stream) if len(clips) >= PROGRESS_MIN_CLIPS else None
    stop = threading.Event()
    try:
        with cancel_on_signals(stop):
            report = check_clips(clips, limits, bar.update if bar is not None else None, stop)
    finally:
        if bar is not None:
            bar.finish()
    if not report.complete:
        print(f"kws: interrupted: the clip check stopped after {report.checked} of "
              f"{counted(report.total, 'clip')}", file=stream)
    return report
