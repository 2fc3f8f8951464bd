"""The input rule: the frontend's spectrogram fills any input holding as many values (as the EFR32 firmware
does), and a mismatch says which fe.* values would match -- checked on the rule and on real LiteRT models."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pytest

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.engine import Engine
from workbench.core.errors import ModelError
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import model_from_bytes, model_with_params
from workbench.core.model.model_input import input_range_problem, spectrogram_input, stream_problem
from workbench.core.model.tflite_graph import ModelGraph, parse_model
from workbench.evaluation.clip_scores import ClipScorer

FRAMES, CHANNELS = 49, 40
CLASSES = 4
GOLDEN_CLIPS = ("mltk_yes", "mltk_no", "tts_yes", "tts_no", "tts_up", "tts_left", "synth_silence",
                "synth_noise_20dBFS", "synth_chirp_100_7900hz", "synth_tone_1khz")
SUGGESTION = re.compile(r"set (.+) to match$")


def _suggested_params(message: str) -> dict[str, Any]:
    """``fe.a=1 and fe.b=2`` of an error message as model parameters."""
    found = SUGGESTION.search(message)
    assert found, message
    return {key: int(value) for key, value in (part.split("=") for part in found.group(1).split(" and "))}


# -- the rule -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(1, 49, 40, 1), (1, 49, 40), (1, 1960), (1, 1, 1960)])
def test_any_input_holding_the_frontends_values_takes_its_spectrogram(shape: tuple[int, ...]) -> None:
    layout = spectrogram_input(shape, {})
    assert layout.fits and layout.feature_shape == (FRAMES, CHANNELS)


def test_a_transposed_input_of_the_same_size_is_refused_though_the_board_would_fill_it() -> None:
    layout = spectrogram_input((1, CHANNELS, FRAMES, 1), {})
    assert not layout.fits and "is a 40 x 49 spectrogram" in layout.problem
    assert "filled row-major with 49 frames of 40 channels" in layout.problem


def test_a_flattened_input_follows_the_models_frontend_settings() -> None:
    narrow = {"fe.filterbank_n_channels": 32}
    assert spectrogram_input((1, 49 * 32), narrow).feature_shape == (49, 32)
    with pytest.raises(ModelError, match=re.escape("holds 1960 values; the frontend settings give 49 x 32 = 1568")):
        spectrogram_input((1, 1960), narrow).feature_shape


def test_a_flattened_input_of_another_size_says_what_would_work() -> None:
    with pytest.raises(ModelError) as caught:
        spectrogram_input((1, 1000), {"fe.window_step_ms": 20}).feature_shape
    assert str(caught.value) == ("the model input [1, 1000] holds 1000 values; the frontend settings give "
                                 "49 x 40 = 1960: set fe.* to match, or export the model with a [1, 49, 40, 1] input")
    defaults = spectrogram_input((1, 1000), {}).problem
    assert "the default frontend settings (the model has no fe.* parameters) give 49 x 40 = 1960" in defaults


@pytest.mark.parametrize("shape,params", [
    ((1, 49, 10, 1), {"fe.filterbank_n_channels": 40}),
    ((1, 99, 13), {}),
    ((1, 24, 40, 1), {"fe.sample_length_ms": 1000}),
    ((1, 61, 32), {"fe.sample_rate_hz": 8000, "fe.window_size_ms": 32, "fe.filterbank_upper_band_limit": 3800}),
])
def test_a_spectrogram_of_another_shape_names_fe_values_that_give_it(shape: tuple[int, ...],
                                                                      params: dict[str, Any]) -> None:
    problem = spectrogram_input(shape, params).problem
    assert problem.startswith(f"the model input {list(shape)} is a {shape[1]} x {shape[2]} spectrogram; ")
    fixed = {**params, **_suggested_params(problem)}
    assert FrontendSettings.from_params(fixed).spectrogram_shape == (shape[1], shape[2])
    assert spectrogram_input(shape, fixed).fits


@pytest.mark.parametrize("shape,fix", [
    ((1, 98, 40, 1), "fe.window_step_ms=10"),
    ((1, 99, 40), "fe.window_step_ms=10 and fe.window_size_ms=20"),  # 1 s at 10 ms, not 2 s at 20 ms
    ((1, 98, 13), "fe.filterbank_n_channels=13 and fe.window_step_ms=10"),
])
def test_more_frames_are_the_same_second_at_a_finer_step(shape: tuple[int, ...], fix: str) -> None:
    problem = spectrogram_input(shape, {}).problem
    assert problem.endswith(f"give 49 x 40: set {fix} to match")
    fixed = _suggested_params(problem)
    settings = FrontendSettings.from_params(fixed)
    assert settings.sample_length_ms == FrontendSettings().sample_length_ms  # the model's second of audio, kept
    assert settings.spectrogram_shape == (shape[1], shape[2]) and spectrogram_input(shape, fixed).fits


def test_fewer_frames_than_any_step_gives_come_from_a_shorter_sample() -> None:
    """24 frames of 1 s would need a step longer than the window: the sample length changes instead."""
    problem = spectrogram_input((1, 24, 40, 1), {}).problem
    assert problem.endswith("set fe.sample_length_ms=490 to match")


def test_the_mfcc_message_names_the_channel_setting() -> None:
    problem = spectrogram_input((1, 49, 10, 1), FrontendSettings().to_params()).problem
    assert problem == ("the model input [1, 49, 10, 1] is a 49 x 10 spectrogram; the frontend settings give "
                       "49 x 40: set fe.filterbank_n_channels=10 to match")


def test_invalid_frontend_settings_are_the_problem() -> None:
    layout = spectrogram_input((1, 49, 40, 1), {"fe.filterbank_n_channel": 40})
    with pytest.raises(ModelError, match="frontend settings cannot be used: unknown frontend setting"):
        layout.feature_shape


# -- real models ----------------------------------------------------------------------------------------
def _convert(tf: Any, model: Any, io: Any, spectrograms: list[np.ndarray]) -> bytes:
    """Full-integer conversion with ``io`` input/output, calibrated on ``spectrograms`` in the model's shape."""
    shape = [1, *model.input_shape[1:]]

    def representative():  # type: ignore[no-untyped-def]
        for x in spectrograms:
            yield [x.astype(np.float32).reshape(shape)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = io
    converter.inference_output_type = io
    return bytes(converter.convert())


def _golden(golden_dir: Any, key: str) -> list[np.ndarray]:
    return [np.load(golden_dir / f"{clip}.npz")[key] for clip in GOLDEN_CLIPS]


@pytest.fixture(scope="module", params=["int8", "uint8"])
def twins(request, golden_dir) -> tuple[bytes, bytes, list[np.ndarray]]:  # type: ignore[no-untyped-def]
    """The same weights behind a [1, 49, 40, 1] input and an Edge Impulse style flattened [1, 1960] one."""
    tf = pytest.importorskip("tensorflow")
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(11)
    conv = layers.Conv2D(6, (8, 6), strides=(2, 2), activation="relu")
    flatten, dense = layers.Flatten(), layers.Dense(CLASSES, activation="softmax")
    grid_in = layers.Input((FRAMES, CHANNELS, 1), batch_size=1)
    flat_in = layers.Input((FRAMES * CHANNELS,), batch_size=1)
    grid = tf.keras.Model(grid_in, dense(flatten(conv(grid_in))))
    flat = tf.keras.Model(flat_in, dense(flatten(conv(layers.Reshape((FRAMES, CHANNELS, 1))(flat_in)))))
    # int8 models take the frontend's int8 spectrogram, uint8 ones the raw output quantised with their scale
    spectrograms = _golden(golden_dir, "features_int8" if request.param == "int8" else "features_uint16")
    io = getattr(tf, request.param)
    return _convert(tf, grid, io, spectrograms), _convert(tf, flat, io, spectrograms), spectrograms


def test_a_flattened_model_scores_like_the_same_weights_on_a_grid(twins) -> None:  # type: ignore[no-untyped-def]
    grid_tflite, flat_tflite, spectrograms = twins
    grid, flat = ModelRunner(grid_tflite), ModelRunner(flat_tflite)
    assert flat.input_shape == (1, FRAMES * CHANNELS) and flat.feature_shape == (FRAMES, CHANNELS)
    assert flat.features_dtype == grid.features_dtype
    scores = [flat.scores_u8(x) for x in spectrograms]
    for x, got in zip(spectrograms, scores):
        np.testing.assert_array_equal(got, grid.scores_u8(x))
    assert len({s.tobytes() for s in scores}) > 1  # the clips are told apart: the comparison means something
    # row-major, as the board fills the tensor: the transposed order is another input altogether
    assert any(not np.array_equal(flat.scores_u8(x.T.reshape(FRAMES, CHANNELS)), got)
               for x, got in zip(spectrograms, scores))


def test_engine_and_evaluation_run_a_flattened_model_as_the_grid_one(twins) -> None:  # type: ignore[no-untyped-def]
    grid_tflite, flat_tflite, _ = twins
    grid, flat = model_from_bytes(grid_tflite, "grid"), model_from_bytes(flat_tflite, "flat")
    assert flat.spectrogram.feature_shape == (FRAMES, CHANNELS)
    audio = load_audio(sample_audio_path()).samples
    got, expected = Engine(flat).process(audio), Engine(grid).process(audio)
    assert len(got) == len(expected) > 0
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a.scores, b.scores)
    scored = ClipScorer(flat.tflite, flat.params).score(sample_audio_path())
    np.testing.assert_array_equal(scored, ClipScorer(grid.tflite, grid.params).score(sample_audio_path()))


def _float_model(input_shape: tuple[int, ...]) -> bytes:
    """A float32 model with the given input (batch excluded), softmax over four classes."""
    tf = pytest.importorskip("tensorflow")
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(5)
    inp = layers.Input(input_shape, batch_size=1)
    out = layers.Dense(CLASSES, activation="softmax")(layers.Flatten()(inp))
    return bytes(tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(inp, out)).convert())


def test_a_model_the_frontend_cannot_fill_is_refused_with_what_would_work() -> None:
    odd = model_from_bytes(_float_model((1000,)), "odd")
    runner = ModelRunner(odd.tflite)  # loadable (the profiler runs raw tensors), but no spectrogram fills it
    message = ("the model input [1, 1000] holds 1000 values; the default frontend settings (the model has no fe.* "
               "parameters) give 49 x 40 = 1960: set fe.* to match, or export the model with a [1, 49, 40, 1] input")
    for attempt, said in ((lambda: runner.feature_shape, message),
                          (lambda: runner.run(np.zeros((FRAMES, CHANNELS), np.uint16)), message),
                          (lambda: Engine(odd), f"model odd: {message}")):  # the engine names the model
        with pytest.raises(ModelError) as caught:
            attempt()
        assert str(caught.value) == said
    assert odd.spectrogram.problem == message
    assert runner.run(np.zeros((1, 1000), np.float32)).shape == (CLASSES,)


def test_an_mfcc_model_is_told_the_channel_setting_that_would_run_it() -> None:
    mfcc = model_with_params(model_from_bytes(_float_model((49, 10, 1)), "mfcc"), FrontendSettings().to_params())
    with pytest.raises(ModelError, match=re.escape("49 x 10 spectrogram; the frontend settings give 49 x 40: "
                                                   "set fe.filterbank_n_channels=10 to match")):
        Engine(mfcc)
    fixed = model_with_params(mfcc, _suggested_params(mfcc.spectrogram.problem))
    assert Engine(fixed).runner.feature_shape == (49, 10)


def test_a_bare_conversion_still_runs_on_its_own_spectrogram() -> None:
    """Training checks its conversions before they carry fe.* parameters; a 49 x 32 one must still run."""
    runner = ModelRunner(_float_model((49, 32, 1)))
    assert runner.run(np.ones((49, 32), np.uint16)).shape == (CLASSES,)
    with pytest.raises(ModelError, match="fe.filterbank_n_channels=32"):
        runner.feature_shape


def _bundled_graph(input_shape: tuple[int, ...] = (1, FRAMES, CHANNELS, 1), outputs: int = 1) -> ModelGraph:
    """The bundled model's graph, its input reshaped and its output listed ``outputs`` times."""
    graph = parse_model(default_model_path().read_bytes())
    tensors = list(graph.tensors)
    tensors[graph.inputs[0]] = dataclasses.replace(tensors[graph.inputs[0]], shape=input_shape)
    return dataclasses.replace(graph, tensors=tuple(tensors), outputs=graph.outputs * outputs)


def test_a_view_describing_a_model_gets_the_runners_reason_before_anyone_runs_it() -> None:
    assert stream_problem(_bundled_graph(), {}) == ""
    assert stream_problem(_bundled_graph(outputs=2), {}) == ("expected a model with one input and one output, "
                                                             "got 1 and 2")
    assert stream_problem(_bundled_graph((1, 1000)), {}) == spectrogram_input((1, 1000), {}).problem != ""


def _int16_model() -> bytes:
    """A 16x8 model (int16 activations and input, int8 weights), as the converter's experimental mode makes it."""
    tf = pytest.importorskip("tensorflow")
    tf.keras.utils.set_random_seed(9)
    model = tf.keras.Sequential([tf.keras.Input((FRAMES, CHANNELS, 1), batch_size=1), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(CLASSES, activation="softmax")])
    rng = np.random.default_rng(9)

    def representative():  # type: ignore[no-untyped-def]
        for _ in range(4):
            yield [rng.uniform(-128, 127, (1, FRAMES, CHANNELS, 1)).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    converter.inference_input_type = converter.inference_output_type = tf.int16
    return bytes(converter.convert())


def test_an_input_type_the_runner_cannot_fill_is_the_views_problem_too() -> None:
    """kws info and the Model workspace say what kws detect and the Live view would fail with."""
    int16 = model_from_bytes(_int16_model(), "int16")  # it loads: it can be described and profiled
    problem = stream_problem(parse_model(int16.tflite), int16.params)
    assert problem.startswith("the model's input type int16 is not supported (the workbench feeds int8, uint8, "
                              "uint16 or float32 spectrograms): convert the model with int8 input and output")
    assert "inference_input_type=tf.int8" in problem
    with pytest.raises(ModelError) as caught:
        ModelRunner(int16.tflite)
    assert str(caught.value) == problem


@pytest.mark.parametrize("dtype,scale,zero,clipped", [
    ("uint8", 1.0, 128, "values above 127 become 255"),  # the converter's default for a uint8 input
    ("uint8", 1 / 255, 0, "values above 1 become 255"),  # a model that takes 0..1
    ("uint8", 2.6, -100, "values below 260 become 0"),
    ("uint8", 0.0, 0, "values above 255 become 255"),  # unquantised: the values as they are
])
def test_a_uint8_input_that_cannot_hold_the_spectrogram_says_what_is_clipped(dtype: str, scale: float, zero: int,
                                                                              clipped: str) -> None:
    problem = input_range_problem(dtype, scale, zero)
    assert f"so {clipped}: convert the model with int8 input and output" in problem


@pytest.mark.parametrize("dtype,scale,zero", [("uint8", 666 / 255, 0), ("uint8", 640 / 255, 0), ("int8", 1.0, 0),
                                              ("float32", 0.0, 0), ("uint16", 0.0, 0)])
def test_an_input_that_holds_the_spectrogram_gets_no_warning(dtype: str, scale: float, zero: int) -> None:
    assert input_range_problem(dtype, scale, zero) == ""


def test_a_model_calibrated_on_the_spectrogram_it_is_fed_gets_no_warning(twins) -> None:  # type: ignore[no-untyped-def]
    grid_tflite, flat_tflite, _ = twins
    assert ModelRunner(grid_tflite).input_range_problem == ModelRunner(flat_tflite).input_range_problem == ""
