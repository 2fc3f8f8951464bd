"""Whether a model's output scores are probabilities, or logits the board treats as if they were.

Why: the board's firmware (MLTK's ``recognize_commands``) averages the output tensor as it is -- int8 + 128,
float x 255 -- and compares the average with ``detection_threshold`` (0-255 standing for a probability of 0-1).
A model exported without its final Softmax (a Dense layer's int8 output, as Edge Impulse, STM32Cube.AI or a
hand-written Keras model may give) still runs: its scores are logits, the threshold and every confidence the
workbench reports mean no probability, and nothing would say so. The workbench must stay faithful to the board,
so it never applies a softmax of its own; it says what the output is, once, where a model is described
(``kws info``, the Model workspace) and run (``kws detect``, ``kws evaluate``, ``kws calibrate``).

The rule, on the parsed graph (:class:`~workbench.core.model.tflite_graph.ModelGraph`): the output counts as
probabilities when the layer computing it is SOFTMAX or LOGISTIC (looking through the layers that only
requantise or reshape, such as the DEQUANTIZE after a float-output softmax), or when its quantisation is the one
TensorFlow gives a probability (scale 1/256 with zero point -128 for int8, 0 for uint8). Anything else is logits.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isclose, prod

from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo, TensorInfo

PROBABILITY_OPS = frozenset({"SOFTMAX", "LOGISTIC"})
# layers that change a tensor's type or shape but not what its values mean
PASS_THROUGH_OPS = frozenset({"QUANTIZE", "DEQUANTIZE", "RESHAPE", "SQUEEZE", "EXPAND_DIMS"})
PROBABILITY_SCALE = 1 / 256  # what the TFLite converter gives a softmax's or sigmoid's 8-bit output
PROBABILITY_ZERO_POINTS = {"int8": -128, "uint8": 0}
# the score at which a one-unit model says "yes": a probability of one half, the logit of one half
EVEN_PROBABILITY, EVEN_LOGIT = 0.5, 0.0
NO_LAYER = ""  # last_op of an output no layer computes (a model whose output is its input)


@dataclass(frozen=True)
class OutputKind:
    """What the first output of a model holds (the one the runner and the firmware read)."""

    probabilities: bool
    last_op: str  # the layer computing the output, past the pass-through ones; NO_LAYER when none does
    units: int  # values in the output (1 for a one-unit sigmoid, a wake-word model)

    @property
    def logits(self) -> bool:
        return not self.probabilities

    @property
    def decision_score(self) -> float:
        """The score at which a one-unit model says "yes": a probability of 0.5, or a logit of 0."""
        return EVEN_PROBABILITY if self.probabilities else EVEN_LOGIT

    def notice(self) -> str:
        """The sentence every command and view says of a logits model ("" for probabilities)."""
        if self.probabilities:
            return ""
        made_by = f"its last op is {self.last_op}" if self.last_op else "no layer computes it"
        return (f"the model's output is not a softmax ({made_by}): its scores are logits, not probabilities, "
                "so the detection threshold and the reported scores are not on a 0-1 scale (the board averages "
                "them as they are); add a Softmax layer before converting")


def _producer(graph: ModelGraph, tensor_index: int) -> OperatorInfo | None:
    """The last layer writing ``tensor_index``, or None when no layer does."""
    writers = [op for op in graph.operators if tensor_index in op.outputs]
    return writers[-1] if writers else None


def _computing_op(graph: ModelGraph, tensor_index: int) -> str:
    """The op computing the tensor's values: its producer, or the first one before it that is not a pass-through
    layer (each layer is looked at once, so a damaged graph with a cycle cannot loop)."""
    seen: set[int] = set()
    op = _producer(graph, tensor_index)
    while op is not None and op.op in PASS_THROUGH_OPS and op.index not in seen and op.inputs:
        seen.add(op.index)
        previous = _producer(graph, op.inputs[0])
        if previous is None:
            break
        op = previous
    return op.op if op is not None else NO_LAYER


def _probability_quantisation(tensor: TensorInfo) -> bool:
    zero_point = PROBABILITY_ZERO_POINTS.get(tensor.dtype)
    return (zero_point is not None and len(tensor.scale) == 1 and len(tensor.zero_point) == 1
            and isclose(tensor.scale[0], PROBABILITY_SCALE) and tensor.zero_point[0] == zero_point)


def output_kind(graph: ModelGraph) -> OutputKind:
    """What the graph's first output holds (module docstring); a graph without outputs counts as probabilities,
    since nothing would be scored (the runner refuses it with its own sentence)."""
    if not graph.outputs or graph.tensor(graph.outputs[0]) is None:
        return OutputKind(probabilities=True, last_op=NO_LAYER, units=0)
    tensor = graph.tensors[graph.outputs[0]]
    last_op = _computing_op(graph, tensor.index)
    probabilities = last_op in PROBABILITY_OPS or _probability_quantisation(tensor)
    return OutputKind(probabilities=probabilities, last_op=last_op, units=prod(tensor.shape) if tensor.shape else 1)
