"""Which spectrogram fills a model's input tensor: the one rule the runner, the engine, the evaluation and the
model views share, so ``kws info``/``detect``/``evaluate``/``calibrate`` and the GUI accept the same models.

Why element counts and not shapes: MLTK's EFR32 firmware (``sl_ml_audio_feature_generation_fill_tensor``)
copies the frontend's frames x channels features into the input tensor in row-major order whatever the
tensor's shape, and only checks that the sizes agree. So ``[1, 49, 40, 1]``, ``[1, 49, 40]`` and the
flattened ``[1, 1960]`` of Edge Impulse style exports all run on the board with 49 x 40 ``fe.*`` settings,
while a ``[1, 49, 10, 1]`` MFCC model does not. A tensor that spells out other frames x channels of the same
size (``[1, 40, 49, 1]``) would be filled too, with the features in the wrong places, so it is refused.
The frontend's shape comes from the model's ``fe.*`` parameters, or from the workbench's defaults (those of
``tflite_micro_speech``) when it has none, as the firmware falls back to its own.

A model whose input the frontend cannot fill is still loadable (the profiler runs it on raw tensors and
training checks its bare conversions, which carry no parameters yet); :attr:`SpectrogramInput.feature_shape`
is where the mismatch becomes an error, with a sentence that says which ``fe.*`` values would match.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any, Mapping, Sequence

from workbench.core.errors import ModelError
from workbench.core.frontend_settings import PARAM_PREFIX, FrontendSettings, FrontendSettingsError

BATCH_AXIS = 0
SPECTROGRAM_DIMS = 2  # frames x channels


@dataclass(frozen=True)
class SpectrogramInput:
    """How the frontend's spectrogram meets one model input tensor."""

    input_shape: tuple[int, ...]
    frontend_shape: tuple[int, int] | None  # (frames, channels) the fe.* settings give; None when they are invalid
    tensor_shape: tuple[int, int] | None  # the tensor's own frames x channels, when it has two dimensions > 1
    problem: str  # why the board could not fill this input with the frontend's spectrogram ("" when it can)

    @property
    def fits(self) -> bool:
        return not self.problem

    @property
    def feature_shape(self) -> tuple[int, int]:
        """(frames, channels) of the spectrogram fed to the model; ModelError when the frontend cannot fill it."""
        if self.problem or self.frontend_shape is None:
            raise ModelError(self.problem)
        return self.frontend_shape


def tensor_count_problem(input_count: int, output_count: int) -> str:
    """Why a model with this many inputs and outputs cannot be run as a spectrogram classifier ("" when it
    can): one spectrogram in, one row of class scores out."""
    if input_count != 1 or output_count != 1:
        return f"expected a model with one input and one output, got {input_count} and {output_count}"
    return ""


def stream_problem(input_shapes: Sequence[Sequence[int]], output_count: int, params: Mapping[str, Any]) -> str:
    """Why the stream cannot run a model with these inputs and outputs ("" when it can), for views that
    describe a model (``kws info``, the Model workspace) before anyone tries to run it; the runner's
    (:class:`~workbench.core.model.inference.ModelRunner`) checks, in its words."""
    return (tensor_count_problem(len(input_shapes), output_count)
            or spectrogram_input(input_shapes[0], params).problem)


def require_fit(layout: SpectrogramInput, model_name: str) -> tuple[int, int]:
    """The (frames, channels) to feed, or ModelError naming the model (a comparison of several must say which)."""
    if layout.problem or layout.frontend_shape is None:
        raise ModelError(f"model {model_name}: {layout.problem}")
    return layout.frontend_shape


def tensor_spectrogram_shape(input_shape: Sequence[int]) -> tuple[int, int] | None:
    """The (frames, channels) a tensor shape spells out -- its two dimensions > 1 after the batch axis
    (``[1, 49, 10, 1]`` and ``[1, 99, 13]``) -- or None when it does not have exactly two (``[1, 1960]``)."""
    shape = [int(d) for d in input_shape]
    rest = shape[BATCH_AXIS + 1:]
    spatial = [d for d in rest if d != 1] if len(shape) > SPECTROGRAM_DIMS else rest
    return (spatial[0], spatial[1]) if len(spatial) == SPECTROGRAM_DIMS else None


def _matching_changes(settings: FrontendSettings, wanted: tuple[int, int]) -> dict[str, int] | None:
    """``fe.*`` changes that make ``settings`` give ``wanted`` (frames, channels), or None when none is found.

    Channels are one setting; for frames the step is tried first (it keeps the audio's duration), then the
    sample length, each checked by building the settings, so a suggestion is always one the frontend takes."""
    frames, channels = wanted
    changes: dict[str, int] = {}
    if channels != settings.filterbank_n_channels:
        changes["filterbank_n_channels"] = channels
    if frames != settings.n_frames:
        candidates: list[tuple[str, int]] = [
            ("window_step_ms", step) for step in sorted(range(1, settings.window_size_ms + 1),
                                                        key=lambda s: abs(s - settings.window_step_ms))]
        candidates.append(("sample_length_ms", settings.window_size_ms + (frames - 1) * settings.window_step_ms))
        for name, value in candidates:
            try:
                if settings.replace(**{name: value}).n_frames == frames:
                    changes[name] = value
                    break
            except FrontendSettingsError:
                continue
        else:
            return None
    try:
        if settings.replace(**changes).spectrogram_shape != wanted:
            return None
    except FrontendSettingsError:
        return None
    return changes


def _settings_source(params: Mapping[str, Any]) -> str:
    if any(str(key).startswith(PARAM_PREFIX) for key in params):
        return "the frontend settings give"
    return "the default frontend settings (the model has no fe.* parameters) give"


def spectrogram_input(input_shape: Sequence[int], params: Mapping[str, Any]) -> SpectrogramInput:
    """How the spectrogram of ``params``' frontend (``fe.*``, else the defaults) fills ``input_shape``:
    it does when the element counts are equal, as on the board; otherwise ``problem`` says what would work."""
    shape = tuple(int(d) for d in input_shape)
    tensor_shape = tensor_spectrogram_shape(shape)
    try:
        settings = FrontendSettings.from_params(params)
    except FrontendSettingsError as exc:
        return SpectrogramInput(shape, None, tensor_shape, f"the model's frontend settings cannot be used: {exc}")
    frames, channels = settings.spectrogram_shape
    values = prod(shape)
    if values == frames * channels and tensor_shape in (None, (frames, channels)):
        return SpectrogramInput(shape, (frames, channels), tensor_shape, "")
    source = _settings_source(params)
    if tensor_shape is None:
        problem = (f"the model input {list(shape)} holds {values} values; {source} {frames} x {channels} = "
                   f"{frames * channels}: set fe.* to match, or export the model with a [1, {frames}, {channels}, 1] "
                   "input")
    else:
        changes = _matching_changes(settings, tensor_shape)
        fix = " and ".join(f"{PARAM_PREFIX}{k}={v}" for k, v in changes.items()) if changes else "fe.*"
        problem = (f"the model input {list(shape)} is a {tensor_shape[0]} x {tensor_shape[1]} spectrogram; "
                   f"{source} {frames} x {channels}: set {fix} to match")
        if values == frames * channels:  # the board would fill it all the same, frames and channels mixed up
            problem += (f" (its {values} values would be filled row-major with {frames} frames of {channels} "
                        "channels: another input altogether)")
    return SpectrogramInput(shape, (frames, channels), tensor_shape, problem)
