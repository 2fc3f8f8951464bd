"""The TFLite Micro operators a model needs, as the lines of ``kws export-c``'s header that register them.

Why: TFLite Micro links only the kernels the firmware registers, and a firmware that uses
``tflite::MicroMutableOpResolver<N>`` must call one ``Add*`` method per operator the model holds, with N at least
their number; a missing one fails at ``AllocateTensors`` ("Didn't find op for builtin opcode"), a wrong name fails to
compile. The method names are not derived from the op names (``CONV_2D`` is ``AddConv2D``, ``PADV2`` ``AddPadV2``,
``UNIDIRECTIONAL_SEQUENCE_LSTM`` ``AddUnidirectionalSequenceLSTM``), so they are listed here as
tensorflow/lite/micro/micro_mutable_op_resolver.h (tflite-micro, 2026) names them: each ``AddX()`` and the
``BuiltinOperator_`` it registers, or the custom op name it registers with ``AddCustom``.

The header gets the list as a comment with lines to paste, and a C++ function template ``<name>_add_ops(resolver)``
that makes the same calls: a template, so the header still compiles where TFLite Micro is not included, and the
calls are checked against the real class wherever it is used.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.core.model.c_array import comment_block, comment_safe
from workbench.core.model.tflite_graph import ModelGraph

RESOLVER_HEADER = "tensorflow/lite/micro/micro_mutable_op_resolver.h"
CUSTOM_PREFIX = "CUSTOM:"  # OperatorInfo.op of a custom op: "CUSTOM:<custom code>"

# BuiltinOperator_<KEY> -> the MicroMutableOpResolver method that registers it (micro_mutable_op_resolver.h)
TFLM_BUILTIN_ADD_METHODS: dict[str, str] = {
    "ABS": "AddAbs", "ADD": "AddAdd", "ADD_N": "AddAddN", "ARG_MAX": "AddArgMax", "ARG_MIN": "AddArgMin",
    "ASSIGN_VARIABLE": "AddAssignVariable", "AVERAGE_POOL_2D": "AddAveragePool2D",
    "BATCH_MATMUL": "AddBatchMatMul", "BATCH_TO_SPACE_ND": "AddBatchToSpaceNd",
    "BROADCAST_ARGS": "AddBroadcastArgs", "BROADCAST_TO": "AddBroadcastTo", "CALL_ONCE": "AddCallOnce",
    "CAST": "AddCast", "CEIL": "AddCeil", "CONCATENATION": "AddConcatenation", "CONV_2D": "AddConv2D",
    "COS": "AddCos", "CUMSUM": "AddCumSum", "DEPTH_TO_SPACE": "AddDepthToSpace",
    "DEPTHWISE_CONV_2D": "AddDepthwiseConv2D", "DEQUANTIZE": "AddDequantize", "DIV": "AddDiv",
    "DYNAMIC_UPDATE_SLICE": "AddDynamicUpdateSlice", "EMBEDDING_LOOKUP": "AddEmbeddingLookup", "ELU": "AddElu",
    "EQUAL": "AddEqual", "EXP": "AddExp", "EXPAND_DIMS": "AddExpandDims", "FILL": "AddFill", "FLOOR": "AddFloor",
    "FLOOR_DIV": "AddFloorDiv", "FLOOR_MOD": "AddFloorMod", "FULLY_CONNECTED": "AddFullyConnected",
    "GATHER": "AddGather", "GATHER_ND": "AddGatherNd", "GREATER": "AddGreater",
    "GREATER_EQUAL": "AddGreaterEqual", "HARD_SWISH": "AddHardSwish", "IF": "AddIf",
    "L2_NORMALIZATION": "AddL2Normalization", "L2_POOL_2D": "AddL2Pool2D", "LEAKY_RELU": "AddLeakyRelu",
    "LESS": "AddLess", "LESS_EQUAL": "AddLessEqual", "LOG": "AddLog", "LOGICAL_AND": "AddLogicalAnd",
    "LOGICAL_NOT": "AddLogicalNot", "LOGICAL_OR": "AddLogicalOr", "LOGISTIC": "AddLogistic",
    "LOG_SOFTMAX": "AddLogSoftmax", "MAXIMUM": "AddMaximum", "MAX_POOL_2D": "AddMaxPool2D",
    "MIRROR_PAD": "AddMirrorPad", "MEAN": "AddMean", "MINIMUM": "AddMinimum", "MUL": "AddMul", "NEG": "AddNeg",
    "NOT_EQUAL": "AddNotEqual", "PACK": "AddPack", "PAD": "AddPad", "PADV2": "AddPadV2", "PRELU": "AddPrelu",
    "QUANTIZE": "AddQuantize", "READ_VARIABLE": "AddReadVariable", "REDUCE_ALL": "AddReduceAll",
    "REDUCE_MAX": "AddReduceMax", "REDUCE_MIN": "AddReduceMin", "RELU": "AddRelu", "RELU6": "AddRelu6",
    "RESHAPE": "AddReshape", "RESIZE_BILINEAR": "AddResizeBilinear",
    "RESIZE_NEAREST_NEIGHBOR": "AddResizeNearestNeighbor", "REVERSE_V2": "AddReverseV2", "ROUND": "AddRound",
    "RSQRT": "AddRsqrt", "SELECT_V2": "AddSelectV2", "SHAPE": "AddShape", "SIN": "AddSin", "SLICE": "AddSlice",
    "SOFTMAX": "AddSoftmax", "SPACE_TO_BATCH_ND": "AddSpaceToBatchNd", "SPACE_TO_DEPTH": "AddSpaceToDepth",
    "SPLIT": "AddSplit", "SPLIT_V": "AddSplitV", "SQUEEZE": "AddSqueeze", "SQRT": "AddSqrt",
    "SQUARE": "AddSquare", "SQUARED_DIFFERENCE": "AddSquaredDifference", "STRIDED_SLICE": "AddStridedSlice",
    "SUB": "AddSub", "SUM": "AddSum", "SVDF": "AddSvdf", "TANH": "AddTanh", "TRANSPOSE_CONV": "AddTransposeConv",
    "TRANSPOSE": "AddTranspose", "UNPACK": "AddUnpack",
    "UNIDIRECTIONAL_SEQUENCE_LSTM": "AddUnidirectionalSequenceLSTM", "VAR_HANDLE": "AddVarHandle",
    "WHILE": "AddWhile", "ZEROS_LIKE": "AddZerosLike",
}
# custom op name -> the MicroMutableOpResolver method that registers TFLite Micro's own kernel for it
TFLM_CUSTOM_ADD_METHODS: dict[str, str] = {
    "CIRCULAR_BUFFER": "AddCircularBuffer", "TFLM_DECODE": "AddDecode",
    "TFLite_Detection_PostProcess": "AddDetectionPostprocess", "ethos-u": "AddEthosU",
    "SignalDelay": "AddDelay", "SignalEnergy": "AddEnergy", "SignalFftAutoScale": "AddFftAutoScale",
    "SignalFilterBank": "AddFilterBank", "SignalFilterBankLog": "AddFilterBankLog",
    "SignalFilterBankSquareRoot": "AddFilterBankSquareRoot",
    "SignalFilterBankSpectralSubtraction": "AddFilterBankSpectralSubtraction", "SignalFramer": "AddFramer",
    "SignalIrfft": "AddIrfft", "SignalOverlapAdd": "AddOverlapAdd", "SignalPCAN": "AddPCAN",
    "SignalRfft": "AddRfft", "SignalStacker": "AddStacker", "SignalWindow": "AddWindow",
}
SNIPPET_INDENT = " *     "  # a pasteable line inside the header's comment
BODY_INDENT = "  "


def model_ops(graph: ModelGraph) -> list[str]:
    """The model's operators, each once, sorted (``OperatorInfo.op`` names: ``CONV_2D``, ``CUSTOM:<code>``): those of
    every subgraph, since TFLite Micro prepares the condition and body of a WHILE (a Keras LSTM's loop) with the
    model, and a kernel missing there fails ``AllocateTensors`` as one missing from the main graph does."""
    return sorted({op.op for sub in (graph, *graph.subgraphs) for op in sub.operators})


def add_method(op: str) -> str | None:
    """The ``MicroMutableOpResolver`` method that registers ``op``'s TFLite Micro kernel, None when it has none."""
    if op.startswith(CUSTOM_PREFIX):
        return TFLM_CUSTOM_ADD_METHODS.get(op.removeprefix(CUSTOM_PREFIX))
    return TFLM_BUILTIN_ADD_METHODS.get(op)


def _missing_kernel(op: str) -> str:
    """What to do for an op TFLite Micro has no Add method for (comment text)."""
    if op.startswith(CUSTOM_PREFIX):
        code = op.removeprefix(CUSTOM_PREFIX)
        return f'{op}: no TFLite Micro kernel; register your own: resolver.AddCustom("{code}", &registration);'
    return f"{op}: TFLite Micro has no kernel for this builtin op"


def resolver_lines(name: str, macro_prefix: str, ops: Iterable[str]) -> list[str]:
    """The header's operator section: a comment listing ``ops`` with the lines to paste, ``<PREFIX>_OP_COUNT`` (the
    resolver's size: one slot per operator, a custom one included) and the C++ template ``<name>_add_ops``, which
    returns how many registrations failed (0 when all took)."""
    ops = list(ops)
    count = f"{macro_prefix}_OP_COUNT"
    methods = [(op, add_method(op)) for op in ops]
    listed = comment_block(f"TFLite Micro operators the model uses ({len(ops)}, from its graph): {', '.join(ops)}.")
    lines = [*listed[:-1], listed[-1].removesuffix(" */"),
             f" * Register them with a MicroMutableOpResolver ({RESOLVER_HEADER}); paste:",
             f"{SNIPPET_INDENT}static tflite::MicroMutableOpResolver<{count}> resolver;"]
    lines += [f"{SNIPPET_INDENT}resolver.{method}();" for _op, method in methods if method is not None]
    lines += [f" * {comment_safe(_missing_kernel(op))}" for op, method in methods if method is None]
    lines += [f" * or, in C++, call {name}_add_ops(resolver): it returns how many registrations failed (0: none). */",
              f"#define {count} {len(ops)}", "",
              "#ifdef __cplusplus", "template <typename Resolver>",
              f"inline int {name}_add_ops(Resolver &resolver) {{"]
    calls = [f"{BODY_INDENT}failed += resolver.{method}() != 0;" for _op, method in methods if method is not None]
    if calls:
        lines += [f"{BODY_INDENT}int failed = 0;", *calls, f"{BODY_INDENT}return failed;"]
    else:  # -Wextra: an unused parameter
        lines += [f"{BODY_INDENT}(void)resolver;", f"{BODY_INDENT}return 0;"]
    return [*lines, "}", "#endif  /* __cplusplus */"]
