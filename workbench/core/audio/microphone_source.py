"""The microphone as an audio source: a PortAudio input stream feeding a preallocated ring.

Real-time rules: the PortAudio callback runs on the driver's thread and must never wait, allocate or
process, or the driver drops audio. So it only copies its block into a :class:`RingBuffer` (sized
for ``ring_seconds``) and counts driver overruns (``status.input_overflow``). Everything else happens
in ``read()`` on the consumer's thread: channel down-mix (for devices that refuse mono), resampling
with a ``soxr.ResampleStream`` when the device refuses 16 kHz, and the gain.

A device that disappears (unplugged, sound server gone) shows up as the stream finishing on its own
or as the callbacks stopping; either sets ``error`` and the next ``read()`` raises DeviceError once
the audio that did arrive has been consumed.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import soxr

from workbench.core.audio.devices import (
    InputDevice,
    OpenStreamCount,
    refresh_devices,
    resolve_input_device,
    sounddevice_module,
)
from workbench.core.audio.source_base import DELIVERY_RATE, AudioSource, GainMode
from workbench.core.errors import DeviceError, SettingsError
from workbench.core.audio.ring_buffer import RingBuffer

DEFAULT_BLOCK_MS = 20  # one spectrogram hop: half the wake-ups of 10 ms
DEFAULT_RING_SECONDS = 10.0
MS_PER_S = 1000
STALL_TIMEOUT_S = 2.0  # no callback for this long while running = the device is gone
WAIT_POLL_S = 0.005  # wait() polls the ring: the callback must not signal (that takes a lock)
RESAMPLE_QUALITY = "HQ"


class MicrophoneSource(AudioSource):
    """Captures 16 kHz mono int16 from ``device`` (index, name, or None for the default input)."""

    default_gain_mode: GainMode = "firmware"

    def __init__(self, device: int | str | None = None, block_ms: int = DEFAULT_BLOCK_MS,
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
        self.device: InputDevice = self._resolve()
        super().__init__(self.device.name)
        self.device_rate = DELIVERY_RATE
        self.channels = 1
        self._stream: Any = None
        self._ring: RingBuffer | None = None
        self._resampler: soxr.ResampleStream | None = None
        self._spill = np.empty(0, np.int16)  # resampled samples beyond a read's max_samples
        self._driver_overflows = 0  # written by the callback thread only
        self._last_callback = 0.0  # written by the callback thread only
        self._running = False
        self._stopping = False

    # -- set-up ---------------------------------------------------------------------------------
    def _resolve(self) -> InputDevice:
        """Find the device; if it is unknown, re-scan once (it may have been plugged in since)."""
        try:
            return resolve_input_device(self.requested_device)
        except DeviceError:
            if not refresh_devices():
                raise
            return resolve_input_device(self.requested_device)

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
                except Exception as exc:  # PortAudioError or ValueError: try the next format
                    last_error = exc
        raise DeviceError(f"the audio input {self.device.name!r} accepts none of "
                          f"{', '.join(f'{r} Hz' for r in rates)} in 16-bit mono or stereo ({last_error})")

    def start(self) -> None:
        if self._stream is not None:
            return
        sd = sounddevice_module()
        self.device = self._resolve()
        self.name = self.device.name
        self.device_rate, self.channels = self._choose_format(sd)
        block = max(1, self.device_rate * self.block_ms // MS_PER_S)
        self._ring = RingBuffer(max(block, int(self.ring_seconds * self.device_rate)), np.int16, self.channels)
        self._resampler = (None if self.device_rate == DELIVERY_RATE else
                           soxr.ResampleStream(self.device_rate, DELIVERY_RATE, 1, dtype="int16",
                                               quality=RESAMPLE_QUALITY))
        self._spill = np.empty(0, np.int16)
        self._driver_overflows = 0
        self.error = None
        self._stopping = False
        try:
            stream = sd.InputStream(device=self.device.index, samplerate=self.device_rate, channels=self.channels,
                                    dtype="int16", blocksize=block, callback=self._callback,
                                    finished_callback=self._on_finished)
        except Exception as exc:  # PortAudioError, ValueError (busy, vanished since the scan)
            raise DeviceError(f"cannot open the audio input {self.device.name!r}: {exc}") from exc
        OpenStreamCount.opened()
        self._stream = stream
        self._last_callback = time.monotonic()
        try:
            stream.start()
        except Exception as exc:
            self._close_stream()
            raise DeviceError(f"cannot start the audio input {self.device.name!r}: {exc}") from exc
        self._running = True

    def stop(self) -> None:
        self._stopping = True
        self._running = False
        self._close_stream()

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            if self.error:
                stream.abort()
            else:
                stream.stop()
        except Exception:  # noqa: BLE001 - a dead device cannot be stopped cleanly; close anyway
            pass
        try:
            stream.close()
        except Exception:  # noqa: BLE001
            pass
        OpenStreamCount.closed()

    # -- real-time thread -----------------------------------------------------------------------
    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: copy into the ring and count overruns, nothing else."""
        if status.input_overflow:
            self._driver_overflows += 1
        self._ring.write(indata)  # type: ignore[union-attr]
        self._last_callback = time.monotonic()

    def _on_finished(self) -> None:
        if not self._stopping:
            self.error = f"the audio input {self.name!r} stopped delivering audio (unplugged or sound server gone?)"

    # -- consumer thread ------------------------------------------------------------------------
    def _check_alive(self) -> None:
        if (self._running and self.error is None and self._stream is not None
                and time.monotonic() - self._last_callback > STALL_TIMEOUT_S):
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
