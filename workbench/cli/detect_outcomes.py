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

Why the save lines say more than a count: "wrote 0 clips" reads as a failure when there was nothing to save, so
that is said instead; several false accepts on one word give one clip, and a clip already in the folder (a second
run) is not written again, so the line says how many mistakes the clips stand for and how many were there. The
clips keep their speakers, so those of a stream built from the testing split land in testing again: a warning
says how many, by the split's own hash, when the labels record such a stream.

Why the scoring is imported where it is used: ``kws detect`` registers this module's options, and its ``--help``
loads neither numpy nor LiteRT (:mod:`workbench.cli.main`).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence, TextIO

from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted
from workbench.datasets.splits import TESTING, TRAINING, VALIDATION

if TYPE_CHECKING:
    import numpy as np

    from workbench.calibration.results.detection_outcomes import StreamOutcomes
    from workbench.calibration.results.outcome_clips import ClipPlan, StreamSplitRule
    from workbench.calibration.sweep.fast_detector import DetectionArrays
    from workbench.cli.detect_background import HeardBackground
    from workbench.calibration.streams.labels import StreamLabels
    from workbench.core.audio.file_source import FileSource
    from workbench.core.detection.detector import Detection
    from workbench.core.engine import Engine, InferenceResult

    # the clips of one recording: their plans, its samples, and how to make them what the model heard
    Recording = tuple[Sequence[ClipPlan], np.ndarray, Callable[[np.ndarray], np.ndarray]]

MS_PER_SECOND = 1000  # a detection's time_s is its firmware time in ms / 1000: this gets the ms back
# detection times are whole milliseconds, rounded down: one still to come may be this much before the last
# inference heard
DETECTION_TIME_STEP_S = 1 / MS_PER_SECOND
SCORES_RANK, OUTCOME_RANK = 0, 1  # at one time: an inference's scores, then its detection (or a miss)
# the result lines' marks, which the Calibration workspace's Save mistakes as clips… looks for
NOTHING_WRITTEN, LEFT_OUT_MARK = ": nothing written into ", " on keywords not saved"
BACKGROUND_ORIGIN = "from background audio"  # what the line of the --background recordings' clips says they are
SPLIT_KEY = "split"  # where kws stream make's record in the labels names the split the stream was built from
HELD_OUT_VERB = {TESTING: "tests", VALIDATION: "validates"}  # the splits training holds out, and what it does there
SAVE_FALSE_ACCEPTS_HELP = (
    "with --labels: save each false accept's audio as a clip of the model's input length (centred on the word it "
    "fell on, else ending at the detection) into DIR in the Speech Commands layout, for kws train --dataset DIR "
    "to learn as other words: DIR/<word>/<speaker>_nohash_<n>.wav, or DIR/_false_accept_/ when the labels name "
    "no word (speaker 'stream' when unknown); one clip per word, none on keywords, no file overwritten and no "
    "clip already there saved again. The speakers are kept, so the clips of a stream of the testing split "
    "(kws stream make's default) land in testing again: harvest from a stream made with --split training to "
    "train on them")
SAVE_MISSES_HELP = ("with --labels: save each missed keyword's audio the same way into DIR/<keyword>/: keyword "
                    "clips the model failed on, to train on again")


def _as_is(piece: np.ndarray) -> np.ndarray:
    """A background recording's samples are kept as the model heard them (``--gain`` applied when it was heard)."""
    return piece


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
    """Detections as ``kws calibrate`` holds them: of keyword classes only, which alone are scored (TFLM's
    recognizer also reports ``_silence_``: :mod:`~workbench.calibration.results.detection_outcomes`), times in whole
    milliseconds."""
    from workbench.core.detection.detector import is_keyword_class

    return _arrays([d for d in detections if is_keyword_class(d.label)])


def _arrays(detections: Sequence[Detection]) -> DetectionArrays:
    """All the detections, as the outcome lines need them (each is printed, scored or not)."""
    import numpy as np

    from workbench.calibration.sweep.fast_detector import DetectionArrays

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
        from workbench.calibration.results.detection_outcomes import detection_outcomes

        return detection_outcomes(_arrays(self._detections), self._labels, self._classes,
                                  self._tolerance_s, heard_s)

    def _write(self, found: StreamOutcomes, horizon_s: float) -> None:
        from workbench.cli.detect_lines import outcome_line

        new = [o for o in found.outcomes[self._written:] if o.time_s < horizon_s]
        self._written += len(new)
        due = [(time_s, SCORES_RANK, n, text) for n, (time_s, text) in enumerate(self._scores) if time_s < horizon_s]
        self._scores = [(time_s, text) for time_s, text in self._scores if time_s >= horizon_s]
        due += [(o.time_s, OUTCOME_RANK, n, outcome_line(o, self._fmt)) for n, o in enumerate(new)]
        for _, _, _, text in sorted(due):
            self._out.write(text + "\n")
        self._out.flush()


def _recorded_split(labels: StreamLabels) -> str | None:
    """The dataset split the labels record the stream was built from (``kws stream make``'s record; None: none)."""
    split = None if labels.record is None else labels.record.get(SPLIT_KEY)
    return split if isinstance(split, str) else None


def _split_rule(labels: StreamLabels, split: str | None) -> StreamSplitRule:
    """How the labels record the stream's dataset was split (:func:`held_out`'s rule): by the hash at its
    percentages, or stratified or by its own lists, which put the stream's speakers in its ``split`` whatever their
    hash; unrecorded, the hash at the default percentages."""
    from workbench.calibration.results.outcome_clips import StreamSplitRule
    from workbench.cli.measure.stream_split_check import split_by_lists, stream_split
    from workbench.datasets.splits import HASH_METHOD

    settings = stream_split(labels)  # None: split by the datasets' own lists, or not recorded
    if settings is None:
        return StreamSplitRule(split=split) if split_by_lists(labels) else StreamSplitRule()
    return StreamSplitRule(settings.validation_percent, settings.testing_percent,
                           None if settings.split_method == HASH_METHOD else split)


def held_out_warning(held: Counter[str], written: int, resplit: bool = False) -> str:
    """The warning that clips of a held-out split's stream are held out again: how many land in each such split
    (``held``, of the ``written``), what training does with them there, and where to harvest instead. ``resplit``:
    the stream's dataset was not split by its own lists, so a spec that re-splits the non-test clips (the default
    spec does) re-cuts the validation speakers and trains on most of them -- said, as "validates on them" is true
    only of the other specs."""
    from workbench.cli.data.info_warnings import RESPLIT_OPTION

    where = " and ".join(f"{split} ({n})" for split, n in sorted(held.items()))
    verbs = " and ".join(HELD_OUT_VERB[split] for split in sorted(held))
    resplit_note = (f" (a spec with data.{RESPLIT_OPTION}, as the default spec, re-splits the {VALIDATION} speakers "
                    "and trains on most of them)") if resplit and VALIDATION in held else ""
    return (f"{sum(held.values())} of the {written} clips written keep their speakers, whose clips the dataset split "
            f"puts in {where}: kws train {verbs} on them rather than learns from them{resplit_note}; harvest from a "
            f"stream of the training split (kws stream make --split {TRAINING}) to train on its mistakes")


def save_clips(args: argparse.Namespace, labels: StreamLabels, found: StreamOutcomes, engine: Engine,
               source: FileSource, out: TextIO, backgrounds: Sequence[HeardBackground] = ()) -> None:
    """Write the clips ``--save-false-accepts`` and ``--save-misses`` ask for -- the false accepts of the
    ``backgrounds`` (``--background``, :mod:`workbench.cli.detect_background`) too -- and say how many went where (on
    stdout after the summary; on stderr with ``--format jsonl``, whose stdout holds JSON alone); then warn, on
    stderr, when the labels say the stream is of a split held out from training and clips land there too."""
    if args.save_false_accepts is None and args.save_misses is None:
        return
    from workbench.calibration.results.outcome_clips import (folder_counts, held_out, one_per_clip,
                                                             plan_background_false_accepts, plan_false_accepts,
                                                             plan_misses, write_clips)
    from workbench.cli.detect_lines import JSONL
    from workbench.core.audio.source_base import apply_gain

    samples = source.clip.samples
    rate, length = engine.sample_rate, engine.frontend_settings.sample_length
    stream = sys.stderr if args.format == JSONL else out
    all_written: list[Path] = []

    def heard(piece: np.ndarray) -> np.ndarray:  # the audio as the model heard it: with --gain
        return apply_gain(piece, source.gain, source.gain_mode)

    def write(what: str, mistake: str, folder: Path, recordings: Sequence[Recording], origin: str = "") -> None:
        """"wrote 16 false-accept clips of 1 s into DIR (go 10, _false_accept_ 6): 20 false accepts in 18 clips
        (one per word), 2 already there" -- ``origin`` after the length ("from background audio (2 recordings)")
        when the clips are cut from other audio than the stream's."""
        planned = cut = 0
        written: list[Path] = []
        for plans, audio, as_heard in recordings:
            clips = one_per_clip(plans)
            planned, cut = planned + len(plans), cut + len(clips)
            written += write_clips(folder, clips, audio, length, rate, as_heard)
        all_written.extend(written)
        where = f" ({folder_counts(path.parent.name for path in written)})" if written else ""
        notes = []
        if cut < planned:  # a background recording has no words: its clips are one per window heard
            per = "window" if origin else "word"
            notes.append(f"{counted(planned, mistake)} in {counted(cut, 'clip')} (one per {per})")
        if len(written) < cut:
            notes.append(f"{cut - len(written)} already there")
        stream.write(f"wrote {counted(len(written), what)} of {length / rate:g} s{origin} into {folder}{where}"
                     + (": " + ", ".join(notes) if notes else "") + "\n")

    if args.save_false_accepts is not None:
        plans, on_keywords = plan_false_accepts(found.outcomes, engine.classes, length, rate, samples.size)
        if plans:
            write("false-accept clip", "false accept", args.save_false_accepts, [(plans, samples, heard)])
        else:
            none = "no false accepts to save" if on_keywords else "no false accepts"
            stream.write(f"{none}{NOTHING_WRITTEN}{args.save_false_accepts}\n")
        if on_keywords:
            stream.write(f"{counted(len(on_keywords), 'false accept')}{LEFT_OUT_MARK}: their audio is a "
                         "keyword, which training must not learn as another word\n")
        if backgrounds:
            origin = f" {BACKGROUND_ORIGIN} ({counted(len(backgrounds), 'recording')})"
            recordings = [(plan_background_false_accepts(heard_one.outcomes, length, rate, heard_one.samples.size),
                           heard_one.samples, _as_is) for heard_one in backgrounds]
            if any(plans for plans, _, _ in recordings):
                write("false-accept clip", "false accept", args.save_false_accepts, recordings, origin)
            else:
                stream.write(f"no false accepts{origin}{NOTHING_WRITTEN}{args.save_false_accepts}\n")
    if args.save_misses is not None:
        misses = plan_misses(found.outcomes, length, rate, samples.size)
        if misses:
            write("missed-keyword clip", "missed keyword", args.save_misses, [(misses, samples, heard)])
        else:
            stream.write(f"no missed keywords{NOTHING_WRITTEN}{args.save_misses}\n")
    stream.flush()
    split = _recorded_split(labels)
    held = held_out(all_written, _split_rule(labels, split)) if all_written and split in HELD_OUT_VERB else Counter()
    if held:
        from workbench.cli.measure.stream_split_check import split_by_lists

        warning = held_out_warning(held, len(all_written), resplit=not split_by_lists(labels))
        print(f"kws: warning: {warning}", file=sys.stderr)
