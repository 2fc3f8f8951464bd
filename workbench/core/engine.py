"""The streaming pipeline: samples → frontend → model every ``latency_ms`` → detector.

It mirrors the EFR32 ``audio_classifier`` firmware loop (MLTK ``audio_classifier.cc``): every
``latency_ms`` the device turns all audio that has arrived into spectrogram rows, copies the newest
``frames`` rows into the model input (quantising the whole window, so dynamic int8 scaling sees the
same window the device sees), invokes the model and hands the scores to the recognizer with the loop's
timestamp. Here the clock is *stream time* (samples consumed), so replaying a file gives the same
decisions every time and the same decisions as the live microphone fed the same samples, however the
audio is chunked: :meth:`Engine.process` cuts its input at the inference instants itself.

The engine knows nothing about threads, devices or Qt. :class:`~workbench.core.live_session.LiveSession`
drives it from a worker thread; the CLI and the tests call :meth:`Engine.process` directly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np
import numpy.typing as npt

from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.detector import Detection, make_detector
from workbench.core.errors import ModelError
from workbench.core.frontend import MicroFrontend, quantize
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import LoadedModel
from workbench.core.model.model_input import require_fit

MS_PER_SECOND = 1000
SEMANTICS = ("mltk", "tflm")


@dataclass(frozen=True)
class InferenceResult:
    """One model invocation as the firmware loop sees it."""

    time_s: float  # stream time of the inference (end of the audio it saw)
    scores: npt.NDArray[np.uint8]  # raw model output as 0–255 scores (int8 + 128)
    averages: npt.NDArray[np.uint8]  # the detector's smoothed scores after this result
    detection: Detection | None
    ran_model: bool = True  # False when activity detection held the model back


@dataclass(frozen=True)
class EngineOptions:
    """How the engine runs, beyond the model's own parameters."""

    semantics: str = "mltk"  # detector rules: MLTK audio_classifier or TFLM micro_speech
    fresh_state: bool = False  # recompute each window from fresh frontend state, as in training

    def __post_init__(self) -> None:
        if self.semantics not in SEMANTICS:
            raise ValueError(f"semantics must be one of {SEMANTICS}, got {self.semantics!r}")


class Engine:
    """Turns a stream of int16 samples into inference results and detections.

    Not thread-safe except for :meth:`set_detection_settings`, which any thread may call: the new
    settings take effect at the next inference.
    """

    def __init__(
        self,
        model: LoadedModel,
        detection: DetectionSettings | None = None,
        options: EngineOptions | None = None,
    ) -> None:
        self.model = model
        self.options = options or EngineOptions()
        self.frontend_settings = FrontendSettings.from_params(model.params)
        self._runner = ModelRunner(model.tflite, params=model.params, graph=model.graph)
        frames, channels = require_fit(self._runner.spectrogram, model.name)  # what fills the input
        self.classes: tuple[str, ...] = model.classes
        if len(self.classes) != self._runner.num_classes:
            raise ModelError(
                f"model {model.name} lists {len(self.classes)} classes but outputs "
                f"{self._runner.num_classes} scores"
            )
        self._features_dtype = np.dtype(self._runner.features_dtype)
        self._frontend = MicroFrontend(self.frontend_settings)
        self._window = np.zeros((frames, channels), dtype=np.uint16)
        self._clip_audio = np.zeros(self.frontend_settings.sample_length, dtype=np.int16)
        self._settings_lock = threading.Lock()
        self._pending_settings: DetectionSettings | None = None
        self._detection_settings = detection or DetectionSettings.from_params(model.params)
        self._detector = make_detector(self.options.semantics, self.classes, self._detection_settings)
        self._samples = 0
        self._inferences = 0
        self._display_settings = self.frontend_settings.replace(quantize_dynamic_scale_enable=False)
        self.row_listeners: list[Callable[[npt.NDArray[np.int8]], None]] = []

    # -- properties -------------------------------------------------------------------------
    @property
    def sample_rate(self) -> int:
        return int(self.frontend_settings.sample_rate_hz)

    @property
    def stream_time_s(self) -> float:
        return self._samples / self.sample_rate

    @property
    def samples_seen(self) -> int:
        return self._samples

    @property
    def detection_settings(self) -> DetectionSettings:
        with self._settings_lock:
            return self._pending_settings or self._detection_settings

    @property
    def hop_samples(self) -> int:
        """Samples between two inferences (``latency_ms`` of stream time)."""
        return max(1, self.detection_settings.latency_ms * self.sample_rate // MS_PER_SECOND)

    @property
    def runner(self) -> ModelRunner:
        return self._runner

    def set_detection_settings(self, settings: DetectionSettings) -> None:
        """Apply new detection parameters at the next inference (any thread).

        Settings that do not fit the model (a threshold list without one entry per class) raise
        :class:`~workbench.core.errors.SettingsError` here, in the caller's thread, and are not queued: the
        worker that applies them later could only fail mid-stream, with no caller left to tell.
        """
        self._detector.check_settings(settings)  # reads only the detector's immutable class names
        with self._settings_lock:
            self._pending_settings = settings

    # -- processing -------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the state of a freshly flashed device: empty spectrogram, fresh frontend."""
        self._frontend.reset()
        self._window[:] = 0
        self._clip_audio[:] = 0
        self._samples = 0
        self._inferences = 0
        self._detector.reset()

    def process(self, samples: npt.ArrayLike) -> list[InferenceResult]:
        """Consume int16 mono samples; return the inferences that fell inside them, in order."""
        audio = np.asarray(samples)
        if audio.dtype != np.int16 or audio.ndim != 1:
            raise ValueError(f"engine input must be 1-D int16 samples, got {audio.dtype} {audio.shape}")
        results: list[InferenceResult] = []
        pos = 0
        while pos < audio.size:
            hop = self._apply_pending_settings()
            next_inference = (self._samples // hop + 1) * hop
            take = min(audio.size - pos, next_inference - self._samples)
            self._consume(audio[pos : pos + take])
            pos += take
            if self._samples == next_inference:
                results.append(self._infer())
        return results

    def run_clip(self, audio: npt.ArrayLike) -> list[InferenceResult]:
        """Offline replay from a fresh state, through exactly the live path."""
        self.reset()
        return self.process(audio)

    def _apply_pending_settings(self) -> int:
        with self._settings_lock:
            pending, self._pending_settings = self._pending_settings, None
        if pending is not None and pending != self._detection_settings:
            self._detector.update_settings(pending)  # first: what it refuses never becomes the engine's
            self._detection_settings = pending
        return max(1, self._detection_settings.latency_ms * self.sample_rate // MS_PER_SECOND)

    def _consume(self, chunk: np.ndarray) -> None:
        self._samples += chunk.size
        if self.options.fresh_state:
            keep = min(chunk.size, self._clip_audio.size)
            self._clip_audio = np.roll(self._clip_audio, -keep)
            self._clip_audio[-keep:] = chunk[-keep:]
        rows = self._frontend.feed(chunk, np.uint16)
        if not rows.shape[0]:
            return
        n = min(rows.shape[0], self._window.shape[0])
        self._window = np.roll(self._window, -n, axis=0)
        self._window[-n:] = rows[-n:]
        if self.row_listeners:
            display = quantize(rows, self._display_settings)
            for listener in self.row_listeners:
                listener(display)

    def model_input(self) -> np.ndarray:
        """The spectrogram the model would see now, in the model's input dtype."""
        if self.options.fresh_state:
            window = MicroFrontend(self.frontend_settings).process_clip(self._clip_audio, np.uint16)
        else:
            window = self._window
        if self._features_dtype == np.int8:
            return quantize(window, self.frontend_settings)
        return window.copy()

    def _infer(self) -> InferenceResult:
        time_ms = self._samples * MS_PER_SECOND // self.sample_rate
        time_s = self._samples / self.sample_rate
        active = (not self.frontend_settings.activity_detection_enable) or self._frontend.activity_detected()
        if not active:
            n = len(self.classes)
            return InferenceResult(time_s, np.zeros(n, np.uint8), self._averages(), None, ran_model=False)
        scores = self._runner.scores_u8(self.model_input())
        detection = self._detector.process(scores, time_ms)
        self._inferences += 1
        if detection is not None and self._detector_resets_frontend():
            self._frontend.reset()
            self._window[:] = 0
        return InferenceResult(time_s, scores, self._averages(), detection)

    def _averages(self) -> npt.NDArray[np.uint8]:
        return np.asarray(self._detector.averages, dtype=np.uint8).copy()

    def _detector_resets_frontend(self) -> bool:
        return bool(getattr(self._detector, "resets_frontend_after_detection", False))


def detections_of(results: list[InferenceResult]) -> list[Detection]:
    """The detections among a list of inference results."""
    return [r.detection for r in results if r.detection is not None]
