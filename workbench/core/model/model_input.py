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

The input's type is part of the rule too (:func:`input_type_problem`): the runner feeds int8, uint8, uint16 and
float32 tensors only. A uint8 input is fed the raw spectrogram quantised with the tensor's own scale and zero point;
one quantised for another range (a converter's default of -128..127 for ``inference_input_type=tf.uint8``) runs,
with most values clipped, so :func:`input_range_problem` says which ones, for the runner to pass on as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from workbench.core.errors import ModelError
from workbench.core.frontend_settings import (INT8_RANGE_MAX, INT8_RANGE_MIN, PARAM_PREFIX, FrontendSettings,
                                              FrontendSettingsError)

if TYPE_CHECKING:
    from workbench.core.model.tflite_graph import ModelGraph

BATCH_AXIS = 0
SPECTROGRAM_DIMS = 2  # frames x channels
# the input tensor types the runner knows how to fill (module docstring of workbench.core.model.inference)
SUPPORTED_INPUT_TYPES = ("int8", "uint8", "uint16", "float32")
UINT8_INPUT = "uint8"
_UINT8_LIMITS = (0, 255)
# the share of the raw spectrogram's range (INT8_RANGE_MIN..INT8_RANGE_MAX) a uint8 input may leave out before it is
# worth a warning: a calibration on real clips stops a little short of the range's ends
_TOLERATED_CLIPPED_SHARE = 0.1


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


def input_type_problem(dtype: str) -> str:
    """Why the runner cannot fill an input tensor of type ``dtype`` (a numpy name, "int16"), "" when it can."""
    if dtype in SUPPORTED_INPUT_TYPES:
        return ""
    *others, last = SUPPORTED_INPUT_TYPES
    return (f"the model's input type {dtype} is not supported (the workbench feeds {', '.join(others)} or {last} "
            "spectrograms): convert the model with int8 input and output, as the board's firmware takes it "
            "(the converter's inference_input_type=tf.int8 and inference_output_type=tf.int8, with "
            "tf.lite.OpsSet.TFLITE_BUILTINS_INT8)")


def input_range_problem(dtype: str, scale: float, zero_point: int) -> str:
    """Which of the spectrogram's values an input tensor clips ("" when it holds them, or is not uint8).

    Only a uint8 input can: it is fed the raw spectrogram (about ``INT8_RANGE_MIN..INT8_RANGE_MAX``) quantised
    with its own ``scale`` and ``zero_point`` (a scale of 0, no quantisation, counts as 1, as the runner reads it)
    and clipped to 0..255; every other input takes the values as they come."""
    if dtype != UINT8_INPUT:
        return ""
    step = scale or 1.0
    low, high = ((limit - zero_point) * step for limit in _UINT8_LIMITS)
    tolerated = _TOLERATED_CLIPPED_SHARE * (INT8_RANGE_MAX - INT8_RANGE_MIN)
    clipped: list[str] = []
    if low > INT8_RANGE_MIN + tolerated:
        clipped.append(f"below {low:.4g} become {_UINT8_LIMITS[0]}")
    if high < INT8_RANGE_MAX - tolerated:
        clipped.append(f"above {high:.4g} become {_UINT8_LIMITS[1]}")
    if not clipped:
        return ""
    return (f"the model's uint8 input (scale {scale:.4g}, zero point {zero_point}) holds {low:.4g}..{high:.4g}, but "
            f"the workbench feeds a uint8 input the frontend's raw spectrogram ({INT8_RANGE_MIN}..{INT8_RANGE_MAX}) "
            f"quantised with that scale and zero point, so values {' and '.join(clipped)}: convert the model with "
            "int8 input and output (the converter's inference_input_type=tf.int8), which takes the frontend's int8 "
            "spectrogram as the board does, or calibrate its uint8 input on the raw spectrogram")


def graph_input_range_problem(graph: ModelGraph) -> str:
    """:func:`input_range_problem` of ``graph``'s first input, for views that describe a model without running it
    (``kws info``, the Model workspace); "" for a model without inputs (refused elsewhere)."""
    if not graph.inputs:
        return ""
    tensor = graph.tensors[graph.inputs[0]]
    return input_range_problem(tensor.dtype, tensor.scale[0] if tensor.scale else 0.0,
                               tensor.zero_point[0] if tensor.zero_point else 0)


def stream_problem(graph: ModelGraph, params: Mapping[str, Any]) -> str:
    """Why the stream cannot run ``graph`` ("" when it can), for views that describe a model (``kws info``, the
    Model workspace) before anyone tries to run it; the runner's
    (:class:`~workbench.core.model.inference.ModelRunner`) checks -- tensor counts, input type, spectrogram --
    in its words."""
    inputs = [graph.tensors[i] for i in graph.inputs]
    return (tensor_count_problem(len(inputs), len(graph.outputs))
            or input_type_problem(inputs[0].dtype)
            or spectrogram_input(inputs[0].shape, params).problem)


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


def _frame_candidates(settings: FrontendSettings, frames: int) -> list[dict[str, int]]:
    """``fe.*`` changes that may give ``frames``, in the order they are worth suggesting.

    A model with more frames than the settings give is almost always the same audio at a finer step (99 frames:
    1 s at a 10 ms step and a 20 ms window), so what keeps the sample length comes first: the step alone, nearest
    the current one first, then the step with a shorter window (the step never exceeds the window). Only then a
    sample length that gives ``frames`` at the current step and window (longer or shorter audio than the model's)."""
    step, window = settings.window_step_ms, settings.window_size_ms
    steps = sorted(range(1, window + 1), key=lambda s: abs(s - step))
    candidates: list[dict[str, int]] = [{"window_step_ms": s} for s in steps]
    candidates += [{"window_step_ms": s, "window_size_ms": w} for s in steps for w in range(window - 1, s - 1, -1)]
    candidates.append({"sample_length_ms": window + (frames - 1) * step})
    return candidates


def _gives(settings: FrontendSettings, changes: Mapping[str, int], wanted: tuple[int, int]) -> bool:
    """Whether the frontend takes ``settings`` with ``changes`` and gives the ``wanted`` (frames, channels)."""
    try:
        return settings.replace(**changes).spectrogram_shape == wanted
    except FrontendSettingsError:
        return False


def _matching_changes(settings: FrontendSettings, wanted: tuple[int, int]) -> dict[str, int] | None:
    """``fe.*`` changes that make ``settings`` give ``wanted`` (frames, channels), or None when none is found.

    Channels are one setting; frames follow :func:`_frame_candidates`, each checked by building the settings (the
    frontend's own frame count), so a suggestion is always one the frontend takes."""
    frames, channels = wanted
    changes: dict[str, int] = {}
    if channels != settings.filterbank_n_channels:
        changes["filterbank_n_channels"] = channels
    if frames == settings.n_frames:
        return changes if _gives(settings, changes, wanted) else None
    return next(({**changes, **frame_changes} for frame_changes in _frame_candidates(settings, frames)
                 if _gives(settings, {**changes, **frame_changes}, wanted)), None)


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
