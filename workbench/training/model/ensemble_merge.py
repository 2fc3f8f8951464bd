"""Several fine-tuned members of one widened model merged into one model that averages their logits.

Why: when a trained model is widened and only its added filters and a few output columns learn
(``init_expand`` + ``frozen_layers`` + ``trainable_classes``, as the default model learns
``_silence_``), those few weights are fitted to a few hundred clips and land somewhere different with
every seed: on the shared data the same recipe gave 88 to 93 % balanced accuracy on the test
speakers depending on the seed alone, mostly through speech clips the new output calls silence.
Averaging members removes that variance, and because the members share every imported weight, the
average is itself one small model of the same architecture: the widened layer holds the shared
(imported) channels once and each member's added channels after them, the dense layer after the
flatten takes the members' mean over the shared channels and each member's rows for its own
channels divided by the member count, and the dense bias is the members' mean. Its logits are then
exactly the mean of the members' logits (softmax of the mean logit = a geometric-mean ensemble).

Supported shape, checked: the widened layer is a ``conv2d`` whose added channels pass through
per-channel layers only (batch norm, activation, dropout) and a flatten into the output dense layer.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from workbench.core.errors import ModelError
from workbench.training.model.keras_builder import build_model, keras
from workbench.training.model.weights_import import imported_mask
from workbench.training.spec.layers import LayerSpec
from workbench.training.spec.model_spec import ModelSpec

PER_CHANNEL_KINDS = ("batch_norm", "relu", "dropout")
SHARED_TOLERANCE = 1e-6  # the members' shared weights are copies of one import: equal up to float noise


@dataclasses.dataclass(frozen=True)
class MergePlan:
    """Where the added channels are: the widened conv layer, its shared channel count, the dense layer."""

    conv_index: int
    shared: int  # channels imported (identical in every member)
    added: int  # channels each member learned
    per_channel: tuple[int, ...]  # layer indices between conv and flatten that carry per-channel weights
    dense_index: int


def merge_plan(spec: ModelSpec, imported: dict[str, np.ndarray], model: keras.Model) -> MergePlan:
    """Find the widened layer from the import masks; ModelError when the spec has another shape."""
    layers = list(spec.layers)
    masks = {v.path: mask for v in model.weights if (mask := imported_mask(imported, v)) is not None}
    widened = [i for i, layer in enumerate(model.layers)
               if any(v.path in masks and not masks[v.path].all() for v in layer.weights)]
    convs = [i for i in widened if layers[i].kind == "conv2d"]
    if not convs:
        raise ModelError("ensemble_members needs a conv2d layer widened from the init_from model's "
                         "(init_from a narrower model, init_expand)")
    conv = convs[0]
    bias = next((v for v in model.layers[conv].weights if v.path in masks and len(v.shape) == 1), None)
    if bias is None:
        raise ModelError("ensemble_members needs the widened conv2d layer to have a bias")
    shared = int(masks[bias.path].sum())
    filters = int(layers[conv].get("filters"))
    per_channel: list[int] = []
    index = conv + 1
    while index < len(layers) and layers[index].kind in PER_CHANNEL_KINDS:
        if model.layers[index].weights:
            per_channel.append(index)
        index += 1
    if index + 1 >= len(layers) or layers[index].kind != "flatten" or layers[index + 1].kind != "dense" \
            or index + 2 != len(layers):
        raise ModelError("ensemble_members needs the widened conv2d to be followed by per-channel layers "
                         "(batch_norm, relu, dropout), a flatten and the output dense layer")
    if not 0 < shared < filters:
        raise ModelError(f"ensemble_members needs imported and added filters in conv2d, "
                         f"found {shared} of {filters} imported")
    return MergePlan(conv, shared, filters - shared, tuple(per_channel), index + 1)


def merged_spec(spec: ModelSpec, plan: MergePlan, members: int) -> ModelSpec:
    """The spec of the merged model: the widened layer with the shared channels plus every member's own."""
    layers = list(spec.layers)
    conv = layers[plan.conv_index]
    filters = plan.shared + members * plan.added
    options = tuple((k, filters if k == "filters" else v) for k, v in conv.options)
    layers[plan.conv_index] = LayerSpec(conv.kind, options)
    training = dataclasses.replace(spec.training, ensemble_members=1)
    return spec.replace(layers=tuple(layers), training=training)


def _channels(values: list[np.ndarray], plan: MergePlan, what: str) -> np.ndarray:
    """Shared channels once (checked equal), then each member's added channels (last axis)."""
    first = values[0][..., :plan.shared]
    for value in values[1:]:
        if not np.allclose(value[..., :plan.shared], first, atol=SHARED_TOLERANCE, rtol=0.0):
            raise ModelError(f"the ensemble members differ in the shared part of {what}: "
                             "they were not fine-tuned from the same imported weights")
    return np.concatenate([first] + [v[..., plan.shared:] for v in values], axis=-1)


def merge_members(members: Sequence[keras.Model], spec: ModelSpec, plan: MergePlan) -> keras.Model:
    """One model whose logits are the mean of the members' (see the module docstring)."""
    if not members:
        raise ModelError("no ensemble member to merge")
    n = len(members)
    merged = build_model(merged_spec(spec, plan, n))
    for index in (plan.conv_index, *plan.per_channel):
        stacks = zip(*(m.layers[index].get_weights() for m in members))
        merged.layers[index].set_weights([_channels(list(s), plan, members[0].layers[index].name) for s in stacks])
    kernels = [m.layers[plan.dense_index].get_weights()[0] for m in members]
    biases = [m.layers[plan.dense_index].get_weights()[1] for m in members]
    channels = plan.shared + plan.added
    classes = kernels[0].shape[1]
    rows = [k.reshape(-1, channels, classes) for k in kernels]  # flatten order: position, then channel
    shared = np.mean([r[:, :plan.shared] for r in rows], axis=0)
    own = [r[:, plan.shared:] / n for r in rows]
    kernel = np.concatenate([shared, *own], axis=1).reshape(-1, classes)
    merged.layers[plan.dense_index].set_weights([kernel, np.mean(biases, axis=0)])
    return merged
