"""Profile a model on the board: flash MLTK's model-profiler firmware + the model, reset, read, parse.

Why this sequence (``mltk/core/profile_model.py``): the firmware only reports per-layer cycles and times
once, right after a reset, so the serial port is opened (and flushed) before the reset; the model goes
without its ``runtime_memory_size`` parameter so the firmware searches for the smallest arena and
reports it. The run fails fast, in the firmware's own words, on a fault dump, an assert, an allocation
failure or an error line -- even before the start marker -- and times out after ``timeout_s`` of silence
(90 s, as MLTK), or after :data:`~.job.PROFILE_RUN_TIMEOUTS` times that in all when the board prints on
without ever saying ``done``. With ``flash=False`` nothing is flashed: the board must already run the
profiler and the user presses its reset button. The result is the workbench's usual :class:`ProfileReport`
with the ``measured`` fields filled (:mod:`.measured_report`); figures the log lacks stay unknown, and a
status warning says so.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from workbench.board.errors import BoardTimeout, Cancelled, FirmwareFailure, WrongFirmware
from workbench.board.firmware.catalog import PROFILER_APP
from workbench.board.firmware.image_app import check_image_app
from workbench.board.runs.firmware_fault import FirmwareFault
from workbench.board.runs.job import (BAUD_QUESTION, PROFILE_RUN_TIMEOUTS, BoardCallbacks, BoardJob, BoardOptions,
                                      not_started_message, run_firmware_hint)
from workbench.board.logs.classifier_log import START_MARKER as CLASSIFIER_MARKER
from workbench.board.logs.profiler_log import (LOADING_MARKER, START_MARKER, ProfilerLog, ProfilerLogParser,
                                               is_failure_line)
from workbench.board.runs.measured_report import attach_measurements, incomplete_warning
from workbench.board.platforms import DeviceInfo
from workbench.board.uart.line_reader import SerialLineReader
from workbench.profiler.report import RUNTIME_MEMORY_KEY, ProfileReport

POLL_S = 0.1
_START = re.compile(f"{re.escape(START_MARKER)}|{re.escape(LOADING_MARKER)}", re.I)
GARBLED_HINT = f"the serial data looks garbled: {BAUD_QUESTION}"


@dataclass
class BoardProfile:
    report: ProfileReport  # estimate + measured
    log: ProfilerLog
    device: DeviceInfo | None
    image: Path | None
    source: str


def model_for_profiler(tflite: bytes) -> bytes:
    """The model without ``runtime_memory_size``, so the firmware searches the arena size (as MLTK does); its
    ``hash`` kept, as MLTK's profile_model keeps it, so the board names the user's model (check_model_identity)."""
    from workbench.core.model.model_params import read_params, write_params

    params = read_params(tflite)
    if RUNTIME_MEMORY_KEY not in params:
        return tflite
    return write_params(tflite, {k: v for k, v in params.items() if k != RUNTIME_MEMORY_KEY}, rehash=False)


def read_profiler_output(reader: SerialLineReader, job: BoardJob) -> ProfilerLog:
    """Lines until ``done``; FirmwareFailure / WrongFirmware / BoardTimeout / Cancelled / DeviceError (port
    vanished). ``timeout_s`` is both the longest silence and the longest wait for the profiler to start:
    a board that keeps printing something else (other firmware, noise) must not keep the run waiting; and
    :data:`PROFILE_RUN_TIMEOUTS` times it is the longest run, for a profiler that prints on but never
    says ``done``."""
    timeout_s = job.options.timeout_s
    start_deadline = time.monotonic() + timeout_s
    run_limit_s = timeout_s * PROFILE_RUN_TIMEOUTS
    run_deadline = time.monotonic() + run_limit_s
    parser: ProfilerLogParser | None = None
    fault = FirmwareFault()
    warned_garbled = False
    last_line = ""
    while not fault.complete():
        if job.cancel.is_set():
            raise Cancelled("Cancelled: profiling on the board was stopped.")
        now = time.monotonic()
        if parser is None and not fault.started and now >= start_deadline:
            raise BoardTimeout(_not_started_message(reader, timeout_s, flashed=job.options.flash))
        if not fault.started and now >= run_deadline:
            raise BoardTimeout(f"Timed out: the board's profiler printed for {run_limit_s:g} s "
                               f"({PROFILE_RUN_TIMEOUTS} times the timeout) without finishing (no 'done'; its last "
                               f"line: {last_line!r}): reset the board and run again, or give a longer timeout.")
        line = reader.read_line(POLL_S)
        if line is None:
            if reader.looks_garbled and not warned_garbled:
                warned_garbled = True
                job.callbacks.status(GARBLED_HINT)
            if not fault.started and reader.seconds_since_activity() > timeout_s:
                if parser is None:
                    raise BoardTimeout(_not_started_message(reader, timeout_s, flashed=job.options.flash))
                raise BoardTimeout(f"Timed out: the board's profiler went silent for {timeout_s:g} s after "
                                   f"{last_line!r}.")
            continue
        job.callbacks.line(line)
        if line.strip():
            last_line = line.strip()
        if parser is None and line.strip() == CLASSIFIER_MARKER:
            raise WrongFirmware("The board runs MLTK's audio classifier firmware, not the model profiler: "
                                f"{run_firmware_hint('profiler', job.options.flash)}.")
        if parser is None and (match := _START.search(line)) is not None:
            parser = ProfilerLogParser()
            line = line[match.start():]
        if parser is not None:
            parser.feed(line)
        text = line.strip()
        if is_failure_line(text):
            fault.failure(text)
        else:
            fault.other(text)
        if not fault.started and parser is not None and parser.log.finished:
            return parser.finish()
    raise FirmwareFailure(fault.sentence("profiler"))


def _not_started_message(reader: SerialLineReader, timeout_s: float, *, flashed: bool) -> str:
    """Why the profiler did not start: silence, noise (baud rate) or other output (other firmware)."""
    return not_started_message(reader, timeout_s, flashed=flashed, what="the profiler's output",
                               firmware="the profiler firmware")


def measurement_source(job: BoardJob) -> str:
    device = job.device
    board = f"{device.platform or 'board'} {device.part_number}" if device else "board"
    firmware = job.image.name if job.image is not None else "firmware already on the board"
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{board}, {firmware}, {stamp}"


def profile_on_board(tflite: bytes, name: str, options: BoardOptions,
                     callbacks: BoardCallbacks | None = None) -> BoardProfile:
    """Estimate, flash, run and parse; the report carries both estimate and measurement, and, as ``kws profile``'s
    does, whether an inference keeps up with the model's ``latency_ms`` (a profile of the same model says the
    same in every view)."""
    from workbench.core.model.model_params import read_params
    from workbench.core.model.tflite_graph import parse_model
    from workbench.profiler.inference_pace import note_latency, stored_latency_ms
    from workbench.profiler.report import build_report, note_stored_runtime_memory

    report = build_report(parse_model(tflite), name=name, accelerator=options.accelerator)
    params = read_params(tflite)
    note_stored_runtime_memory(report, params)  # flashed without it, but the model file keeps it: say both
    job = BoardJob(options, callbacks)
    if options.flash:
        if options.firmware is not None:
            check_image_app(options.firmware, PROFILER_APP, "profile")
        job.check_port()
        job.program(PROFILER_APP, model_for_profiler(tflite), model_name=name)
    with job.open_reader() as reader:
        if options.flash:
            job.reset()
        else:
            job.callbacks.status("waiting for the profiler: press the board's reset button")
        log = read_profiler_output(reader, job)
    source = measurement_source(job)
    attach_measurements(report, log, source=source, device=job.device, model_params=params)
    note_latency(report, stored_latency_ms(params))  # judged by the time the board measured
    warning = incomplete_warning(report)
    if warning is not None:
        job.callbacks.status(f"warning: {warning}")
    return BoardProfile(report, log, job.device, job.image, source)
