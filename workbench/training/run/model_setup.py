"""Setting a model up for a run: initial weights, frozen parts, class weights, repeatable dropout.

Why apart from the epoch loop: these are the fine-tuning choices a spec makes (start from a trained
model, keep its batch-norm statistics or some of its layers or output units, weigh classes), each
small and testable on its own with a real Keras model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.training.model.keras_builder import build_model, compile_model, keras
from workbench.training.model.weights_import import calibrate_identity_batch_norm, imported_mask, initialise_from
from workbench.training.spec.model_spec import ModelSpec, check_named_classes

DROPOUT_STREAM = 0x0D0F


class WeightKeeper(keras.callbacks.Callback):
    """Puts kept weight entries back after every batch (frozen output units, the copied part of a widened layer).

    Keras can only freeze whole layers; restoring entries after each update has the same effect (the
    kept entries take part in every computation with their initial values).
    """

    def __init__(self, entries: list[tuple[Any, np.ndarray]]) -> None:
        super().__init__()
        self.entries = [(variable, mask, np.array(variable.numpy())) for variable, mask in entries]

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        for variable, mask, kept in self.entries:
            value = np.array(variable.numpy())
            value[mask] = kept[mask]
            variable.assign(value)


@dataclass
class PreparedModel:
    model: keras.Model
    imported: dict[str, np.ndarray] = field(default_factory=dict)  # variable path -> True where imported


def prepare_model(spec: ModelSpec, init_from: str | None, calibration: np.ndarray) -> PreparedModel:
    """The spec's compiled model: initial weights (``init_from``), frozen layers applied.

    ``calibration``: int8 spectrograms for setting batch norm after a ``.tflite`` initialisation.
    A frozen layer that was widened from ``init_from`` (``init_expand``) stays trainable: only its
    imported part is kept (by :func:`weight_keeper`), the added part learns.
    """
    model = build_model(spec)
    imported: dict[str, np.ndarray] = {}
    if init_from:
        result = initialise_from(model, init_from, expand=spec.training.init_expand,
                                 layers=spec.training.init_layers)
        imported = result.masks
        if result.pending_batch_norm:
            calibrate_identity_batch_norm(model, result.pending_batch_norm, calibration[..., None].astype(np.float32))
    for index, layer in enumerate(model.layers):
        frozen_bn = spec.training.freeze_batch_norm and isinstance(layer, keras.layers.BatchNormalization)
        widened = any((mask := imported_mask(imported, v)) is not None and not mask.all() for v in layer.weights)
        if (index < spec.training.frozen_layers and not widened) or frozen_bn:
            layer.trainable = False  # (a frozen BatchNormalization also normalises with its moving statistics)
    compile_model(model, spec)
    return PreparedModel(model, imported)


def weight_keeper(model: keras.Model, spec: ModelSpec, imported: dict[str, np.ndarray]) -> WeightKeeper | None:
    """The callback keeping ``trainable_classes``' other columns and widened frozen layers' imported parts."""
    entries: list[tuple[Any, np.ndarray]] = []
    trainable = spec.training.trainable_classes
    if trainable:
        check_named_classes("trainable_classes", trainable, spec.classes)
        frozen = np.array([name not in trainable for name in spec.classes])
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)][-1]
        for variable in dense.weights:
            entries.append((variable, np.broadcast_to(frozen, tuple(variable.shape)).copy()))
    for layer in model.layers[:spec.training.frozen_layers]:
        if layer.trainable:  # a widened layer: keep what was imported
            entries += [(v, mask) for v in layer.weights if (mask := imported_mask(imported, v)) is not None]
    return WeightKeeper(entries) if entries else None


def reset_dropout(model: keras.Model, seed: int, epoch: int) -> None:
    for index, layer in enumerate(model.layers):
        generator = getattr(layer, "seed_generator", None)
        if generator is not None:
            value = np.random.default_rng([seed & 0xFFFFFFFF, epoch, index, DROPOUT_STREAM]).integers(2**31)
            generator.state.assign(np.array([value, 0], dtype=generator.state.dtype))
