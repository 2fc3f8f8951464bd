"""Limits of TensorFlow Lite Micro's kernels that a model must respect to run on the board at all.

Why a module of its own: LiteRT on the host has no such limits, so a model that breaks one runs everywhere
here and dies on the board ("Node CONCATENATION (number 8) failed to prepare"). The code that writes models
(:mod:`workbench.core.model.model_average`) must stay within them and the profiler
(:mod:`workbench.profiler.device_limits`) must flag models from other tools that do not; both read the
numbers here, so the two can never disagree.
"""

from __future__ import annotations

# tensorflow/lite/micro/kernels/concatenation.cc: ``constexpr int kMaxInputNum = 10;`` and, in Prepare,
# ``TF_LITE_ENSURE(context, num_inputs <= kMaxInputNum)``: a CONCATENATION with more inputs fails to prepare
TFLM_MAX_CONCATENATION_INPUTS = 10
