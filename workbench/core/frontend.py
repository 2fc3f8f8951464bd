"""Typed facade over the native audio frontend (``workbench._frontend``).

Two ways in, one implementation underneath:

* :meth:`MicroFrontend.process_clip` — one model input from fresh state, as MLTK computes
  training spectrograms;
* :meth:`MicroFrontend.feed` — streaming, with the state kept between calls as on the device.
  The output never depends on how the audio is chunked.

The uint16 output is mapped to the int8 model input either with MLTK's fixed range or with its
dynamic (per-spectrogram) scale; see :func:`quantize`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from workbench import _frontend
from workbench.core.frontend_settings import INT8_RANGE_MAX, INT8_RANGE_MIN, FrontendSettings, FrontendSettingsError

__all__ = ["MicroFrontend", "FrontendSettings", "quantize"]

_INT8_VALUE_SCALE = 256
_DYNAMIC_SPAN = 255


def _output_dtype(dtype: Any) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise ValueError(f"dtype must be numpy.uint16 or numpy.int8, got {dtype!r}") from exc
    if dt not in (np.dtype(np.uint16), np.dtype(np.int8)):
        raise ValueError(f"dtype must be numpy.uint16 or numpy.int8, got {dt}")
    return dt


def _as_pcm16(audio: Any, what: str) -> np.ndarray:
    arr = np.asarray(audio)
    if arr.dtype != np.int16:
        hint = " (scale float audio by 32767 and convert to int16 first)" if arr.dtype.kind == "f" else ""
        raise TypeError(f"{what} must be int16 PCM samples, got dtype {arr.dtype}{hint}")
    if arr.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional mono samples, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


def quantize(features: npt.NDArray[np.uint16], settings: FrontendSettings) -> npt.NDArray[np.int8]:
    """Map uint16 frontend output to the int8 model input the way MLTK does.

    Fixed scale: ``((v * 256 + 333) // 666) - 128`` clamped to int8. Dynamic scale (when
    ``quantize_dynamic_scale_enable``): the top ``range_db`` of this spectrogram spans int8.
    """
    v = np.asarray(features, dtype=np.int32)
    span = settings.dynamic_quantize_range
    if span > 0:
        top = int(v.max(initial=0))
        bottom = max(top - span, 0)
        width = max(top - bottom, 1)
        scaled = (v - bottom) * _DYNAMIC_SPAN
        q = np.sign(scaled) * (np.abs(scaled) // width)  # C division truncates toward zero
        out = q - 128
    else:
        div = INT8_RANGE_MAX - INT8_RANGE_MIN
        out = ((v - INT8_RANGE_MIN) * _INT8_VALUE_SCALE + div // 2) // div - 128
    return np.clip(out, -128, 127).astype(np.int8)


class MicroFrontend:
    """The device's audio frontend: int16 audio in, (frames, channels) spectrogram rows out."""

    def __init__(self, settings: FrontendSettings | None = None) -> None:
        self._settings = settings if settings is not None else FrontendSettings()
        self._stream = self._make_native()
        self._clip: Any = None  # a second state for process_clip, made on first use
        geometry = self._stream.geometry()
        self._step = int(geometry["step_samples"])
        self._channels = int(geometry["n_channels"])

    def _make_native(self) -> Any:
        try:
            return self._native_frontend()
        except ValueError as exc:  # FrontendSettings checks the same limits first; this is the last word
            raise FrontendSettingsError(f"the frontend settings cannot be used: {exc}") from None

    def _native_frontend(self) -> Any:
        s = self._settings
        return _frontend.Frontend(
            sample_rate_hz=s.sample_rate_hz,
            window_size_ms=s.window_size_ms,
            window_step_ms=s.window_step_ms,
            fft_length=s.fft_length,
            n_channels=s.filterbank_n_channels,
            lower_band_limit=s.filterbank_lower_band_limit,
            upper_band_limit=s.filterbank_upper_band_limit,
            noise_reduction_enable=s.noise_reduction_enable,
            smoothing_bits=s.noise_reduction_smoothing_bits,
            even_smoothing=s.noise_reduction_even_smoothing,
            odd_smoothing=s.noise_reduction_odd_smoothing,
            min_signal_remaining=s.noise_reduction_min_signal_remaining,
            pcan_enable=s.pcan_enable,
            pcan_strength=s.pcan_strength,
            pcan_offset=s.pcan_offset,
            pcan_gain_bits=s.pcan_gain_bits,
            log_scale_enable=s.log_scale_enable,
            log_scale_shift=s.log_scale_shift,
            activity_enable=s.activity_detection_enable,
            activity_alpha_a=s.activity_detection_alpha_a,
            activity_alpha_b=s.activity_detection_alpha_b,
            activity_arm_threshold=s.activity_detection_arm_threshold,
            activity_trip_threshold=s.activity_detection_trip_threshold,
            dc_notch_enable=s.dc_notch_filter_enable,
            dc_notch_coefficient=s.dc_notch_filter_coefficient,
        )

    @property
    def settings(self) -> FrontendSettings:
        return self._settings

    @property
    def n_channels(self) -> int:
        return self._channels

    @property
    def step_samples(self) -> int:
        return self._step

    def geometry(self) -> dict[str, int]:
        """Window, step and FFT sizes and the filterbank's first/end FFT bin."""
        return dict(self._stream.geometry())

    # ---- one-shot ------------------------------------------------------------------------------
    def process_clip(self, audio: npt.ArrayLike, dtype: Any = np.uint16,
                     history: npt.ArrayLike | None = None) -> np.ndarray:
        """Spectrogram of exactly ``sample_length_ms`` of int16 audio, from fresh state.

        With ``history`` (int16 audio, a whole number of steps long) the frontend hears it first, as the
        board's never-restarted frontend hears the stream before a window: the noise estimate and gain
        control remember it, and the rows are the window's own (cut where a fresh frontend cuts them).
        """
        out_dtype = _output_dtype(dtype)
        pcm = _as_pcm16(audio, "audio")
        expected = self._settings.sample_length
        if pcm.size != expected:
            raise ValueError(
                f"audio must hold exactly {expected} samples ({self._settings.sample_length_ms} ms "
                f"at {self._settings.sample_rate_hz} Hz), got {pcm.size}"
            )
        heard = _as_pcm16(history if history is not None else np.zeros(0, np.int16), "history")
        if heard.size % self._step:
            raise ValueError(f"history must be a whole number of {self._step}-sample steps, got {heard.size}")
        if self._clip is None:
            self._clip = self._make_native()
        self._clip.reset()
        first = heard.size // self._step  # the window's first row, after the history's
        rows = np.empty((first + self._settings.n_frames, self._channels), dtype=np.uint16)
        frames, _ = self._clip.feed(np.concatenate([heard, pcm]) if heard.size else pcm, rows)
        rows = rows[first:frames]
        return rows if out_dtype == np.uint16 else quantize(rows, self._settings)

    # ---- streaming -----------------------------------------------------------------------------
    def frames_for(self, n_samples: int) -> int:
        """How many rows the next ``n_samples`` of audio will complete."""
        need = self._stream.samples_to_next_frame()
        return 0 if n_samples < need else 1 + (n_samples - need) // self._step

    def feed(self, chunk: npt.ArrayLike, dtype: Any = np.uint16) -> np.ndarray:
        """Push any number of samples; returns the rows they complete, shape (new, channels)."""
        out_dtype = _output_dtype(dtype)
        if out_dtype == np.int8 and self._settings.quantize_dynamic_scale_enable:
            raise ValueError(
                "dynamic int8 quantisation scales a whole spectrogram: feed uint16 rows and call "
                "quantize() on the model's input window"
            )
        pcm = _as_pcm16(chunk, "chunk")
        rows = np.empty((self.frames_for(pcm.size), self._channels), dtype=np.uint16)
        done, consumed = self._stream.feed(pcm, rows)
        if done != rows.shape[0] or consumed != pcm.size:  # pragma: no cover - native invariant
            raise RuntimeError(f"frontend produced {done} rows from {consumed} samples")
        return rows if out_dtype == np.uint16 else quantize(rows, self._settings)

    def reset(self) -> None:
        """Forget all streaming state (window, noise estimate, DC filter)."""
        self._stream.reset()

    def activity_detected(self) -> bool:
        """True once after activity detection trips (needs ``activity_detection_enable``)."""
        return bool(self._stream.take_activity())
