"""What keeps a model off the EFR32xG24 whatever its speed: layers TFLite Micro refuses, and flash.

Why apart from the MVP rules: an MVP verdict says where a layer runs; these say whether the model runs at
all. A profile that gives a hybrid layer a CPU time, or a 2 MB model a RAM figure without a word about
flash, answers the wrong question first.

- Hybrid layers (dynamic-range quantisation: float32 activations, int8 weights) are refused by TFLM's
  kernels (``fully_connected.cc``, ``conv.cc``, ``depthwise_conv.cc``, … check that input and filter types
  match and fail with "Hybrid models are not supported on TFLite Micro."), so such a layer has no device time.
- CONCATENATION takes at most 10 inputs on TFLM (``concatenation.cc``: ``kMaxInputNum``, checked in Prepare;
  :data:`~workbench.core.model.tflm_limits.TFLM_MAX_CONCATENATION_INPUTS`): a wider one fails to prepare
  ("Node CONCATENATION (number 8) failed to prepare"), so the model does not run, while LiteRT on the host
  runs it without a word. ``kws average`` never writes one; other tools may.
- Custom ops (builtin code CUSTOM) need a kernel registered under their name. MLTK's ``audio_classifier``
  loads the model with ``tflite::AllOpsResolver`` (``audio_classifier.cc``), whose only custom kernel is
  ``TFLite_Detection_PostProcess`` (:data:`TFLM_CUSTOM_KERNELS`); any other fails to load ("Didn't find op for
  custom opcode"). A Flex op (``Flex`` + a TensorFlow op name, what the converter keeps with ``SELECT_TF_OPS``)
  runs in LiteRT's TensorFlow delegate, which TFLite Micro never has; another custom op is some tool's own
  kernel, which the board firmware does not register. Its cost is unknown too, so it has no device time.
- Flash: MLTK's firmware reads the model from the end of flash as flatbuffer + 4-byte length
  (``mltk/utils/firmware_apps``; see :mod:`workbench.board.flashing.flash_layout`), and refuses to flash
  when image + model exceed the chip's flash. The xG24 Dev Kit's EFR32MG24 has 1536 kB as Commander counts
  them (1024 bytes each: 1,572,864 bytes); the firmware image needs its share of that too, which depends on
  the image, so a model that exceeds the whole flash can never fit and one that fits leaves the rest to it.
- RAM: the same rule for the tensor arena against the chip's 256 KiB (``kws average`` warns with both).
- Clock: the EFR32MG24's Cortex-M33 runs at up to 78 MHz; the time estimates scale with any clock, but one
  outside :data:`CLOCK_RANGE_MHZ` (tens of MHz is what the boards MLTK supports run at) is a typo, most
  often Hz given as MHz, and would print times of 0 or of hours.
"""

from __future__ import annotations

from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo
from workbench.core.model.tflm_limits import TFLM_MAX_CONCATENATION_INPUTS

TFLM_HYBRID_REASON = "Hybrid models are not supported on TFLite Micro"
TFLM_CONCATENATION_REASON = f"TFLite Micro's CONCATENATION takes at most {TFLM_MAX_CONCATENATION_INPUTS} inputs"
TFLM_FLEX_REASON = "TFLite Micro has no TensorFlow (Flex) ops"
TFLM_CUSTOM_REASON = "the board firmware registers no kernel for this custom op"
FLEX_PREFIX = "Flex"  # the converter names a TensorFlow op it keeps (SELECT_TF_OPS) "Flex" + the op's name
TFLM_CUSTOM_KERNELS = frozenset({"TFLite_Detection_PostProcess"})  # AllOpsResolver's AddDetectionPostprocess()
PROBLEM_PREFIX = "no: "  # a problem answers the summary's question ("Runs on TFLite Micro", "Fits in Flash")
FLOAT_ACTIVATION = "float32"
QUANTIZED_WEIGHTS = frozenset({"int8", "uint8", "int4"})
BYTES_PER_COMMANDER_KB = 1024  # Commander's "Flash Size : 1536 kB" counts KiB (FORMATS.md section 4)
XG24_FLASH_BYTES = 1536 * BYTES_PER_COMMANDER_KB  # EFR32MG24B310F1536IM48 (BRD2601B), BRD4186's part
XG24_RAM_BYTES = 256 * BYTES_PER_COMMANDER_KB
TARGET_NAME = "EFR32xG24"
MODEL_LENGTH_TRAILER_BYTES = 4  # the little-endian length written after the flatbuffer
PERCENT = 100.0
BYTES_PER_KB = 1000  # kB as MLTK and `kws profile` count (21,616 bytes -> 21.6k), not KiB
XG24_MAX_CLOCK_MHZ = 78.0  # EFR32MG24 datasheet: Cortex-M33 "up to 78 MHz"
CLOCK_RANGE_MHZ = (1.0, 1000.0)  # clocks an estimate may be asked for (the Profile panel's clock box too)
LayerLabel = int | str  # a main-graph layer's index, or "9 of subgraph 2" for a layer of another subgraph


def hybrid_weights(graph: ModelGraph, op: OperatorInfo) -> str | None:
    """The weight type of a hybrid layer (float32 activation in, quantised constant weights), else None."""
    inputs = [t for t in graph.op_inputs(op) if t is not None]
    if not any(t.dtype == FLOAT_ACTIVATION and not t.is_constant for t in inputs):
        return None
    return next((t.dtype for t in inputs if t.is_constant and t.dtype in QUANTIZED_WEIGHTS), None)


def hybrid_reason(weights: str) -> str:
    """TFLM's refusal, with the types that caused it."""
    return f"{TFLM_HYBRID_REASON} ({FLOAT_ACTIVATION} input, {weights} weights)"


def concatenation_inputs(op: OperatorInfo) -> int | None:
    """The input count of a CONCATENATION with more inputs than TFLM takes, else None."""
    if op.op != "CONCATENATION" or len(op.inputs) <= TFLM_MAX_CONCATENATION_INPUTS:
        return None
    return len(op.inputs)


def refused_custom_op(op: OperatorInfo) -> str | None:
    """The custom code of a custom op the board has no kernel for (a Flex op or another tool's), else None.

    ``OperatorInfo.custom_code`` is set for the builtin code CUSTOM alone."""
    code = op.custom_code
    return None if code is None or code in TFLM_CUSTOM_KERNELS else code


def is_flex(code: str) -> bool:
    """Whether a custom code names a TensorFlow op kept by the converter (``FlexCumprod``)."""
    return code.startswith(FLEX_PREFIX)


def custom_op_reason(code: str) -> str:
    """Why the board cannot run the custom op ``code``."""
    if is_flex(code):
        return f"{TFLM_FLEX_REASON} ({code} runs in LiteRT's TensorFlow delegate only)"
    return f"{TFLM_CUSTOM_REASON} ({code})"


def tflm_refusal(graph: ModelGraph, op: OperatorInfo) -> str | None:
    """Why TFLM refuses the layer (a hybrid layer, a CONCATENATION of too many inputs, a Flex or other custom op
    without a kernel), None when it takes it."""
    code = refused_custom_op(op)
    if code is not None:
        return custom_op_reason(code)
    weights = hybrid_weights(graph, op)
    if weights is not None:
        return hybrid_reason(weights)
    inputs = concatenation_inputs(op)
    return None if inputs is None else f"{TFLM_CONCATENATION_REASON} (this one has {inputs})"


def _custom_op_parts(custom: list[tuple[LayerLabel, str]]) -> list[str]:
    """The sentences for Flex ops and for other custom ops ((index, custom code) of each)."""
    parts = []
    flex = [(index, code) for index, code in custom if is_flex(code)]
    other = [(index, code) for index, code in custom if not is_flex(code)]
    if flex:
        listed = ", ".join(f"{index} ({code})" for index, code in flex)
        subject = f"layer {listed} is a TensorFlow op" if len(flex) == 1 else f"layers {listed} are TensorFlow ops"
        parts.append(f"{TFLM_FLEX_REASON}: {subject} the converter kept (SELECT_TF_OPS); convert the model with "
                     "TFLite builtin ops only")
    if other:
        listed = ", ".join(f"{index} ({code})" for index, code in other)
        one = len(other) == 1
        subject = f"layer {listed} is a custom op" if one else f"layers {listed} are custom ops"
        parts.append(f"the board firmware registers no kernel for custom ops: {subject}; replace "
                     f"{'it' if one else 'them'} with builtin ops, or build firmware that registers "
                     f"{'a kernel' if one else 'kernels'} for {'it' if one else 'them'}")
    return parts


def tflm_problem(refused: list[tuple[LayerLabel, str, str]], too_wide: list[tuple[LayerLabel, int]] | None = None,
                 custom: list[tuple[LayerLabel, str]] | None = None) -> str:
    """One sentence about the layers TFLM refuses: hybrid ones ((index, op, weight type) of each),
    CONCATENATIONs of too many inputs ((index, input count) of each) and custom ops without a kernel
    ((index, custom code) of each); "" when none."""
    parts = _custom_op_parts(custom or [])
    if refused:
        listed = ", ".join(f"{index} ({op}, {weights} weights)" for index, op, weights in refused)
        subject = f"layer {listed} takes" if len(refused) == 1 else f"layers {listed} take"
        parts.append(f"{TFLM_HYBRID_REASON}: {subject} {FLOAT_ACTIVATION} input (dynamic-range quantisation); "
                     "quantise the whole model to int8")
    if too_wide:
        listed = ", ".join(f"{index} ({inputs} inputs)" for index, inputs in too_wide)
        subject = f"layer {listed} fails" if len(too_wide) == 1 else f"layers {listed} fail"
        parts.append(f"{TFLM_CONCATENATION_REASON}: {subject} to prepare; concatenate at most "
                     f"{TFLM_MAX_CONCATENATION_INPUTS} at a time (a concatenation of concatenations gives the same "
                     "tensor)")
    return PROBLEM_PREFIX + ". ".join(parts) if parts else ""


def graph_tflm_problem(graph: ModelGraph) -> str:
    """:func:`tflm_problem` of every layer of ``graph`` ("" when TFLM takes them all): what ``kws profile``'s
    summary and ``kws export-c``'s warning say. A custom op is listed as such alone, whatever its inputs.

    The layers of the model's other subgraphs count too, named "layer 9 of subgraph 2": TFLM prepares them with
    the model, so a hybrid layer in the body of a WHILE (a Keras LSTM quantised for its weights only) stops the
    model as one in the main graph does."""
    custom: list[tuple[LayerLabel, str]] = []
    refused: list[tuple[LayerLabel, str, str]] = []
    too_wide: list[tuple[LayerLabel, int]] = []
    for number, subgraph in enumerate((graph, *graph.subgraphs)):
        for op in subgraph.operators:
            label: LayerLabel = op.index if number == 0 else f"{op.index} of subgraph {number}"
            if (code := refused_custom_op(op)) is not None:
                custom.append((label, code))
                continue
            if (weights := hybrid_weights(subgraph, op)) is not None:
                refused.append((label, op.op, weights))
            if (inputs := concatenation_inputs(op)) is not None:
                too_wide.append((label, inputs))
    return tflm_problem(refused, too_wide, custom)


def format_kb(n_bytes: int | float) -> str:
    """``21616 -> '21.6 kB'`` (1 kB = 1000 bytes).

    Why one helper: ``kws profile`` prints memory as MLTK does (``21.6k``, powers of 1000); the GUI used to
    divide by 1024 and print 21.1 for the same model, so the two disagreed on the same file.
    """
    return f"{n_bytes / BYTES_PER_KB:.1f} kB"


def flash_shortfall(model_bytes: int, capacity_bytes: int = XG24_FLASH_BYTES) -> str:
    """What the model (with its length) needs beyond the whole flash, as a clause; "" when it fits."""
    needed = model_bytes + MODEL_LENGTH_TRAILER_BYTES
    if needed <= capacity_bytes:
        return ""
    return (f"the model needs {format_kb(needed)} with its length, more than the {TARGET_NAME}'s "
            f"whole {format_kb(capacity_bytes)} flash ({PERCENT * needed / capacity_bytes:.1f}%)")


def flash_problem(model_bytes: int, capacity_bytes: int = XG24_FLASH_BYTES) -> str:
    """One sentence when the model (with its length) exceeds the flash on its own; "" when it fits."""
    shortfall = flash_shortfall(model_bytes, capacity_bytes)
    return f"{PROBLEM_PREFIX}{shortfall}, before any firmware" if shortfall else ""


def ram_shortfall(arena_bytes: int, capacity_bytes: int = XG24_RAM_BYTES, how: str = "") -> str:
    """What the tensor arena (estimated; ``how``: e.g. "with the MVP") needs beyond the whole RAM, as a
    clause; "" when it fits. Like flash, the firmware needs its own RAM besides."""
    if arena_bytes <= capacity_bytes:
        return ""
    return (f"its tensor arena{' ' + how if how else ''} needs {format_kb(arena_bytes)}, more than the "
            f"{TARGET_NAME}'s whole {format_kb(capacity_bytes)} RAM ({PERCENT * arena_bytes / capacity_bytes:.1f}%)")
