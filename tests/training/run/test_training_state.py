"""The resumable callback rules decide exactly as Keras' own EarlyStopping / ReduceLROnPlateau do."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from workbench.training.run.training_state import TrainingState
from workbench.training.spec import TrainingSettings


def _keras_decisions(values: list[tuple[float, float]], settings: TrainingSettings) -> tuple[list[float], int | None]:
    """Learning rate after each epoch and the epoch (1-based) early stopping ends on, by Keras itself."""
    from workbench.training.model.keras_builder import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=settings.learning_rate), loss="mse")
    reduce = keras.callbacks.ReduceLROnPlateau(monitor=settings.reduce_lr_monitor, factor=settings.reduce_lr_factor,
                                               patience=settings.reduce_lr_patience, min_lr=settings.min_learning_rate,
                                               mode="max")
    stop = keras.callbacks.EarlyStopping(monitor=settings.early_stopping_monitor,
                                         patience=settings.early_stopping_patience, mode="max")
    for callback in (reduce, stop):
        callback.set_model(model)
        callback.on_train_begin()
    rates, stopped = [], None
    for epoch, (accuracy, val_accuracy) in enumerate(values):
        logs = {"accuracy": accuracy, "val_accuracy": val_accuracy}
        reduce.on_epoch_end(epoch, logs)
        stop.on_epoch_end(epoch, logs)
        rates.append(float(model.optimizer.learning_rate.numpy()))
        if model.stop_training and stopped is None:
            stopped = epoch + 1
            break
    return rates, stopped


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rules_match_keras_callbacks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    settings = dataclasses.replace(TrainingSettings(), reduce_lr_patience=3, early_stopping_patience=6,
                                   learning_rate=0.01, min_learning_rate=1e-4)
    # coarse values with plateaus and repeats, as small validation sets give
    values = [(float(np.round(min(0.99, 0.5 + 0.02 * i + rng.normal(0, 0.03)), 2)),
               float(np.round(min(0.99, 0.6 + 0.01 * i + rng.normal(0, 0.03)), 2))) for i in range(60)]
    keras_rates, keras_stop = _keras_decisions(values, settings)
    state = TrainingState(learning_rate=settings.learning_rate)
    ours_rates, ours_stop = [], None
    for epoch, (accuracy, val_accuracy) in enumerate(values):
        outcome = state.record_epoch({"accuracy": accuracy, "val_accuracy": val_accuracy}, settings, 1000)
        ours_rates.append(state.learning_rate)
        if outcome.stop_reason:
            ours_stop = epoch + 1
            break
    assert ours_stop == keras_stop
    assert ours_rates == pytest.approx(keras_rates, rel=1e-6)


def test_best_epoch_and_state_survive_a_json_round_trip() -> None:
    settings = TrainingSettings()
    state = TrainingState(learning_rate=0.001)
    for val in (0.5, 0.7, 0.6, 0.7):
        state.record_epoch({"accuracy": 0.5, "val_accuracy": val, "loss": 1.0}, settings, 100)
    assert (state.best_epoch, state.best_value, state.epochs_done) == (2, 0.7, 4)  # ties are not better
    again = TrainingState.from_json(state.to_json())
    assert again == state
    assert state.record_epoch({"accuracy": 0.5, "val_accuracy": 0.8}, settings, 5).stop_reason == "max_epochs"


def test_a_missing_monitor_is_named() -> None:
    with pytest.raises(KeyError, match="val_balanced_accuracy"):
        TrainingState().record_epoch({"accuracy": 1.0}, dataclasses.replace(
            TrainingSettings(), checkpoint_monitor="val_balanced_accuracy"), 10)
