"""``kws detect FILE --labels``: each detection's outcome and each missed keyword, in time order, and the
mistakes saved as clips to train on (``--save-false-accepts DIR``, ``--save-misses DIR``).

Why: the summary says "32 false accepts"; to learn from them one needs which detections they were, on which
words, and their audio -- the loop users of Edge Impulse and MLTK build by hand. The outcomes are ``kws
calibrate``'s own (:mod:`workbench.calibration.results.detection_outcomes`), so they add up to its counts.

Why lines are held back: a missed keyword is printed at its start, among the detections, but is known only once
its window (``end_s + tolerance``) has passed; so a line is written as soon as no earlier line can still come --
a detection by the next inference unless a keyword before it is still unsettled, a miss a tolerance after its
keyword ends. A file read as fast as possible prints as before; ``--realtime`` lags by at most a keyword and the
tolerance.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, TextIO

import numpy as np

from workbench.calibration.results.detection_outcomes import StreamOutcomes, detection_outcomes
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.cli.detect_lines import JSONL, outcome_line
from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted

if TYPE_CHECKING:
    from workbench.calibration.results.outcome_clips import ClipPlan
    from workbench.calibration.streams.labels import StreamLabels
    from workbench.core.audio.file_source import FileSource
    from workbench.core.detection.detector import Detection
    from workbench.core.engine import Engine, InferenceResult

MS_PER_SECOND = 1000  # a detection's time_s is its firmware time in ms / 1000: this gets the ms back
# detection times are whole milliseconds, rounded down: one still to come may be this much before the last
# inference heard
DETECTION_TIME_STEP_S = 1 / MS_PER_SECOND
SCORES_RANK, OUTCOME_RANK = 0, 1  # at one time: an inference's scores, then its detection (or a miss)
SAVE_FALSE_ACCEPTS_HELP = (
    "with --labels: save each false accept's audio as a clip of the model's input length (centred on the word it "
    "fell on, else ending at the detection) into DIR in the Speech Commands layout, for kws train --dataset DIR "
    "to learn as other words: DIR/<word>/<speaker>_nohash_<n>.wav, or DIR/_false_accept_/ when the labels name "
    "no word (speaker 'stream' when unknown); false accepts on keywords are not saved, and no clip already "
    "there is overwritten (a second run adds)")
SAVE_MISSES_HELP = ("with --labels: save each missed keyword's audio the same way into DIR/<keyword>/: keyword "
                    "clips the model failed on, to train on again")


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--save-false-accepts", type=Path, metavar="DIR", help=SAVE_FALSE_ACCEPTS_HELP)
    parser.add_argument("--save-misses", type=Path, metavar="DIR", help=SAVE_MISSES_HELP)


def check_options(args: argparse.Namespace) -> None:
    """Refuse a save option without labels, or a folder that cannot be written, before the model is loaded."""
    from workbench.core.atomic_write import check_destination

    for option, folder in (("--save-false-accepts", args.save_false_accepts), ("--save-misses", args.save_misses)):
        if folder is None:
            continue
        if args.labels is None:
            raise WorkbenchError(f"{option} is for --labels: the labels say which detections were mistakes")
        check_destination(folder, folder=True)


def detection_arrays(detections: Sequence[Detection]) -> DetectionArrays:
    """Detections as ``kws calibrate`` holds them (times in whole milliseconds)."""
    return DetectionArrays(np.array([round(d.time_s * MS_PER_SECOND) for d in detections], np.int64),
                           np.array([d.class_index for d in detections], np.int64),
                           np.array([d.score for d in detections], np.int64))


class OutcomeLog:
    """The lines of a labelled file: each detection with its outcome, each missed keyword, and (``--scores``) each
    inference's scores, written in time order as soon as no earlier line can still come (module docstring)."""

    def __init__(self, labels: StreamLabels, classes: tuple[str, ...], tolerance_s: float, fmt: str,
                 out: TextIO) -> None:
        self._labels, self._classes, self._tolerance_s = labels, classes, tolerance_s
        self._fmt, self._out = fmt, out
        self._detections: list[Detection] = []
        self._scores: list[tuple[float, str]] = []  # (time, line) not yet written
        self._written = 0  # outcomes written: always the first ones in time order
        self._heard_s = 0.0  # the time of the last inference

    def add(self, result: InferenceResult, scores_text: str | None) -> None:
        """One inference (its scores line, when ``--scores`` asks for it)."""
        detection = result.detection
        if scores_text is not None:  # a detection's own scores go just before it
            self._scores.append((result.time_s if detection is None else detection.time_s, scores_text))
        if detection is not None:
            self._detections.append(detection)
        self._heard_s = result.time_s

    def release(self) -> None:
        """Write the lines whose order is known by now."""
        found = self._outcomes(self._heard_s - DETECTION_TIME_STEP_S)
        self._write(found, min(self._heard_s - DETECTION_TIME_STEP_S, found.unsettled_s))

    def finish(self, whole: bool) -> StreamOutcomes:
        """Write every line left: ``whole``, the file was heard to its end, so every keyword not hit is missed;
        else only those whose window had passed (the rest were never heard). Returns the outcomes."""
        found = self._outcomes(math.inf if whole else self._heard_s - DETECTION_TIME_STEP_S)
        self._write(found, math.inf)
        return found

    def _outcomes(self, heard_s: float) -> StreamOutcomes:
        return detection_outcomes(detection_arrays(self._detections), self._labels, self._classes,
                                  self._tolerance_s, heard_s)

    def _write(self, found: StreamOutcomes, horizon_s: float) -> None:
        new = [o for o in found.outcomes[self._written:] if o.time_s < horizon_s]
        self._written += len(new)
        due = [(time_s, SCORES_RANK, n, text) for n, (time_s, text) in enumerate(self._scores) if time_s < horizon_s]
        self._scores = [(time_s, text) for time_s, text in self._scores if time_s >= horizon_s]
        due += [(o.time_s, OUTCOME_RANK, n, outcome_line(o, self._fmt)) for n, o in enumerate(new)]
        for _, _, _, text in sorted(due):
            self._out.write(text + "\n")
        self._out.flush()


def save_clips(args: argparse.Namespace, found: StreamOutcomes, engine: Engine, source: FileSource,
               out: TextIO) -> None:
    """Write the clips ``--save-false-accepts`` and ``--save-misses`` ask for, and say how many went where (on
    stdout after the summary; on stderr with ``--format jsonl``, whose stdout holds JSON alone)."""
    if args.save_false_accepts is None and args.save_misses is None:
        return
    from workbench.calibration.results.outcome_clips import (folder_counts, plan_false_accepts, plan_misses,
                                                             write_clips)
    from workbench.core.audio.source_base import apply_gain

    samples = source.clip.samples
    rate, length = engine.sample_rate, engine.frontend_settings.sample_length
    stream = sys.stderr if args.format == JSONL else out

    def heard(piece: np.ndarray) -> np.ndarray:  # the audio as the model heard it: with --gain
        return apply_gain(piece, source.gain, source.gain_mode)

    def write(what: str, folder: Path, plans: Sequence[ClipPlan]) -> None:
        written = write_clips(folder, plans, samples, length, rate, heard)
        where = f" ({folder_counts(plans)})" if plans else ""
        stream.write(f"wrote {counted(len(written), what)} of {length / rate:g} s into {folder}{where}\n")

    if args.save_false_accepts is not None:
        plans, on_keywords = plan_false_accepts(found.outcomes, engine.classes, length, rate, samples.size)
        write("false-accept clip", args.save_false_accepts, plans)
        if on_keywords:
            stream.write(f"{counted(len(on_keywords), 'false accept')} on keywords not saved: their audio is a "
                         "keyword, which training must not learn as another word\n")
    if args.save_misses is not None:
        write("missed-keyword clip", args.save_misses, plan_misses(found.outcomes, length, rate, samples.size))
    stream.flush()
