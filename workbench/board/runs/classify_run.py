"""Classify on the board: flash MLTK's audio-classifier firmware + the model (with the detection
parameters written into it), reset, and turn what the chip prints into events as they arrive.

Why the parameters go into the model: the firmware reads its detection settings (threshold, window,
suppression, count, latency, volume gain, verbose) from the model's ``SL_PARAMSv1`` metadata, as
``mltk classify_audio --device`` writes them; so what the user tunes is what the chip uses, and the
chip's ``Application settings:`` block confirms it. Unlike the profiler the classifier never finishes:
the run ends on ``duration_s``, on cancel, on a fatal firmware message (quoted as the profile run quotes
it, ``Details:`` line included: :mod:`.firmware_fault`), or when the port vanishes. Silence is normal
after start-up (no detections, verbose off), so only the wait for the banner has a timeout: ``timeout_s``
of silence, or ``timeout_s`` in all while the board prints something else (other firmware, noise). The
profiler's start line ends the run at once: wrong firmware.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from workbench.board.errors import BoardTimeout, FirmwareFailure, WrongFirmware
from workbench.board.firmware.catalog import CLASSIFIER_APP
from workbench.board.firmware.image_app import check_image_app
from workbench.board.runs.firmware_fault import FirmwareFault
from workbench.board.runs.job import (BoardCallbacks, BoardJob, BoardOptions, not_started_message,
                                      run_firmware_hint)
from workbench.board.logs.classifier_log import (BoardDetection, BoardNotice, BoardScores,
                                                 ClassifierEvent, ClassifierLogParser, ClassifierStartup)
from workbench.board.logs.profiler_log import START_MARKER as PROFILER_MARKER
from workbench.board.uart.line_reader import SerialLineReader
from workbench.core.detection.settings import THRESHOLD_LIST_KEY, DetectionSettings

POLL_S = 0.1
VERBOSE_PARAM = "verbose_model_output_logs"


@dataclass
class ClassifyResult:
    startup: ClassifierStartup
    detections: list[BoardDetection] = field(default_factory=list)
    inferences: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class ClassifyHandlers:
    """What the caller sees: this run's start-up lines as they come (from the banner to the end of the
    application settings; not what the board printed before its reset), the start-up facts once
    complete, then every event."""

    startup: Callable[[ClassifierStartup], None] = lambda startup: None
    event: Callable[[ClassifierEvent], None] = lambda event: None
    startup_line: Callable[[str], None] = lambda line: None


def classifying_status(detections: int) -> str:
    """The status once the classifier's banner came: the run is under way, with its detections so far.

    Why: until the banner the status names the step that waits for it (the reset); after it, the user must see
    the board classifying, not a reset that looks stuck. The CLI says it once, the window on every detection.
    """
    if detections == 0:
        return "classifying on the board: no detections yet"
    return f"classifying on the board: {detections} detection{'s' if detections != 1 else ''}"


def model_for_classifier(tflite: bytes, settings: DetectionSettings, *, verbose: bool) -> bytes:
    """The model with ``settings`` (and ``verbose_model_output_logs``) written into its parameters.

    Settings with one threshold for every class remove a per-class list the model stores: the firmware uses such a
    list whenever there is one, so the board would have kept its thresholds while the PC used the one asked for.
    (A stored list the firmware cannot read stays, for :func:`classifier_problems` to say so.)
    """
    from workbench.core.model.model_file import model_from_bytes, model_with_params

    model = model_from_bytes(tflite, "model")
    params = {**settings.to_params(model.params), VERBOSE_PARAM: bool(verbose)}  # the stored types kept
    stored = DetectionSettings.from_params(model.params)
    if settings.detection_threshold_list is None and stored.detection_threshold_list:
        params[THRESHOLD_LIST_KEY] = None  # (a key mapped to None is removed)
    return model_with_params(model, params).tflite


def classifier_problems(tflite: bytes, model: str) -> list[str]:
    """What the audio classifier firmware would refuse or read differently in ``tflite``, the image about to be
    flashed (:func:`model_for_classifier`'s output), one sentence each; fixes name the model file as ``model``.

    Why the image and not the file: the options and the tuned settings are written into it, and a flash takes
    half a minute, so a model the firmware stops on is said before the flashing, not found on the device.
    """
    from workbench.core.detection.settings import board_problems
    from workbench.core.model.model_params import read_params

    return board_problems(read_params(tflite), model)


def classify_on_board(tflite: bytes, options: BoardOptions, callbacks: BoardCallbacks | None = None,
                      handlers: ClassifyHandlers | None = None, *, duration_s: float | None = None,
                      name: str | None = None) -> ClassifyResult:
    """Run the classifier until ``duration_s`` (after its banner), cancel, or a failure.

    ``name`` names the model in flashing errors.
    """
    handlers = handlers or ClassifyHandlers()
    job = BoardJob(options, callbacks)
    if options.flash:
        if options.firmware is not None:
            check_image_app(options.firmware, CLASSIFIER_APP, "classify")
        job.check_port()
        job.program(CLASSIFIER_APP, tflite, model_name=name)
    with job.open_reader() as reader:
        if options.flash:
            job.reset()
        else:
            job.callbacks.status("waiting for the classifier: press the board's reset button")
        return _read(reader, job, handlers, duration_s)


def _read(reader: SerialLineReader, job: BoardJob, handlers: ClassifyHandlers,
          duration_s: float | None) -> ClassifyResult:
    parser = ClassifierLogParser()
    result = ClassifyResult(parser.startup)
    started_at: float | None = None
    announced = False
    fault = FirmwareFault()
    timeout_s = job.options.timeout_s
    banner_deadline = time.monotonic() + timeout_s
    while True:
        job.check_cancel("classifying on the board")
        now = time.monotonic()
        if fault.complete():
            raise FirmwareFailure(fault.sentence("audio classifier"))
        if started_at is not None and duration_s is not None and now - started_at >= duration_s:
            return result
        if started_at is None and not fault.started and (
                now >= banner_deadline or reader.seconds_since_activity() > timeout_s):
            raise BoardTimeout(not_started_message(reader, timeout_s, flashed=job.options.flash,
                                                   what="the audio classifier's banner",
                                                   firmware="the audio classifier firmware"))
        line = reader.read_line(POLL_S)
        if line is None:
            continue
        job.callbacks.line(line)
        if started_at is None and PROFILER_MARKER in line:
            raise WrongFirmware("The board runs MLTK's model profiler firmware, not the audio classifier: "
                                f"{run_firmware_hint('classifier', job.options.flash)}.")
        event = parser.feed(line)  # nothing before the banner but a fatal message
        if started_at is None and parser.startup.started:
            started_at = time.monotonic()
            job.callbacks.status(classifying_status(0))
        if started_at is not None and not announced:
            handlers.startup_line(line)
            if parser.startup.complete:
                announced = True
                handlers.startup(parser.startup)
        if isinstance(event, BoardNotice) and event.fatal:
            fault.failure(event.text)
            continue
        fault.other(line.strip())
        if event is None:
            continue
        if isinstance(event, BoardNotice):
            result.warnings.append(event.text)
        elif isinstance(event, BoardDetection):
            result.detections.append(event)
        elif isinstance(event, BoardScores):
            result.inferences += 1
        if fault.started:
            continue
        handlers.event(event)
