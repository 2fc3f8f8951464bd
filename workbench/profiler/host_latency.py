"""Measured inference time on this computer (LiteRT), and of the whole detection pipeline per hop.

Why: the board figures are estimates until a board is attached, but how fast the model runs here is
something we can *measure* right now -- useful for the live view's budget (one hop = 20 ms of audio)
and to spot a model that is pathologically slow. The figures are labelled "measured on this PC" and
never mixed into the board estimates.

Uses ``workbench.core.model.inference.ModelRunner`` when it exists (the project's runner) and takes the model, else
the LiteRT interpreter directly: a model the stream cannot run (two inputs or two outputs, another input type) is
still timed, every input filled, and has no pipeline hop (the stream never runs it).
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from workbench.core.errors import ModelError
from workbench.core.model.inference import runtime_message
from workbench.profiler.report import HostLatency

DEFAULT_RUNS = 50
WARMUP_RUNS = 3
P90 = 90.0
SECONDS_TO_MS = 1e3
_SEED = 1234


def _random_input(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    rng = np.random.default_rng(_SEED)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


class _Invoker:
    """Calls the model once per ``__call__`` with a fixed input (runner or raw interpreter)."""

    def __init__(self, tflite: bytes) -> None:
        self.runtime = "ai-edge-litert"
        self._call: Callable[[np.ndarray], Any]
        try:
            from workbench.core.model.inference import ModelRunner  # written by another part of the project
        except ImportError:
            ModelRunner = None
        runner, refused = None, None
        if ModelRunner is not None:
            try:
                runner = ModelRunner(tflite)
            except TypeError:  # a different constructor than expected: use LiteRT directly
                runner = None
            except ModelError as exc:  # a model the stream does not run: LiteRT alone times it
                refused = exc
        try:
            details = _interpreter_details(tflite)
        except ModelError:
            if refused is not None:
                raise refused from None  # its sentence says why LiteRT cannot load it (a custom op: what to do)
            raise
        self.streams = runner is not None  # the live stream runs it: one hop of the pipeline can be timed
        if runner is not None:
            self._call = runner.run
            self.runtime = "ai-edge-litert (workbench ModelRunner)"
        else:
            interp = details["interpreter"]
            others = [(index, _random_input(shape, dtype)) for index, shape, dtype in details["inputs"][1:]]

            def call(features: np.ndarray) -> Any:
                interp.set_tensor(details["index"], features)
                for index, values in others:
                    interp.set_tensor(index, values)
                interp.invoke()
                return interp.get_tensor(details["out_index"])
            self._call = call
        self.shape: tuple[int, ...] = details["shape"]
        self.dtype: np.dtype = details["dtype"]
        self.features = _random_input(self.shape, self.dtype)

    def __call__(self, features: np.ndarray | None = None) -> Any:
        return self._call(self.features if features is None else features)


def _interpreter_details(tflite: bytes) -> dict[str, Any]:
    from ai_edge_litert.interpreter import Interpreter
    try:
        interp = Interpreter(model_content=bytes(tflite), num_threads=1)
        interp.allocate_tensors()
    except (ValueError, RuntimeError) as exc:
        raise ModelError(f"LiteRT cannot load this model: {runtime_message(exc)}") from exc
    inputs = [(d["index"], tuple(int(n) for n in d["shape"]), np.dtype(d["dtype"])) for d in interp.get_input_details()]
    (index, shape, dtype), out = inputs[0], interp.get_output_details()[0]
    return {"interpreter": interp, "index": index, "out_index": out["index"], "shape": shape, "dtype": dtype,
            "inputs": inputs}


def _stats(samples_s: list[float]) -> tuple[float, float]:
    ms = np.asarray(samples_s) * SECONDS_TO_MS
    return float(np.median(ms)), float(np.percentile(ms, P90))


def _time_calls(fn: Callable[[], Any], runs: int) -> list[float]:
    for _ in range(WARMUP_RUNS):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def measure_host_latency(tflite: bytes, runs: int = DEFAULT_RUNS, *, pipeline: bool = True,
                         frontend_params: dict[str, Any] | None = None) -> HostLatency:
    """Median and p90 of ``runs`` invokes; with ``pipeline``, also one hop of audio through the
    real frontend followed by one invoke (the work the live detector does every hop)."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    invoker = _Invoker(tflite)
    try:
        median, p90 = _stats(_time_calls(invoker, runs))
    except (ValueError, RuntimeError) as exc:
        raise ModelError(f"LiteRT failed to run this model: {runtime_message(exc)}") from exc
    result = HostLatency(median_ms=median, p90_ms=p90, runs=runs, runtime=invoker.runtime)
    if pipeline:
        hop = _pipeline_hop(invoker, runs, frontend_params)
        if hop is not None:
            result.pipeline_hop_median_ms, result.pipeline_hop_p90_ms = hop
    return result


def _pipeline_hop(invoker: _Invoker, runs: int,
                  frontend_params: dict[str, Any] | None) -> tuple[float, float] | None:
    """Frontend feed of one hop + window shift + one invoke; None if the model is not a spectrogram model."""
    from workbench.core.frontend import MicroFrontend
    from workbench.core.frontend_settings import FrontendSettings

    settings = FrontendSettings.from_params(frontend_params) if frontend_params else FrontendSettings()
    rows, cols = settings.spectrogram_shape
    if not invoker.streams or invoker.dtype != np.int8 or rows * cols != int(np.prod(invoker.shape)):
        return None
    frontend = MicroFrontend(settings)
    rng = np.random.default_rng(_SEED)
    hop = settings.window_step_samples
    audio = (rng.standard_normal(hop * (runs + WARMUP_RUNS + rows + 2)) * 1000).astype(np.int16)
    window = np.zeros((rows, cols), dtype=np.int8)
    frontend.feed(audio[:hop * rows], dtype=np.int8)  # prime the frontend's window
    position = [hop * rows]

    def one_hop() -> None:
        start = position[0]
        new = frontend.feed(audio[start:start + hop], dtype=np.int8)
        position[0] = start + hop
        if len(new):
            window[:-len(new)] = window[len(new):]
            window[-len(new):] = new
        invoker(window.reshape(invoker.shape))
    return _stats(_time_calls(one_hop, runs))
