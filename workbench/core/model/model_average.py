"""Several int8 models as one: a .tflite whose output is the weighted mean of theirs.

Why: models trained differently make different mistakes. On the goal stream of issue 16 the default
model (MLTK's reference plus learned silence) and students with a second convolution, trained on the
stream's kind of frontend state, miss different keywords and fire on different words; the mean of
their class probabilities beats each of them. The board runs one model, so the average must be one
model: every member's operators run on the same input tensor, their outputs are stacked
(CONCATENATION on axis 0) and averaged (MEAN on axis 0, keeping the batch axis), all int8 -- ops that
TFLite Micro and LiteRT both provide. An integer weight w includes a member's output w times in the
stack, so 2:1:1 is exactly (2a + b + c) / 4.

TFLite Micro's CONCATENATION takes at most 10 inputs (``kMaxInputNum``,
:data:`~workbench.core.model.tflm_limits.TFLM_MAX_CONCATENATION_INPUTS`; LiteRT has no such limit, so a
wider one runs on the host and fails to prepare on the board). So the stack is a tree: groups of at most 10
rows are concatenated, then the groups, and so on (:func:`_stack`). The rows end up in the same stack as one
concatenation would make, and the MEAN over it is the same weighted mean; every concatenation's tensors share
the members' output scale and zero point, so each one only copies int8 values (TFLite Micro requires that
too) and the tree is as exact as one concatenation.

Why repeats rather than a weighted sum: the members run once each whatever their weight; only the
reference to a member's output tensor is repeated in CONCATENATION's inputs. That keeps the mean exact in
int8 (a multiply by w / total would be rounded to the output's 1/256 steps before the sum), but each repeat
costs 4 bytes of flash (the input index) and one row of the stacked tensor in RAM (a byte per class). So
the weights are divided by their greatest common divisor first (:func:`reduced_weights`: 2:2 is 1:1, 4:2 is
2:1, the same mean), and their total may not exceed :data:`MAX_TOTAL_WEIGHT` copies (:func:`check_total_weight`:
a weight in the millions would take minutes and gigabytes to write a model the board cannot hold, for a
ratio that smaller numbers give almost exactly). Members whose .tflite bytes are identical (the same file
given twice, or a copy) are one member whose weight is the sum of theirs (:func:`folded_members`): the same
mean, with the model's layers run and stored once.

The members must agree on what the firmware needs from a model: the same input (shape, type,
quantisation), the same classes and frontend settings (``fe.*``), and outputs of the same quantisation
(the int8 softmax's 1/256). The first member's parameters (detection settings and all) become the
average's; the others' are dropped, as are signature definitions (TFLite Micro ignores them).

One exception to "the same classes": negative-word classes (``_go_``, ...: trained as classes of their
own, never reported by the firmware) may follow the shared classes in some members. A member without
them says nothing about them -- it gives each probability 0 (its output is padded with the int8 zero
point, a PAD op), so the average has the widest member's classes and every shared class is still the
plain weighted mean. Folding the negative-word classes into ``_unknown_`` (as ``kws evaluate`` does)
gives what one would expect of a member that knew them only as ``_unknown_``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np

from workbench.core.detection.detector import is_keyword_class
from workbench.core.errors import ModelError
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_file import LoadedModel
from workbench.core.model.model_params import pack_model, set_params, unpack_model
from workbench.core.model.tflm_limits import TFLM_MAX_CONCATENATION_INPUTS

STACK_AXIS = 0
PAD_VERSION = 2  # the PAD operator's version that takes int8
CONCATENATION_VERSION = 2  # takes int8
MEAN_VERSION = 2  # takes int8
STACK_NAME = "average/stack"
# copies of the members' outputs in the stack (the weights' total, once reduced): 100 give every member's share
# to about 1%, for a few hundred bytes of flash and RAM; beyond it only the cost grows
MAX_TOTAL_WEIGHT = 100


@dataclass(frozen=True)
class Member:
    """One model of an average, how many times its output counts, and what the user called it.

    ``label`` names the member in messages (the file the user gave: two members may well carry the same
    model name inside, as a retrained copy does); the model's own name when empty.
    """

    model: LoadedModel
    weight: int = 1
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.model.name

    def __post_init__(self) -> None:
        if self.weight < 1:
            raise ModelError(f"the weight of {self.name} must be a whole number >= 1, got {self.weight}")


def reduced_weights(weights: Sequence[int]) -> tuple[int, ...]:
    """``weights`` divided by their greatest common divisor: the same mean with the fewest repeats (module
    docstring)."""
    divisor = math.gcd(*weights) or 1
    return tuple(weight // divisor for weight in weights)


def _ratio(weights: Sequence[int]) -> str:
    return ":".join(map(str, weights))


def smaller_ratio(weights: Sequence[int], limit: int = MAX_TOTAL_WEIGHT) -> tuple[int, ...] | None:
    """About the same ratio as ``weights`` in whole numbers >= 1 that add up to at most ``limit``; None when there
    are more weights than ``limit``.

    Each is scaled down and rounded down (at least 1). Rounding down keeps the order: equal weights stay equal
    (200:200:1 gives 49:49:1) and a tilt stays a tilt (51:50 gives 50:49; rounding to the nearest gave 1:1)."""
    if len(weights) > limit:
        return None
    total = sum(weights)
    scaled = [max(1, weight * limit // total) for weight in weights]
    while sum(scaled) > limit:  # many weights lifted to 1: lower the largest, equal ones together
        top = max(scaled)
        scaled = [value - 1 if value == top else value for value in scaled]
    return reduced_weights(scaled)


def check_total_weight(weights: Sequence[int]) -> None:
    """Refuse weights whose total, once reduced, exceeds :data:`MAX_TOTAL_WEIGHT`, in one sentence that says why
    and offers about the same ratio in smaller numbers (module docstring)."""
    reduced = reduced_weights(weights)
    total = sum(reduced)
    if total <= MAX_TOTAL_WEIGHT:
        return
    given = _ratio(weights) + (f" (reduced: {_ratio(reduced)})" if tuple(reduced) != tuple(weights) else "")
    smaller = smaller_ratio(reduced)
    instead = (f"give about the same ratio in smaller numbers, e.g. {_ratio(smaller)}" if smaller is not None
               else f"average at most {MAX_TOTAL_WEIGHT} models")
    raise ModelError(f"the weights {given} add up to {total:,}, more than {MAX_TOTAL_WEIGHT}: each unit of weight is "
                     f"one more copy of its model's output in the averaged graph (flash, RAM and time on the board); "
                     f"{instead}")


def identical_groups(members: Sequence[Member]) -> list[list[Member]]:
    """The members grouped by their .tflite bytes, in the order each model first appears."""
    groups: dict[bytes, list[Member]] = {}
    for member in members:
        groups.setdefault(member.model.tflite, []).append(member)
    return list(groups.values())


def folded_members(members: Sequence[Member]) -> list[Member]:
    """One member per distinct model (identical bytes), named as its first copy, weighing what its copies weigh
    together: the same mean with each model's layers once in the graph (module docstring)."""
    return [replace(group[0], weight=sum(m.weight for m in group)) for group in identical_groups(members)]


def _only_subgraph(model: Any, name: str) -> Any:
    if len(model.subgraphs or []) != 1:
        raise ModelError(f"{name} has {len(model.subgraphs or [])} subgraphs; only single-graph models can be averaged")
    graph = model.subgraphs[0]
    if len(graph.inputs) != 1 or len(graph.outputs) != 1:
        raise ModelError(f"{name} has {len(graph.inputs)} inputs and {len(graph.outputs)} outputs; "
                         "averaging needs one of each")
    return graph


def _shape(tensor: Any) -> list[int]:
    """A tensor's shape as ints; a FlatBuffer tensor without one is a scalar."""
    return [] if tensor.shape is None else list(np.asarray(tensor.shape).tolist())


def _tensor_signature(tensor: Any) -> tuple[Any, ...]:
    quant = tensor.quantization
    scale = tuple(np.asarray(quant.scale).tolist()) if quant is not None and quant.scale is not None else ()
    zero = tuple(np.asarray(quant.zeroPoint).tolist()) if quant is not None and quant.zeroPoint is not None else ()
    return tuple(_shape(tensor)), int(tensor.type), scale, zero


def _check_scores(graph: Any, member: Member) -> None:
    """Refuse a member whose output does not end in one score per class: the average pads and stacks on that
    axis, so a damaged shape (none, or a size its classes do not explain) would build a graph that makes no sense
    or fail in the building."""
    shape, classes = _shape(graph.tensors[graph.outputs[0]]), len(member.model.classes)
    if not shape or shape[-1] != classes:
        held = f"the shape {shape}" if shape else "no shape (a scalar)"
        raise ModelError(f"{member.name}'s output has {held}, not one score for each of its {classes} classes on "
                         "its last axis; such a model cannot be averaged")


def _output_signature(tensor: Any) -> tuple[Any, ...]:
    """What members' outputs must share: all but the class count (see the module docstring)."""
    shape, *rest = _tensor_signature(tensor)
    return (shape[:-1], *rest)


def _same(a: Any, b: Any) -> bool:
    """Equal parameter values; floats as the frontend's float32 holds them (a model stores 0.8 as the f32
    0.800000011920929, a missing key means the default 0.8)."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and np.float32(a) == np.float32(b)
    return bool(a == b)


def average_classes(members: Sequence[Member]) -> tuple[str, ...]:
    """The classes of the average: the widest member's, when every member's classes are its first ones and
    the rest are negative-word classes (module docstring); otherwise one sentence saying who differs."""
    widest = max(members, key=lambda m: len(m.model.classes))
    classes = tuple(widest.model.classes)
    for member in members:
        own = tuple(member.model.classes)
        extra = classes[len(own):]
        if classes[:len(own)] != own or any(is_keyword_class(name) for name in extra):
            raise ModelError(f"{member.name} has classes {', '.join(own)}; {widest.name} has {', '.join(classes)} "
                             "(members must share their classes; only negative-word classes such as _go_ may "
                             "follow them in some)")
    return classes


def _check_compatible(first: Member, other: Member) -> None:
    # as the firmware reads them: a missing fe.* key means its default
    fe_first = FrontendSettings.from_params(first.model.params).to_params()
    fe_other = FrontendSettings.from_params(other.model.params).to_params()
    differ = sorted(k for k in fe_first.keys() | fe_other.keys() if not _same(fe_first.get(k), fe_other.get(k)))
    if differ:
        raise ModelError(f"{other.name} hears audio through other frontend settings than {first.name} "
                         f"({', '.join(differ)}); the board has one frontend for the whole model")


def _opcode_index(model: Any, code: Any) -> int:
    """The index of ``code`` (an ``OperatorCodeT``) in ``model``'s opcodes, appended when new."""
    key = (code.builtinCode, code.deprecatedBuiltinCode, code.customCode, code.version)
    for i, existing in enumerate(model.operatorCodes):
        if (existing.builtinCode, existing.deprecatedBuiltinCode, existing.customCode, existing.version) == key:
            return i
    model.operatorCodes.append(code)
    return len(model.operatorCodes) - 1


def _builtin_code(schema: Any, builtin: int, version: int) -> Any:
    code = schema.OperatorCodeT()
    code.builtinCode, code.deprecatedBuiltinCode, code.version = builtin, min(builtin, 127), version
    return code


def _append_member(schema: Any, target: Any, source: Any, prefix: str) -> int:
    """Copy ``source``'s operators into ``target``'s graph, reading ``target``'s input; returns the index of
    the copied output tensor."""
    graph, other = target.subgraphs[0], source.subgraphs[0]
    buffer_map: dict[int, int] = {0: 0}  # buffer 0 is the schema's empty sentinel in every model
    tensor_map = {other.inputs[0]: graph.inputs[0]}
    for index, tensor in enumerate(other.tensors):
        if index in tensor_map:
            continue
        if tensor.buffer not in buffer_map:
            target.buffers.append(source.buffers[tensor.buffer])
            buffer_map[tensor.buffer] = len(target.buffers) - 1
        tensor.buffer = buffer_map[tensor.buffer]
        name = tensor.name.decode("utf-8", "replace") if isinstance(tensor.name, bytes) else str(tensor.name or "")
        tensor.name = prefix + name
        graph.tensors.append(tensor)
        tensor_map[index] = len(graph.tensors) - 1
    for op in other.operators:
        op.opcodeIndex = _opcode_index(target, source.operatorCodes[op.opcodeIndex])
        op.inputs = [tensor_map[i] if i >= 0 else i for i in op.inputs]
        op.outputs = [tensor_map[i] if i >= 0 else i for i in op.outputs]
        graph.operators.append(op)
    return tensor_map[other.outputs[0]]


def _constant(schema: Any, model: Any, name: str, values: list[int] | list[list[int]]) -> int:
    array = np.asarray(values, dtype="<i4")
    buffer = schema.BufferT()
    buffer.data = array.reshape(-1).view(np.uint8)
    model.buffers.append(buffer)
    tensor = schema.TensorT()
    tensor.shape, tensor.type, tensor.name = list(array.shape), schema.TensorType.INT32, name
    tensor.buffer = len(model.buffers) - 1
    model.subgraphs[0].tensors.append(tensor)
    return len(model.subgraphs[0].tensors) - 1


def _activation_like(schema: Any, model: Any, like: Any, shape: list[int], name: str) -> int:
    tensor = schema.TensorT()
    tensor.shape, tensor.type, tensor.name, tensor.buffer = shape, like.type, name, 0
    if like.quantization is not None:  # (an unquantised tensor may have none)
        quant = schema.QuantizationParametersT()
        quant.scale, quant.zeroPoint = like.quantization.scale, like.quantization.zeroPoint
        tensor.quantization = quant
    model.subgraphs[0].tensors.append(tensor)
    return len(model.subgraphs[0].tensors) - 1


def _padded(schema: Any, model: Any, output: int, classes: int, name: str) -> int:
    """``output`` (a member's class probabilities) widened to ``classes`` columns of probability 0."""
    tensor = model.subgraphs[0].tensors[output]
    shape = _shape(tensor)
    missing = classes - shape[-1]
    if missing == 0:
        return output
    wide = _activation_like(schema, model, tensor, [*shape[:-1], classes], name)
    paddings = _constant(schema, model, name + "/paddings", [[0, 0]] * (len(shape) - 1) + [[0, missing]])
    pad = schema.OperatorT()
    pad.opcodeIndex = _opcode_index(model, _builtin_code(schema, schema.BuiltinOperator.PAD, PAD_VERSION))
    pad.inputs, pad.outputs = [output, paddings], [wide]  # no pad value: the output's zero point, i.e. 0.0
    pad.builtinOptionsType = schema.BuiltinOptions.PadOptions
    pad.builtinOptions = schema.PadOptionsT()
    model.subgraphs[0].operators.append(pad)
    return wide


def _concatenation(schema: Any, model: Any, inputs: list[int], name: str) -> int:
    """One CONCATENATION of ``inputs`` (at most :data:`TFLM_MAX_CONCATENATION_INPUTS`) on the stack axis, into a
    new tensor with their scale and zero point (TFLite Micro requires the same quantisation in and out)."""
    tensors = model.subgraphs[0].tensors
    shape = _shape(tensors[inputs[0]])
    rows = sum(_shape(tensors[index])[STACK_AXIS] for index in inputs)
    stacked = _activation_like(schema, model, tensors[inputs[0]], [*shape[:STACK_AXIS], rows, *shape[STACK_AXIS + 1:]],
                               name)
    concat = schema.OperatorT()
    concat.opcodeIndex = _opcode_index(model, _builtin_code(schema, schema.BuiltinOperator.CONCATENATION,
                                                            CONCATENATION_VERSION))
    concat.inputs, concat.outputs = list(inputs), [stacked]
    concat.builtinOptionsType = schema.BuiltinOptions.ConcatenationOptions
    concat.builtinOptions = schema.ConcatenationOptionsT()
    concat.builtinOptions.axis = STACK_AXIS
    model.subgraphs[0].operators.append(concat)
    return stacked


def _stack(schema: Any, model: Any, outputs: list[int]) -> int:
    """``outputs`` stacked on the stack axis, in order, by a tree of CONCATENATIONs of at most
    :data:`TFLM_MAX_CONCATENATION_INPUTS` inputs each (module docstring): each level concatenates consecutive
    groups of that many (a group of one is passed on as it is) until one tensor is left. Groups with the same
    inputs (a heavy member's output ten times) are concatenated once and that tensor is used again."""
    level = 0
    while len(outputs) > TFLM_MAX_CONCATENATION_INPUTS:
        groups = [tuple(outputs[start:start + TFLM_MAX_CONCATENATION_INPUTS])
                  for start in range(0, len(outputs), TFLM_MAX_CONCATENATION_INPUTS)]
        made: dict[tuple[int, ...], int] = {}
        for group in groups:
            if group in made:
                continue
            name = f"{STACK_NAME}/{level}/{len(made)}"
            made[group] = group[0] if len(group) == 1 else _concatenation(schema, model, list(group), name)
        outputs = [made[group] for group in groups]
        level += 1
    return _concatenation(schema, model, outputs, STACK_NAME)


def _widened_params(first: LoadedModel, classes: tuple[str, ...]) -> dict[str, Any]:
    """The first member's parameters for the average's classes: a threshold list gets the global threshold
    for each added class (the firmware never reports them; the list just needs an entry per class)."""
    params = {**first.params, "classes": list(classes)}
    thresholds = params.get("detection_threshold_list")
    if thresholds:
        added = [int(params.get("detection_threshold", max(thresholds)))] * (len(classes) - len(thresholds))
        params["detection_threshold_list"] = [*thresholds, *added]
    return params


def average_models(members: Sequence[Member]) -> bytes:
    """The .tflite bytes of one model whose output is the weighted mean of the members' (module docstring);
    identical members are folded and the weights reduced by their greatest common divisor, which leaves the
    mean as it is. When every member is the same model, the average is that model: its bytes, unchanged."""
    if len(members) < 2:
        raise ModelError("averaging needs at least two models")
    members = folded_members(members)
    check_total_weight([m.weight for m in members])
    if len(members) == 1:
        return members[0].model.tflite
    weights = reduced_weights([m.weight for m in members])
    members = [replace(member, weight=weight) for member, weight in zip(members, weights)]
    lead = members[0]
    first = lead.model
    classes = average_classes(members)
    schema, target = unpack_model(first.tflite)
    graph = _only_subgraph(target, lead.name)
    _check_scores(graph, lead)
    input_sig = _tensor_signature(graph.tensors[graph.inputs[0]])
    output_sig = _output_signature(graph.tensors[graph.outputs[0]])
    outputs = [_padded(schema, target, graph.outputs[0], len(classes), "member0/widened")] * members[0].weight
    for number, member in enumerate(members[1:], start=1):
        _check_compatible(lead, member)
        _, source = unpack_model(member.model.tflite)
        other = _only_subgraph(source, member.name)
        _check_scores(other, member)
        if _tensor_signature(other.tensors[other.inputs[0]]) != input_sig:
            raise ModelError(f"{member.name}'s input differs from {lead.name}'s (shape, type or quantisation)")
        if _output_signature(other.tensors[other.outputs[0]]) != output_sig:
            raise ModelError(f"{member.name}'s output differs from {lead.name}'s (shape, type or quantisation)")
        output = _append_member(schema, target, source, f"member{number}/")
        outputs += [_padded(schema, target, output, len(classes), f"member{number}/widened")] * member.weight
    output_tensor = graph.tensors[outputs[0]]
    shape = _shape(output_tensor)
    stacked = _stack(schema, target, outputs)
    mean = _activation_like(schema, target, output_tensor, shape, "average/mean")
    axis = _constant(schema, target, "average/axis", [STACK_AXIS])
    reduce = schema.OperatorT()
    reduce.opcodeIndex = _opcode_index(target, _builtin_code(schema, schema.BuiltinOperator.MEAN, MEAN_VERSION))
    reduce.inputs, reduce.outputs = [stacked, axis], [mean]
    reduce.builtinOptionsType = schema.BuiltinOptions.ReducerOptions
    reduce.builtinOptions = schema.ReducerOptionsT()
    reduce.builtinOptions.keepDims = True
    graph.operators.append(reduce)
    graph.outputs = [mean]
    target.signatureDefs = None
    if classes != tuple(first.classes):
        set_params(schema, target, _widened_params(first, classes))
    return pack_model(schema, target, sum(len(m.model.tflite) for m in members))
