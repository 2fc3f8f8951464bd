"""``kws detect FILE --labels L --background REC``: background-only recordings heard after the labelled FILE, their
false accepts counted in the summary as ``kws calibrate --background`` counts them, and (``--save-false-accepts
DIR``) saved as clips too, beside FILE's.

Why count them: ``kws calibrate``'s FA/h is over all its audio, the stream's and the background's (TV, music, an
office), and its ``reproduce:`` line is one ``kws detect`` command; with FILE's false accepts alone, that command
gave the recommended figures only for a calibration without background audio. So each recording is heard as the
calibration hears it -- through :func:`workbench.calibration.replay.hear`, the calibration's own code: from a fresh
state (frontend, spectrogram, and the detector's suppression counting from the recording's start), at the model's
rate, at its recorded level unless ``--gain`` says otherwise -- by FILE's engine (its model, parameters and rules),
and the summary scores them with :func:`~workbench.calibration.sweep.matching.evaluate_detections`, over the
recordings :func:`~workbench.calibration.calibration_run.background_files` finds, in its order (each once): its
``fa_per_hour`` is then the calibration's, and its stream's and background's apart too, key for key.

Why save their clips: in a home they are often most of a product's mistakes, and their audio is what the model must
learn not to detect. A background-only recording needs no labels: every keyword detected in it is a false accept
(:func:`~workbench.calibration.results.detection_outcomes.background_outcomes`), saved by the stream's rules
(:mod:`workbench.calibration.results.outcome_clips`, :func:`workbench.cli.detect_outcomes.save_clips`).

Why a recording of digital silence is warned of (``kws: warning: …``, as ``kws calibrate`` warns of it): its minutes
count in the FA/h's hours while the model hears nothing
(:func:`~workbench.calibration.silent_background.silent_background_warning`).

Why every recording is heard before the summary is printed: a Ctrl+C while one plays ends the command with nothing
written, as one while FILE plays does, and the summary still means what a reader of the output (the Calibration
workspace) takes it for -- everything is heard, the clips come next.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from workbench.calibration.results.detection_outcomes import Outcome
    from workbench.calibration.sweep.fast_detector import DetectionArrays
    from workbench.core.audio.file_source import FileSource
    from workbench.core.audio.source_base import GainMode
    from workbench.core.engine import Engine

BACKGROUND_HELP = ("with --labels: a background-only recording (TV, music, an office), or a folder of them, as kws "
                   "calibrate's --background (each recording once); repeat for several. Each is heard after FILE "
                   "as kws calibrate hears it, and every keyword detected in it is a false accept: the summary's "
                   "false accepts and FA/h are then over FILE and these recordings, as kws calibrate's, with the "
                   "stream's and the background's apart; with --save-false-accepts they are saved as clips too, "
                   "into DIR/_false_accept_/ (speaker 'background') by the same rules")


@dataclass(frozen=True, eq=False)
class HeardBackground:
    """One background recording as the model heard it (``--gain`` applied), how long it lasts (what its false
    accepts are counted per hour of), its keyword detections (as ``kws calibrate`` scores them) and their outcomes
    (every one a false accept)."""

    path: Path
    samples: npt.NDArray[np.int16]
    duration_s: float
    detections: DetectionArrays
    outcomes: tuple[Outcome, ...]


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--background", type=Path, action="append", default=[], metavar="FILE",
                        help=BACKGROUND_HELP)


def check_option(args: argparse.Namespace) -> None:
    """Refuse ``--background`` without ``--labels`` (nothing would say its detections are false accepts, nor count
    them), naming no recording or one that cannot be read (its header checked: nothing decoded), before FILE is heard
    -- not after, when the summary and the stream's clips would be lost to it; ``args.background`` becomes the
    recordings it names (:func:`~workbench.calibration.calibration_run.background_files`)."""
    from workbench.calibration.calibration_run import background_files
    from workbench.core.audio.audio_file import check_audio_file

    if args.background and args.labels is None:
        raise WorkbenchError("--background is for --labels: the false accepts in background-only recordings are "
                             "counted with the labelled file's, as kws calibrate --background counts them")
    args.background = list(background_files(args.background))
    for path in args.background:
        if not path.is_file():
            raise WorkbenchError(f"background recording not found: {path}")
        check_audio_file(path)


def hear_background(path: Path, engine: Engine, gain: float = 1.0, gain_mode: GainMode = "linear") -> HeardBackground:
    """Run ``path`` (at the model's rate, ``gain`` applied in ``gain_mode``, as FILE's source applies it) through
    ``engine`` as ``kws calibrate`` hears a background recording (:func:`~workbench.calibration.replay.hear`: from a
    fresh state); its detections as outcomes. AudioError (one sentence) when it cannot be read."""
    from workbench.calibration.replay import hear, recording_duration_s
    from workbench.calibration.results.detection_outcomes import background_outcomes
    from workbench.calibration.silent_background import silent_background_warning
    from workbench.cli.detect_outcomes import detection_arrays
    from workbench.core.audio.audio_file import load_audio
    from workbench.core.audio.source_base import apply_gain

    samples = apply_gain(load_audio(path, engine.sample_rate).samples, gain, gain_mode)
    silent = silent_background_warning(path.name, samples, engine.sample_rate)  # as heard: --gain applied
    if silent:
        print(f"kws: warning: {silent}", file=sys.stderr)
    detections = detection_arrays([r.detection for r in hear(engine, samples) if r.detection is not None])
    return HeardBackground(path, samples, recording_duration_s(samples, engine.sample_rate), detections,
                           background_outcomes(detections, engine.classes))


def hear_backgrounds(args: argparse.Namespace, engine: Engine, source: FileSource) -> list[HeardBackground]:
    """Every ``--background`` recording (as :func:`check_option` left them) heard with FILE's ``source``'s gain
    (:func:`hear_background`); none without the option."""
    return [hear_background(path, engine, source.gain, source.gain_mode) for path in args.background]
