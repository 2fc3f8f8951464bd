"""Simulated EFR32 board on one end of a pty pair, for tests on a machine with no board.

The "chip" runs whatever the stand-in ``commander`` (commander_sim.py) flashed: it reads the flash file
of its debugger from the Commander state folder, picks the app from the image's ``MLTKAPP=`` tag
(``model_profiler`` or ``audio_classifier``), finds the model at the end of flash exactly as MLTK's firmware
does (length word at FLASH_END-4, flatbuffer before it) and, each time Commander (or a test pressing the
reset button) bumps ``resets-<serialno>``, prints what that firmware prints (FORMATS.md sections 2-3):

- model profiler: the documented seed-model log (``profiler_mvp.log`` / ``profiler_none.log``, or the
  log given with ``--profiler-log``: one cut short or garbled on the wire) with the real model address
  and the flashed model's name, version, date and hash (its parameters, as the firmware prints them),
  then ``done``;
- audio classifier: banner, model summary, front-end and application settings read from the flashed
  model's parameters (flashed_model.py), then one inference per ``latency_ms`` over a scripted session
  (silence, "yes", silence, "no", other speech, a mumbled "yes", "no … no"; the scores go to the model's
  classes in order: class 0 gets the "yes" scores, class 1 the "no" scores, ...) with detections decided by
  MLTK's ``recognize_commands`` rule using the flashed model's detection parameters: its class names as
  labels, ``detection_threshold_list`` per class when present, never a class whose name starts with ``_``;
  or, with ``--classifier-loop``, that file's lines in place of the inference loop (a garbled detection,
  a fault dump).
  A model without a string-list ``classes`` or with a threshold list of another length is refused as the
  firmware refuses it (its message, ``ERROR: Failed to load app parameters from .tflite model``, a hang).

- any other app (``MLTKAPP=chatter``: firmware that is neither): a log line every few ms for a few
  seconds, so a host waiting for the profiler or the classifier sees a busy port, never their output.

Faults on request (``--fault``): ``hardfault``, ``alloc`` (arena allocation failure), ``error`` (error
line), ``classifier-error`` (fatal start-up error), ``garbage`` (noise bytes, stray ``\\r``, lines split
across writes), ``vanish`` (the port disappears mid-run), ``silent`` (stops talking after loading),
``noise`` (after a reset only noise bytes for a few seconds, as a wrong baud rate shows), ``endless``
(the profiler repeats a kernel message after loading until the next reset, never saying ``done``).

Usage: ``board_sim.py --state DIR --link PATH [--serialno N] [--fault F] [--time-scale X]``; the pty's
device name is linked at PATH once the board is ready. Bytes written while no host holds the port are
lost, as on a UART. The model parameters are read with the workbench's SL_PARAMSv1 reader (the format
is tested against MLTK elsewhere).
"""

from __future__ import annotations

import argparse
import os
import random
import struct
import sys
import time
import tty
from pathlib import Path

from flashed_model import APP_PARAMS_ERROR, FlashedModel, builtin_model, flashed_model, format_units

SIM_DIR = Path(__file__).resolve().parent
FLASH_BASE = 0x08000000
POLL_S = 0.02
PROFILER_LINE_S = 0.002
LOADING_S = 0.15
INFERENCE_MS = 8
VANISH_DELAY_S = 0.3
CHATTER_LINES = 500  # of other firmware's log, one per CHATTER_S: a few seconds of a busy port
CHATTER_S = 0.01
ENDLESS_LINE = "Op2-FULLY_CONNECTED not supported: weights_shape[1] (4000) > 2048"  # a profiler stuck reloading
NOISE_BYTES = bytes(range(0x80, 0x100))  # what 115200 baud text looks like at another rate: high bytes
DETAIL_PARAMS = ("Name", "Version", "Date", "Hash")  # "Model details:" lines printed from the model's parameters


class Board:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.state = Path(args.state)
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        self.rng = random.Random(1234)
        self.lines_written = 0
        link = Path(args.link)
        tmp = link.with_name(link.name + ".tmp")
        if tmp.exists() or tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(os.ttyname(self.slave))
        os.replace(tmp, link)

    # -- output ----------------------------------------------------------------------------------
    def raw(self, data: bytes) -> None:
        try:
            os.write(self.master, data)
        except BlockingIOError:
            pass  # nobody reads: the UART's bytes are lost

    def line(self, text: str, pause: float = 0.0) -> None:
        data = text.encode("ascii") + b"\n"
        if self.args.fault == "garbage":
            if self.lines_written % 5 == 0:
                self.raw(bytes([0xFF, 0xFE, 0x80, 0x0D]))  # noise the host must drop
            if self.lines_written % 11 == 3:
                self.raw(b"\xfb\xfa\x8f\r\n")  # a line of nothing but noise
            cut = len(data) // 2
            self.raw(data[:cut])
            time.sleep(0.003)  # the line arrives in two pieces
            self.raw(data[cut:])
        else:
            self.raw(data)
        self.lines_written += 1
        if self.args.fault == "vanish" and self.lines_written >= self.args.vanish_after:
            self.vanish()
        time.sleep(pause * self.args.time_scale if pause else 0)

    def vanish(self) -> None:
        time.sleep(VANISH_DELAY_S)  # the cable is pulled a moment after the last line, not in the middle of it
        os.close(self.master)
        os.close(self.slave)
        Path(self.args.link).unlink(missing_ok=True)
        sys.exit(0)

    # -- the flashed chip --------------------------------------------------------------------------
    def flash(self) -> bytes:
        path = self.state / f"flash-{self.args.serialno}.bin"
        return path.read_bytes() if path.exists() else b""

    def app(self, flash: bytes) -> tuple[str, str]:
        head = flash[:64].split(b";")
        if not head or not head[0].startswith(b"MLTKAPP="):
            return "", ""
        accelerator = head[1].decode().partition("=")[2] if len(head) > 1 else "none"
        return head[0].decode().partition("=")[2], accelerator

    def model(self, flash: bytes) -> tuple[int | None, bytes | None]:
        """MLTK's get_tflite_flatbuffer_from_end_of_flash: (address, flatbuffer) or (None, None)."""
        if len(flash) < 8:
            return None, None
        (length,) = struct.unpack("<L", flash[-4:])
        if length == 0 or length >= len(flash) - 4:
            return None, None
        start = len(flash) - 4 - length
        flatbuffer = flash[start:start + length]
        if flatbuffer[4:8] != b"TFL3":
            return None, None
        return FLASH_BASE + start, flatbuffer

    def model_line(self, address: int | None) -> str:
        if address is None:
            return "Using default model built into application"
        return f"Using .tflite in flash at 0x{address:08X}"

    # -- apps --------------------------------------------------------------------------------------
    def model_params(self, flatbuffer: bytes | None) -> dict:
        return flashed_model(flatbuffer).params if flatbuffer is not None else {}

    def run_profiler(self, accelerator: str, address: int | None, flatbuffer: bytes | None) -> None:
        source = (Path(self.args.profiler_log) if self.args.profiler_log
                  else SIM_DIR / f"profiler_{'mvp' if accelerator == 'mvp' else 'none'}.log")
        log = source.read_text().splitlines()
        params = self.model_params(flatbuffer) if address is not None else {}
        for text in log:
            if text.startswith("Using .tflite in flash"):
                text = self.model_line(address)
            key, _, _ = text.partition(": ")
            if key in DETAIL_PARAMS and key.lower() in params:
                text = f"{key}: {params[key.lower()]}"  # the flashed model's own metadata
            if text == "Loading model":
                self.line(text, LOADING_S)
                if self.fault_after_loading():
                    return
                continue
            if text == "done" and self.args.fault == "error":
                self.line("Error while running inference")
                return
            self.line(text, PROFILER_LINE_S)

    def fault_after_loading(self) -> bool:
        fault = self.args.fault
        if fault == "hardfault":
            self.raw(b"\n\nCortex IRQ HardFault triggered!\n\n")
            self.line("Registers dump:")
            for name in ("PC", "LR", "CTRL", "IPSR", "APSR", "xPSR", "PRIMASK", "BASEPRI", "FAULTMSK", "MSP",
                         "PSP", "SCB->MMFAR", "SCB->BFAR", "SCB->HFSR", "SCB->CFSR", "SCB->ICSR", "SCB->AFSR"):
                self.line(f"{name:<10} = 0x{self.rng.getrandbits(32):08X}")
            self.raw(b"\n\n")
            self.line("Details: Forced hard fault (escalated from a configurable fault)")
            self.line("Hint: The fault was escalated because its handler is disabled or it happened")
            self.line("      inside another fault handler; check the CFSR bits above and the stack")
            self.line("      pointed to by MSP/PSP for the faulting instruction.")
            self.raw(b"\n*** Fault triggered\n\n")
            return True
        if fault == "alloc":
            self.line("Failed to allocate buffer for model (due to heap memory overflow or the model is not "
                      "fully supported)")
            self.line("Failed to load model")
            self.line("Error while loading model")
            return True
        if fault == "silent":
            return True
        if fault == "endless":
            while not self.reset_seen():
                self.line(ENDLESS_LINE)
                time.sleep(CHATTER_S)
            return True
        return False

    def run_classifier(self, accelerator: str, address: int | None, flatbuffer: bytes | None) -> None:
        """audio_classifier_init: banner, model summary, front-end and app settings, then the inference loop.

        Everything model-specific (classes, thresholds, tensors, arena size) comes from the flashed model, as
        the firmware reads it; a model the firmware refuses gets its messages and a hang (until reset)."""
        model = builtin_model() if flatbuffer is None else flashed_model(flatbuffer)
        params = model.params
        self.line("Audio Classifier")
        self.line(self.model_line(address))
        if self.args.fault == "classifier-error":
            self.line("ERROR: Failed to load .tflite model")
            return
        from_model, runtime_bytes = model.runtime_memory()
        if from_model:
            self.line(f"Runtime memory size from .tflite model: {runtime_bytes}")
        else:
            self.line(f"Determined optimal runtime memory size to be {runtime_bytes}")
        if accelerator == "mvp":
            self.line("Op2-FULLY_CONNECTED not supported: weights_shape[1] (4000) > 2048")
        for text in ("Model details:", f"Name: {params.get('name', '')}", f"Version: {params.get('version', 0)}",
                     f"Date: {params.get('date', '')}", f"Hash: {params.get('hash', '')}",
                     f"Accelerator: {accelerator}", f"Tensor runtime memory: {format_units(runtime_bytes)}",
                     f"Input: {model.input_text}", f"Output: {model.output_text}"):
            self.line(text)
        if model.classes:  # print_summary prints the line only for a model that has classes
            self.line(f"Classes: {', '.join(model.classes)}")
        self.line("")
        self.line("AudioFeatureGenerator settings:")
        for key, value in params.items():
            if str(key).startswith("fe."):
                self.line(f"{key}={value:5.3f}" if isinstance(value, float) else f"{key}={int(value)}")
        self.line("fe.audio_buffer_size = 16384")
        self.line(f"samplewise_norm.rescale={float(params.get('samplewise_norm.rescale', 0.0)):5.3f}")
        self.line(f"samplewise_norm.mean_and_std={int(params.get('samplewise_norm.mean_and_std', 0))}")
        self.line("")
        problem = model.app_params_problem()
        if problem is not None:
            self.line(problem)
            self.line(APP_PARAMS_ERROR)
            return
        s = model.app_settings()
        self.line("Application settings:")
        for text in (f"average_window_duration_ms={s['average_window_duration_ms']}",
                     f"detection_threshold={s['detection_threshold']}",
                     f"suppression_ms={s['suppression_ms']}", f"minimum_count={s['minimum_count']}",
                     f"sensitivity={model.sensitivity():4.2f}",
                     f"verbose_model_output_logs={s['verbose_model_output_logs']}",
                     f"latency_ms={s['latency_ms']}", f"volume_gain={s['volume_gain']}",
                     "dump_audio=0", "dump_raw_spectrograms=0", "dump_spectrograms=0", ""):
            self.line(text)
        if model.category_count != len(model.classes):
            self.line(f"WARNING: Number of categories({model.category_count}) is not equal to the number of "
                      f"labels({len(model.classes)}).")
            self.line("Make sure that CATEGORY_LABELS is configured correctly for the model in use.")
        if self.args.classifier_loop:
            for text in Path(self.args.classifier_loop).read_text().splitlines():
                self.line(text, PROFILER_LINE_S)
            return
        self.classify_loop(model)

    def classify_loop(self, model: FlashedModel) -> None:
        """recognize_commands.cc over the scripted session: average over the window (or only the latest result
        when minimum_count is 0), top class by strict >, reported when above that class's threshold, its label
        does not start with ``_`` and it is new or the suppression time has passed."""
        s = model.app_settings()
        history: list[tuple[int, list[int]]] = []
        previous = (0, 0)  # class, time of the last detection (firmware starts with class 0 at 0)
        step = max(1, s["latency_ms"])
        now = 100
        passes = 0
        while passes < self.args.passes:
            for scores in session_scores(model.category_count):
                if self.reset_seen():
                    return
                now += step
                if s["verbose_model_output_logs"]:
                    self.line(f"[{now:6d}] ({INFERENCE_MS:3d}) " + "".join(f"{v:3d} " for v in scores))
                if s["minimum_count"] == 0:
                    averages = scores
                else:
                    history.append((now, scores))
                    history = [(t, v) for t, v in history if t >= now - s["average_window_duration_ms"]]
                    averages = ([sum(v[c] for _, v in history) // len(history) for c in range(len(scores))]
                                if len(history) >= s["minimum_count"] else [])
                if averages:
                    top = 0
                    for c in range(len(averages)):
                        if averages[c] > averages[top]:
                            top = c
                    label = model.label(top)
                    if (averages[top] > model.threshold(top) and not label.startswith("_")
                            and (top != previous[0] or now - previous[1] > s["suppression_ms"])):
                        self.line(f"Detected class={top} label={label} score={averages[top]} @{now}ms")
                        previous = (top, now)
                time.sleep(step / 1000 * self.args.time_scale)
            passes += 1

    def run_chatter(self, app: str) -> None:
        """Firmware that is neither profiler nor classifier: its own log, line after line."""
        for count in range(CHATTER_LINES):
            if self.reset_seen():
                return
            self.line(f"[{app}] tick {count}: sensors ok")
            time.sleep(CHATTER_S)

    def run_noise(self) -> None:
        for _ in range(CHATTER_LINES):
            if self.reset_seen():
                return
            self.raw(NOISE_BYTES[:32])
            time.sleep(CHATTER_S)

    # -- reset button ------------------------------------------------------------------------------
    def resets(self) -> int:
        path = self.state / f"resets-{self.args.serialno}"
        try:
            return int(path.read_text())
        except (OSError, ValueError):
            return 0

    def reset_seen(self) -> bool:
        count = self.resets()
        if count != self.seen_resets:
            self.seen_resets = count
            self.pending_reset = True
            return True
        return False

    def serve(self) -> None:
        self.seen_resets = self.resets()
        self.pending_reset = False
        ready = Path(self.args.link + ".ready")
        ready.write_text("ready")
        while True:
            if not self.pending_reset and not self.reset_seen():
                time.sleep(POLL_S)
                continue
            self.pending_reset = False
            flash = self.flash()
            app, accelerator = self.app(flash)
            address, flatbuffer = self.model(flash)
            if self.args.fault == "noise":
                self.run_noise()
            elif app == "model_profiler":
                self.run_profiler(accelerator, address, flatbuffer)
            elif app == "audio_classifier":
                self.run_classifier(accelerator, address, flatbuffer)
            elif app:
                self.run_chatter(app)


def session_scores(n_classes: int) -> list[list[int]]:
    """One pass (150 inferences of 100 ms): the scripted speech as uint8 scores in class order."""
    silence, yes, no = [2, 2, 4, 248], [244, 6, 2, 4], [3, 245, 4, 4]
    unknown, mumbled = [10, 8, 230, 8], [200, 20, 30, 6]
    script = ([silence] * 25 + [yes] * 10 + [silence] * 15 + [no] * 10 + [silence] * 15 + [unknown] * 10
              + [silence] * 15 + [mumbled] * 9 + [silence] * 10 + [no] * 10 + [silence] * 3 + [no] * 10
              + [silence] * 8)
    return [row[:n_classes] + [0] * (n_classes - len(row)) for row in script]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True, help="the stand-in Commander's state folder")
    parser.add_argument("--link", required=True, help="symlink to create to the board's pty")
    parser.add_argument("--serialno", default="440139581")
    parser.add_argument("--fault", default="", choices=("", "hardfault", "alloc", "error", "classifier-error",
                                                         "garbage", "vanish", "silent", "noise", "endless"))
    parser.add_argument("--profiler-log", help="the model profiler prints this log instead of the documented one")
    parser.add_argument("--classifier-loop", help="the audio classifier prints these lines after its start-up "
                        "instead of inferences")
    parser.add_argument("--vanish-after", type=int, default=20, help="lines written before the port vanishes")
    parser.add_argument("--time-scale", type=float, default=1.0, help="wall seconds per simulated second")
    parser.add_argument("--passes", type=int, default=1000, help="classifier session passes before going quiet")
    Board(parser.parse_args()).serve()


if __name__ == "__main__":
    main()
