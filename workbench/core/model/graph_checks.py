"""What a model's graph must hold before anything indexes its tensors or LiteRT is handed it.

Why: LiteRT checks the FlatBuffer and most of a graph itself and says what is wrong, but some damaged graphs get
past it. A graph input or output naming no tensor makes its Python API fail outside its own error handling (and
the profiler, ``kws info`` and ``kws average`` index the tensors with it: Python takes -1 for the last tensor,
silently). Worse, a few damages make its kernels use a tensor that is not there, and the process dies of a
segmentation fault -- in the window, with the user's unsaved work: a required input of a layer marked omitted
(-1: the weights of a convolution or a dense layer, the target shape of a reshape) and a layer that writes its own
input (a PAD); and two layers that write one tensor make it free memory twice and abort. Fuzzing ``kws`` with
damaged copies of the bundled models found them. Every valid model keeps these rules, so a model that breaks one
is refused here, once, with one sentence, by :func:`~workbench.core.model.tflite_graph.parse_model`, which every
model load goes through.
"""

from __future__ import annotations

from collections.abc import Sequence

OMITTED = -1  # a layer's input that is not given (the bias of a convolution may be left out)
# the inputs LiteRT lets these ops go without: only the bias; their other inputs are required
_OPTIONAL_INPUTS: dict[str, frozenset[int]] = {
    "CONV_2D": frozenset({2}), "DEPTHWISE_CONV_2D": frozenset({2}), "FULLY_CONNECTED": frozenset({2}),
    "TRANSPOSE_CONV": frozenset({3}), "CONV_3D": frozenset({2}), "CONV_3D_TRANSPOSE": frozenset({3}),
}
# ops that need every input they list (ops named in neither table -- recurrent layers, custom ops -- may have
# optional inputs of their own, and are not judged)
_ALL_INPUTS_REQUIRED = frozenset({
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "DEQUANTIZE", "LOGISTIC", "MAX_POOL_2D", "MEAN", "MUL", "PAD",
    "PADV2", "QUANTIZE", "RELU", "RELU6", "RESHAPE", "SOFTMAX", "SQUEEZE", "STRIDED_SLICE", "SUB", "TANH",
})


def _names_tensor(index: int, tensor_count: int) -> bool:
    return 0 <= index < tensor_count


def may_be_omitted(op: str, position: int) -> bool:
    """Whether input ``position`` of an ``op`` layer may be left out (:data:`OMITTED`) without LiteRT failing on it."""
    if op in _OPTIONAL_INPUTS:
        return position in _OPTIONAL_INPUTS[op]
    return op not in _ALL_INPUTS_REQUIRED


def layer_problem(index: int, op: str, inputs: Sequence[int], outputs: Sequence[int], tensor_count: int) -> str:
    """Why layer ``index`` (an ``op``) cannot be run, in one sentence; "" when nothing here is wrong with it."""
    layer = f"Layer {index} ({op})"
    for position, tensor in enumerate(inputs):
        if tensor == OMITTED and not may_be_omitted(op, position):
            return f"{layer} lacks its input {position}, which it needs; the model file is damaged."
    if any(not _names_tensor(t, tensor_count) and t != OMITTED for t in [*inputs, *outputs]):
        return f"{layer} refers to a tensor the model does not have."
    if looped := sorted(set(inputs) & set(outputs) - {OMITTED}):
        return f"{layer} writes tensor {looped[0]}, which is also its input; the model file is damaged."
    return ""


def graph_problem(inputs: Sequence[int], outputs: Sequence[int], tensor_count: int,
                  layer_outputs: Sequence[tuple[str, Sequence[int]]]) -> str:
    """Why the graph cannot be used, in one sentence ("" when nothing here is wrong): an input or output that names
    no tensor, or a tensor two layers write (``layer_outputs``: each layer's op and outputs, in order)."""
    for kind, indices in (("input", inputs), ("output", outputs)):
        if missing := [x for x in indices if not _names_tensor(x, tensor_count)]:
            return f"The model's {kind} is tensor {missing[0]}, which the model does not have."
    written_by: dict[int, int] = {}
    for index, (op, written) in enumerate(layer_outputs):
        for tensor in set(written) - {OMITTED}:
            if tensor in written_by:  # LiteRT's allocator then frees the tensor's memory twice and aborts
                return (f"Layer {index} ({op}) writes tensor {tensor}, which layer {written_by[tensor]} writes too; "
                        "the model file is damaged.")
            written_by[tensor] = index
    return ""
