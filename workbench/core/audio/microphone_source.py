"""The microphone as an audio source: a PortAudio input stream feeding a preallocated ring.

Real-time rules: the PortAudio callback runs on the driver's thread and must never wait, allocate or
process, or the driver drops audio. So it only copies its block into a :class:`RingBuffer` (sized
for ``ring_seconds``) and counts driver overruns (``status.input_overflow``). Everything else happens
in ``read()`` on the consumer's thread: channel down-mix (for devices that refuse mono), resampling
with a ``soxr.ResampleStream`` when the device refuses 16 kHz, and the gain.

Which device: the one asked for (index, name, :class:`~workbench.core.audio.devices.DeviceIdentity`, or None for
the default input) is looked up once; every later ``start()`` reopens that same device by its identity
(``stable_device``), because a re-scan in between (hot-plug) may have given its index to another input. Only the
default input is looked up again each time: it follows whatever the system's default is then.

A device that disappears (unplugged, sound server gone) shows up as the stream finishing on its own
or as the callbacks stopping; either sets ``error`` and the next ``read()`` raises DeviceError once
the audio that did arrive has been consumed. Callbacks only count as stopped while the reader was there to see
them: a process that was itself stopped (Ctrl+Z then ``fg``, a debugger) stopped the callback thread too, and the
sound server hands over what it kept meanwhile, so the device gets its full ``STALL_TIMEOUT_S`` again from then.

A stalled sound server makes PortAudio's open and close block for as long as it stalls, so both run
through :func:`~workbench.core.audio.portaudio_guard.call_bounded`: the caller waits at most
``OPEN_TIMEOUT_S``/``CLOSE_TIMEOUT_S``, then the stream is given up (closed in the background when the
server answers) and the failure is reported as ``error``. While a stream is in use, PortAudio's and
ALSA's raw diagnostics are kept out of the terminal (:mod:`~workbench.core.native_noise`).
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import numpy as np
import soxr

from workbench.core import native_noise
from workbench.core.audio.devices import (
    DeviceIdentity,
    InputDevice,
    OpenStreamCount,
    refresh_devices,
    resolve_input_device,
    sounddevice_module,
)
from workbench.core.audio.portaudio_guard import STALLED_HINT, AudioStalledError, call_bounded
from workbench.core.audio.source_base import DELIVERY_RATE, AudioSource, GainMode
from workbench.core.errors import DeviceError, SettingsError
from workbench.core.audio.ring_buffer import RingBuffer

DEFAULT_BLOCK_MS = 20  # one spectrogram hop: half the wake-ups of 10 ms
DEFAULT_RING_SECONDS = 10.0
MS_PER_S = 1000
STALL_TIMEOUT_S = 2.0  # no callback for this long while running = the device is gone
# a reader that last looked this long ago was not running either (its process stopped): the silence it finds
# says nothing about the device; a reader looks every few milliseconds while it waits for audio
READER_ABSENT_S = STALL_TIMEOUT_S / 4
WAIT_POLL_S = 0.005  # wait() polls the ring: the callback must not signal (that takes a lock)
RESAMPLE_QUALITY = "HQ"
OPEN_TIMEOUT_S = 3.0  # a healthy open takes well under 1 s even on a loaded machine
CLOSE_TIMEOUT_S = 1.0  # a healthy abort/close takes milliseconds
# PortAudio's answers that mean "not this rate/channels/sample format" (try the next one); any other error
# (paUnanticipatedHostError, paDeviceUnavailable, ...) means the device cannot be opened at all
PA_INVALID_SAMPLE_RATE = -9997
PA_INVALID_CHANNEL_COUNT = -9998
PA_SAMPLE_FORMAT_NOT_SUPPORTED = -9994
FORMAT_REFUSALS = (PA_INVALID_SAMPLE_RATE, PA_INVALID_CHANNEL_COUNT, PA_SAMPLE_FORMAT_NOT_SUPPORTED)
HOST_ERROR_TEXT_INDEX = 2  # PortAudioError.args[2] = (host API, host error code, host error text)


def _is_format_refusal(exc: Exception) -> bool:
    """True when PortAudio refused the format, not the device (sounddevice raises ValueError for bad
    parameters and PortAudioError(message, code[, host info]) for PortAudio's own errors)."""
    if isinstance(exc, ValueError):
        return True
    args = getattr(exc, "args", ())
    return len(args) > 1 and args[1] in FORMAT_REFUSALS


def _device_failure(exc: Exception) -> str:
    """The short reason a device cannot be opened: the host's own words (``Input/output error``) if any."""
    args = getattr(exc, "args", ())
    if len(args) > HOST_ERROR_TEXT_INDEX:
        host_text = str(args[HOST_ERROR_TEXT_INDEX][-1]).strip()
        if host_text:
            return host_text
    return str(args[0] if args else exc).strip() or type(exc).__name__


class MicrophoneSource(AudioSource):
    """Captures 16 kHz mono int16 from ``device`` (index, name, identity, or None for the default input)."""

    default_gain_mode: GainMode = "firmware"

    def __init__(self, device: int | str | DeviceIdentity | None = None, block_ms: int = DEFAULT_BLOCK_MS,
                 ring_seconds: float = DEFAULT_RING_SECONDS, capture_rate: int | None = None) -> None:
        """``capture_rate`` forces the device rate (then resampled to 16 kHz), for devices whose own
        16 kHz conversion is poor; by default 16 kHz is used whenever the device accepts it."""
        if int(block_ms) <= 0:
            raise SettingsError(f"block length must be a positive number of milliseconds, got {block_ms}")
        if not ring_seconds > 0:
            raise SettingsError(f"ring buffer length must be positive, got {ring_seconds} s")
        self.requested_device = device
        self.block_ms = int(block_ms)
        self.ring_seconds = float(ring_seconds)
        if capture_rate is not None and int(capture_rate) <= 0:
            raise SettingsError(f"capture rate must be a positive number of Hz, got {capture_rate}")
        self.capture_rate = None if capture_rate is None else int(capture_rate)
        self.device: InputDevice = self._resolve(device)
        # what start() opens: the input just found, by its identity (None: the default input, whichever it is then)
        self.stable_device: DeviceIdentity | None = None if device is None else self.device.identity
        super().__init__(self.device.name)
        self.device_rate = DELIVERY_RATE
        self.channels = 1
        self._stream: Any = None
        self._ring: RingBuffer | None = None
        self._resampler: soxr.ResampleStream | None = None
        self._spill = np.empty(0, np.int16)  # resampled samples beyond a read's max_samples
        self._driver_overflows = 0  # written by the callback thread only
        self._last_callback = 0.0  # written by the callback thread only
        self._last_look = 0.0  # when the reader last checked for callbacks (the reader's thread only)
        self._watched_since = 0.0  # since when the reader has been checking without a gap (the reader's thread only)
        self._running = False
        self._stopping = False

    # -- set-up ---------------------------------------------------------------------------------
    @staticmethod
    def _resolve(device: int | str | DeviceIdentity | None) -> InputDevice:
        """Find the device; if it is unknown, re-scan once (it may have been plugged in since)."""
        try:
            return resolve_input_device(device)
        except DeviceError:
            if not refresh_devices():
                raise
            return resolve_input_device(device)

    def _choose_format(self, sd: Any) -> tuple[int, int]:
        """16 kHz mono if the device takes it, else its own rate and/or up to two channels."""
        rates = ([self.capture_rate] if self.capture_rate else
                 [DELIVERY_RATE, int(round(self.device.default_samplerate))])
        channel_options = [1] + ([min(2, self.device.max_input_channels)] if self.device.max_input_channels > 1 else [])
        last_error: Exception | None = None
        for channels in channel_options:
            for rate in rates:
                try:
                    sd.check_input_settings(device=self.device.index, channels=channels, dtype="int16",
                                            samplerate=rate)
                    return rate, channels
                except Exception as exc:  # PortAudioError or ValueError
                    if not _is_format_refusal(exc):  # the device itself failed: no format will do
                        raise DeviceError(f"cannot open the audio input {self.device.name!r} "
                                          f"({_device_failure(exc)})") from exc
                    last_error = exc
        raise DeviceError(f"the audio input {self.device.name!r} accepts none of "
                          f"{', '.join(f'{r} Hz' for r in rates)} in 16-bit mono or stereo ({last_error})")

    def start(self) -> None:
        if self._stream is not None:
            return
        sd = sounddevice_module()
        self.device = self._resolve(self.stable_device)
        self.name = self.device.name
        native_noise.hold()  # released when the stream is closed (or did not open)
        opening = self._stalled("open", OPEN_TIMEOUT_S)
        rate, channels = call_bounded(partial(self._choose_format, sd), OPEN_TIMEOUT_S, opening,
                                      cleanup=lambda _format: native_noise.release())
        block = max(1, rate * self.block_ms // MS_PER_S)
        ring = RingBuffer(max(block, int(self.ring_seconds * rate)), np.int16, channels)
        self.device_rate, self.channels, self._ring = rate, channels, ring
        self._resampler = (None if rate == DELIVERY_RATE else
                           soxr.ResampleStream(rate, DELIVERY_RATE, 1, dtype="int16", quality=RESAMPLE_QUALITY))
        self._spill = np.empty(0, np.int16)
        self._driver_overflows = 0
        self.error = None
        self._stopping = False
        self._last_callback = self._last_look = self._watched_since = time.monotonic()
        self._stream = call_bounded(partial(self._open_stream, sd, ring, rate, channels, block), OPEN_TIMEOUT_S,
                                    opening, cleanup=_close_unwanted)
        self._running = True

    def _open_stream(self, sd: Any, ring: RingBuffer, rate: int, channels: int, block: int) -> Any:
        """Open and start a stream writing into ``ring`` (runs on a bounded call's thread)."""
        name = self.device.name
        try:
            stream = sd.InputStream(device=self.device.index, samplerate=rate, channels=channels, dtype="int16",
                                    blocksize=block, callback=partial(self._callback, ring),
                                    finished_callback=partial(self._on_finished, ring))
        except Exception as exc:  # PortAudioError, ValueError (busy, vanished since the scan)
            raise DeviceError(f"cannot open the audio input {name!r} ({_device_failure(exc)})") from exc
        OpenStreamCount.opened()
        try:
            stream.start()
        except Exception as exc:
            _close_quietly(stream, abort=True)
            raise DeviceError(f"cannot start the audio input {name!r} ({_device_failure(exc)})") from exc
        return stream

    def _stalled(self, action: str, timeout_s: float) -> str:
        return f"the audio input {self.name!r} did not {action} within {timeout_s:g} s ({STALLED_HINT})"

    def stop(self) -> None:
        self._stopping = True
        self._running = False
        self._close_stream()

    def _close_stream(self) -> None:
        """Stop and close the stream, waiting at most CLOSE_TIMEOUT_S; a stream that does not close in
        time is given up (closed when the server answers) and reported as ``error``."""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        abort = self.error is not None
        try:
            call_bounded(partial(_close_quietly, stream, abort), CLOSE_TIMEOUT_S,
                         self._stalled("stop", CLOSE_TIMEOUT_S), cleanup=lambda _none: native_noise.release(),
                         refuse_when_stalled=False)
        except AudioStalledError as exc:  # given up: closed (and the filter released) when the server answers
            self.error = self.error or str(exc)
            return
        native_noise.release()

    # -- real-time thread -----------------------------------------------------------------------
    def _callback(self, ring: RingBuffer, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: copy into the ring and count overruns, nothing else."""
        if ring is not self._ring:  # a stream that was given up and has not been closed yet
            return
        if status.input_overflow:
            self._driver_overflows += 1
        ring.write(indata)
        self._last_callback = time.monotonic()

    def _on_finished(self, ring: RingBuffer) -> None:
        if not self._stopping and ring is self._ring:
            self.error = f"the audio input {self.name!r} stopped delivering audio (unplugged or sound server gone?)"

    # -- consumer thread ------------------------------------------------------------------------
    def _check_alive(self) -> None:
        """Set ``error`` when no callback came for STALL_TIMEOUT_S of the time the reader was looking."""
        now = time.monotonic()
        if now - self._last_look > READER_ABSENT_S:  # the reader was away: count the silence from now on
            self._watched_since = now
        self._last_look = now
        silent_since = max(self._last_callback, self._watched_since)
        if (self._running and self.error is None and self._stream is not None
                and now - silent_since > STALL_TIMEOUT_S):
            self.error = (f"the audio input {self.name!r} delivered nothing for {STALL_TIMEOUT_S:g} s "
                          "(unplugged or sound server gone?)")

    def _read_raw(self, max_samples: int | None) -> np.ndarray:
        ring = self._ring
        if ring is None:
            return np.empty(0, np.int16)
        want = max_samples
        if want is not None and self._resampler is not None:
            want = max(1, int(want * self.device_rate / DELIVERY_RATE))
        block = ring.read(want)
        if block.size == 0 and self._spill.size == 0:
            self._check_alive()
            if self.error is not None:
                self._running = False
                raise DeviceError(self.error)
            return block if block.ndim == 1 else np.empty(0, np.int16)
        if self.channels > 1:  # mean of the channels, rounded like the file loader
            block = np.rint(block.mean(axis=1)).astype(np.int16)
        if self._resampler is not None:
            block = self._resampler.resample_chunk(block)
            if self._spill.size:
                block = np.concatenate([self._spill, block])
            # the resampler's output size varies by a sample or so: keep "up to max_samples" exact
            limit = block.size if max_samples is None else max_samples
            block, self._spill = block[:limit], block[limit:]
        return block

    def wait(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + max(0.0, float(timeout_s))
        while True:
            ring = self._ring
            if (ring is not None and ring.available > 0) or self._spill.size or self.error is not None:
                return True
            self._check_alive()
            now = time.monotonic()
            if now >= deadline or (not self._running and self._stream is None):
                return self.error is not None
            time.sleep(min(WAIT_POLL_S, deadline - now))

    @property
    def pending_samples(self) -> int:
        ring = self._ring
        waiting = 0 if ring is None else int(ring.available * DELIVERY_RATE / self.device_rate)
        return waiting + self._spill.size

    @property
    def overflows(self) -> int:
        ring = self._ring
        return self._driver_overflows + (ring.overflows if ring is not None else 0)

    @property
    def dropped_samples(self) -> int:
        ring = self._ring
        return 0 if ring is None else int(ring.dropped * DELIVERY_RATE / self.device_rate)

    @property
    def running(self) -> bool:
        return self._running


def _close_quietly(stream: Any, abort: bool) -> None:
    """Stop (or abort, for a dead device) and close ``stream``; a dead device cannot be stopped cleanly."""
    try:
        if abort:
            stream.abort()
        else:
            stream.stop()
    except Exception:  # noqa: BLE001 - close anyway
        pass
    try:
        stream.close()
    except Exception:  # noqa: BLE001
        pass
    OpenStreamCount.closed()


def _close_unwanted(stream: Any) -> None:
    """A stream whose open was given up but finally succeeded: nobody reads it, close it."""
    if stream is not None:
        _close_quietly(stream, abort=True)
    native_noise.release()
