"""``kws detect FILE --labels L --save-false-accepts DIR --background REC``: the false accepts in background-only
recordings saved as clips too, beside the labelled FILE's.

Why: ``kws calibrate --background`` counts the false accepts in TV, music or an office apart from the labelled
stream's, and in a home they are often most of a product's mistakes; their audio is what the model must learn not
to detect. Only the stream's were saved (the Calibration workspace's Save mistakes as clips… said so). A
background-only recording needs no labels: every keyword detected in it is a false accept
(:func:`~workbench.calibration.results.detection_outcomes.background_outcomes`). So each recording is heard after
FILE with the same model, parameters and ``--gain``, from a fresh state (as ``kws calibrate`` replays each one), and
its false accepts are saved by the stream's rules (:mod:`workbench.calibration.results.outcome_clips`,
:func:`workbench.cli.detect_outcomes.save_clips`).

Why only with ``--save-false-accepts``: that is all the recordings are for here; their detections are neither
printed nor in the summary, which is the labelled FILE's (``kws calibrate`` reports the background's figures). Why
every recording is heard before the summary is printed: a Ctrl+C while one plays ends the command with nothing
written, as one while FILE plays does, and the summary still means what a reader of the output (the Calibration
workspace) takes it for -- everything is heard, the clips come next.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from workbench.core.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from workbench.calibration.results.detection_outcomes import Outcome
    from workbench.core.audio.file_source import FileSource
    from workbench.core.audio.source_base import GainMode
    from workbench.core.detection.detector import Detection
    from workbench.core.engine import Engine

HEARING_BLOCK_S = 10.0  # how much audio the engine is given at a time: an hour of TV is never one array of results
BACKGROUND_HELP = ("with --save-false-accepts: a background-only recording (TV, music, an office), or a folder of "
                   "them, as kws calibrate's --background; every keyword detected in it is a false accept, saved "
                   "as a clip into DIR/_false_accept_/ (speaker 'background') by the same rules; repeat for several")


@dataclass(frozen=True, eq=False)
class HeardBackground:
    """One background recording as the model heard it (``--gain`` applied) and its detections' outcomes (every
    keyword detection a false accept)."""

    path: Path
    samples: npt.NDArray[np.int16]
    outcomes: tuple[Outcome, ...]


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--background", type=Path, action="append", default=[], metavar="FILE",
                        help=BACKGROUND_HELP)


def check_option(args: argparse.Namespace) -> None:
    """Refuse ``--background`` without ``--save-false-accepts`` (it would be heard for nothing), naming no
    recording or one that cannot be read (its header checked: nothing decoded), before FILE is heard -- not after,
    when the summary and the stream's clips would be lost to it; ``args.background`` becomes the recordings it
    names (:func:`background_files`)."""
    from workbench.core.audio.audio_file import check_audio_file

    if args.background and args.save_false_accepts is None:
        raise WorkbenchError("--background is for --save-false-accepts: the false accepts in background-only "
                             "recordings are saved as clips, not printed (kws calibrate --background counts them)")
    args.background = background_files(args.background)
    for path in args.background:
        if not path.is_file():
            raise WorkbenchError(f"background recording not found: {path}")
        check_audio_file(path)


def background_files(given: Sequence[Path]) -> list[Path]:
    """The recordings ``--background`` names, a folder standing for every audio file in it, each once (a file given
    again, or also in a folder given, would save its clips twice)."""
    from workbench.core.audio.audio_file import audio_files_in

    files: dict[Path, Path] = {}
    for path in map(Path, given):
        for file in audio_files_in(path) if path.is_dir() else [path]:
            files.setdefault(file.resolve(), file)
    return list(files.values())


def hear_background(path: Path, engine: Engine, gain: float = 1.0, gain_mode: GainMode = "linear") -> HeardBackground:
    """Run ``path`` (at the model's rate, ``gain`` applied in ``gain_mode``, as FILE's source applies it) through
    ``engine`` from a fresh state; its detections as outcomes. AudioError (one sentence) when it cannot be read."""
    from workbench.calibration.results.detection_outcomes import background_outcomes
    from workbench.cli.detect_outcomes import detection_arrays
    from workbench.core.audio.audio_file import load_audio
    from workbench.core.audio.source_base import apply_gain
    from workbench.core.engine import detections_of

    samples = apply_gain(load_audio(path, engine.sample_rate).samples, gain, gain_mode)
    block = max(1, int(HEARING_BLOCK_S * engine.sample_rate))
    engine.reset()
    detections: list[Detection] = []
    for start in range(0, samples.size, block):
        detections += detections_of(engine.process(samples[start:start + block]))
    return HeardBackground(path, samples, background_outcomes(detection_arrays(detections), engine.classes))


def hear_backgrounds(args: argparse.Namespace, engine: Engine, source: FileSource) -> list[HeardBackground]:
    """Every ``--background`` recording (as :func:`check_option` left them) heard with FILE's ``source``'s gain
    (:func:`hear_background`); none without the option."""
    return [hear_background(path, engine, source.gain, source.gain_mode) for path in args.background]
