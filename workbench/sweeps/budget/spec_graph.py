"""The int8 graph a spec converts to, built from the spec alone: the board budget check BEFORE training.

Why not convert an untrained Keras model: a sweep must reject configurations that cannot fit the
board without starting TensorFlow (the sweep package never imports it, and a conversion costs ten
seconds or more per candidate). The layer list already fixes everything the profiler's memory and
cycle estimates look at -- the ops, the tensor shapes, the per-channel quantisation, the constant
sizes -- because TensorFlow Lite's converter lowers a spec's layers in a fixed way:

* ``conv2d`` / ``depthwise_conv2d`` / ``dense`` absorb a following ``batch_norm`` and ``relu``
  (fused activation); ``dropout`` disappears; ``flatten`` becomes RESHAPE (with a shape constant);
  ``global_average_pool`` becomes MEAN (with an axis constant); pools stay pools;
* a ``dense`` with softmax becomes FULLY_CONNECTED + SOFTMAX;
* a ``batch_norm`` or ``relu`` with nothing to fuse into becomes MUL + ADD or RELU.

:func:`spec_graph` returns that graph as the profiler's :class:`ModelGraph`, so
:func:`workbench.profiler.build_report` gives the same arena and MAC figures it gives for the trained
model. Only the file size is estimated (tensor names and FlatBuffer tables are not knowable without
the converter): constants + quantisation parameters + a per-tensor and per-layer overhead + the
``SL_PARAMSv1`` metadata, calibrated on converted models (tests compare it with trained ones).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo, TensorInfo
from workbench.core.model.params_dictionary import encode_dictionary
from workbench.profiler import ProfileSummary, build_report
from workbench.profiler.inference_pace import inference_time
from workbench.training.spec.layers import CLASSES_UNITS, LayerShape
from workbench.training.spec.model_spec import ModelSpec

INT8_BYTES = 1
INT32_BYTES = 4
# FlatBuffer bytes per quantisation entry (float32 scale + int64 zero point)
QUANT_BYTES_PER_CHANNEL = 12
# calibrated on TensorFlow 2.x conversions of tflite_micro_speech and ds_cnn_small (tests check them):
# tensor table + name + shape + buffer entry, operator table + inputs/outputs, model header + subgraph
TENSOR_OVERHEAD_BYTES = 122
OPERATOR_OVERHEAD_BYTES = 40
MODEL_OVERHEAD_BYTES = 890
METADATA_OVERHEAD_BYTES = 96  # the metadata entry and buffer beside the encoded parameters
_HASH_TEXT = "0" * 32
_DATE_TEXT = "2000-01-01T00:00:00.000Z"
_FUSABLE = ("conv2d", "depthwise_conv2d", "dense")
_POOL_OPS = {"average_pool": "AVERAGE_POOL_2D", "max_pool": "MAX_POOL_2D"}
_OP_CODES = {"CONV_2D": 3, "DEPTHWISE_CONV_2D": 4, "FULLY_CONNECTED": 9, "RESHAPE": 22, "SOFTMAX": 25,
             "MEAN": 40, "AVERAGE_POOL_2D": 1, "MAX_POOL_2D": 17, "RELU": 19, "MUL": 18, "ADD": 0}


@dataclass(frozen=True)
class SpecEstimate:
    """What a spec costs on the board before it is trained (profiler figures of :func:`spec_graph`)."""

    macs: int
    parameters: int
    flash_bytes: int
    arena_bytes: int
    arena_bytes_mvp: int
    time_ms: float = 0.0  # estimated time per inference on the board, with the accelerator estimated for

    @property
    def runtime_memory_bytes(self) -> int:
        """The arena the firmware allocates (the larger estimate, as training stores it)."""
        return max(self.arena_bytes, self.arena_bytes_mvp)


class _GraphBuilder:
    def __init__(self) -> None:
        self.tensors: list[TensorInfo] = []
        self.operators: list[OperatorInfo] = []
        self.quant_entries = 0

    def tensor(self, shape: tuple[int, ...], dtype: str, constant: bool, channels: int = 1) -> int:
        item = INT32_BYTES if dtype == "int32" else INT8_BYTES
        elements = 1
        for d in shape:
            elements *= d
        scales = (1.0,) * channels if dtype == "int8" or (constant and dtype == "int32" and channels > 1) else ()
        self.quant_entries += len(scales)
        index = len(self.tensors)
        self.tensors.append(TensorInfo(index=index, name=f"t{index}", shape=shape, dtype=dtype, scale=scales,
                                       zero_point=(0,) * len(scales), size_bytes=elements * item,
                                       is_constant=constant))
        return index

    def op(self, name: str, inputs: tuple[int, ...], output_shape: tuple[int, ...], **options: object) -> int:
        out = self.tensor(output_shape, "int8", constant=False)
        self.operators.append(OperatorInfo(index=len(self.operators), op=name, inputs=inputs, outputs=(out,),
                                           options=dict(options), builtin_code=_OP_CODES[name]))
        return out


def _conv_options(opts: dict, activation: str) -> dict[str, object]:
    strides = opts.get("strides") or (1, 1)
    return {"padding": str(opts["padding"]).upper(), "stride_height": strides[0], "stride_width": strides[1],
            "activation": activation, "dilation_height": 1, "dilation_width": 1}


def _fused_activation(shapes: list[LayerShape], start: int) -> tuple[str, int]:
    """The activation fused into the layer at ``start`` and the index of the next unfused layer."""
    i = start + 1
    activation = "NONE"
    while i < len(shapes) and shapes[i].layer.kind in ("batch_norm", "dropout", "relu"):
        if shapes[i].layer.kind == "relu":
            if activation == "RELU":
                break
            activation = "RELU"
        i += 1
    return activation, i


def spec_graph(spec: ModelSpec) -> ModelGraph:
    """The int8 graph the converter makes of ``spec`` (see the module docstring); SettingsError if invalid."""
    shapes = spec.shapes()
    g = _GraphBuilder()
    height, width, channels = spec.input_shape
    x = g.tensor((1, height, width, channels), "int8", constant=False)
    graph_input = x
    shape: tuple[int, ...] = (height, width, channels)
    i = 0
    while i < len(shapes):
        layer, out_shape = shapes[i].layer, shapes[i].output_shape
        opts = dict(layer.options)
        kind = layer.kind
        if kind in _FUSABLE:
            activation, following = _fused_activation(shapes, i)
            if kind == "dense":
                activation = "RELU" if opts["activation"] == "relu" else activation
                units = len(spec.classes) if opts["units"] == CLASSES_UNITS else int(opts["units"])
                weights = g.tensor((units, shape[0]), "int8", True, channels=units)
                bias = g.tensor((units,), "int32", True, channels=units) if opts["use_bias"] else -1
                x = g.op("FULLY_CONNECTED", (x, weights, bias), (1, units), activation=activation)
                if opts["activation"] == "softmax":
                    x = g.op("SOFTMAX", (x,), (1, units), beta=1.0)
            else:
                kh, kw = opts["kernel"]
                oc = out_shape[-1]
                if kind == "conv2d":
                    weights = g.tensor((oc, kh, kw, shape[-1]), "int8", True, channels=oc)
                    name, extra = "CONV_2D", {}
                else:
                    weights = g.tensor((1, kh, kw, oc), "int8", True, channels=oc)
                    name, extra = "DEPTHWISE_CONV_2D", {"depth_multiplier": opts["depth_multiplier"]}
                bias = g.tensor((oc,), "int32", True, channels=oc)  # batch norm folds into a bias
                x = g.op(name, (x, weights, bias), (1, *out_shape), **_conv_options(opts, activation), **extra)
            shape = shapes[following - 1].output_shape
            i = following
            continue
        if kind in _POOL_OPS:
            pool = opts["pool"]
            x = g.op(_POOL_OPS[kind], (x,), (1, *out_shape), filter_height=pool[0], filter_width=pool[1],
                     **_conv_options({"padding": opts["padding"], "strides": opts["strides"] or pool}, "NONE"))
        elif kind == "flatten":
            x = g.op("RESHAPE", (x, g.tensor((2,), "int32", True)), (1, *out_shape))
        elif kind == "global_average_pool":
            x = g.op("MEAN", (x, g.tensor((2,), "int32", True)), (1, *out_shape), keep_dims=False)
        elif kind == "relu":
            x = g.op("RELU", (x,), (1, *out_shape))
        elif kind == "batch_norm":
            c = out_shape[-1]
            x = g.op("MUL", (x, g.tensor((c,), "int8", True)), (1, *out_shape))
            x = g.op("ADD", (x, g.tensor((c,), "int8", True)), (1, *out_shape))
        shape = out_shape
        i += 1
    constants = sum(t.size_bytes for t in g.tensors if t.is_constant)
    size = (constants + QUANT_BYTES_PER_CHANNEL * g.quant_entries + TENSOR_OVERHEAD_BYTES * len(g.tensors)
            + OPERATOR_OVERHEAD_BYTES * len(g.operators) + MODEL_OVERHEAD_BYTES + metadata_bytes(spec))
    return ModelGraph(tensors=tuple(g.tensors), operators=tuple(g.operators), inputs=(graph_input,),
                      outputs=(x,), size_bytes=size, description=spec.name)


def metadata_bytes(spec: ModelSpec) -> int:
    """Size of the ``SL_PARAMSv1`` parameters training writes into the model (values of typical length)."""
    d = spec.detection
    params: dict[str, object] = {
        "name": spec.name, "version": spec.version, "classes": list(spec.classes), "hash": _HASH_TEXT,
        "date": _DATE_TEXT, "runtime_memory_size": 0,
        "average_window_duration_ms": d.average_window_duration_ms,
        "detection_threshold": d.detection_threshold or 0, "suppression_ms": d.suppression_ms,
        "minimum_count": d.minimum_count, "volume_gain": d.volume_gain, "latency_ms": d.latency_ms,
        "samplewise_norm.rescale": 0.0, "samplewise_norm.mean_and_std": False, **spec.frontend.to_params()}
    if spec.description:
        params["description"] = spec.description
    return len(encode_dictionary(params)) + METADATA_OVERHEAD_BYTES


def estimate_spec(spec: ModelSpec, accelerator: str = "mvp") -> SpecEstimate:
    """Flash, arena (without and with the MVP), MACs, parameters and time per inference (with ``accelerator``) of
    ``spec`` as an int8 model."""
    report = build_report(spec_graph(spec), name=spec.name, accelerator=accelerator)
    summary: ProfileSummary | None = report.summary
    assert summary is not None
    return SpecEstimate(macs=spec.macs, parameters=sum(s.params for s in spec.shapes()),
                        flash_bytes=summary.flash_bytes, arena_bytes=summary.arena_bytes,
                        arena_bytes_mvp=summary.arena_bytes_mvp, time_ms=inference_time(report).time_ms)
