"""Where a training run stands: epochs done, learning rate, the callbacks' counters, the history.

Why not Keras' callbacks: their counters live in Python objects that die with the process, so an
interrupted run could not resume with the same early-stopping patience, learning rate and best
value. The rules here are Keras' own, written down once and saved to ``train/state.json`` after every
epoch (atomically, with the checkpoint), so ``kws train --resume`` continues exactly where it
stopped:

* ModelCheckpoint(save_best_only): the epoch is the new best when the monitored value beats the best
  so far (strictly; "max" for accuracies, "min" for losses).
* EarlyStopping(patience, min_delta=0): count epochs without strict improvement; stop at ``patience``.
* ReduceLROnPlateau(factor, patience, min_delta=1e-4, cooldown=0, min_lr): count epochs without an
  improvement of more than ``min_delta``; at ``patience`` multiply the rate by ``factor`` (not below
  ``min_lr``) and start counting again.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from workbench.training.spec.model_spec import TrainingSettings

REDUCE_LR_MIN_DELTA = 1e-4  # Keras ReduceLROnPlateau default
STOP_EARLY = "early_stopping"
STOP_MAX_EPOCHS = "max_epochs"
STOP_LR_FLOOR = "min_learning_rate"


def mode_of(monitor: str) -> str:
    """Keras' "auto" mode: accuracies (and AUC) are maximised, everything else minimised."""
    return "max" if ("acc" in monitor or "auc" in monitor) else "min"


def improved(current: float, best: float | None, monitor: str, min_delta: float = 0.0) -> bool:
    if best is None:
        return math.isfinite(current)
    if mode_of(monitor) == "max":
        return current - min_delta > best
    return current + min_delta < best


@dataclass
class EpochOutcome:
    """What the rules decided after an epoch."""

    is_best: bool
    new_learning_rate: float | None
    stop_reason: str | None


@dataclass
class TrainingState:
    epochs_done: int = 0
    learning_rate: float = 0.0
    best_value: float | None = None
    best_epoch: int = 0
    early_stopping_best: float | None = None
    early_stopping_wait: int = 0
    reduce_lr_best: float | None = None
    reduce_lr_wait: int = 0
    stop_reason: str | None = None
    wall_time_s: float = 0.0
    history: list[dict[str, float]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.stop_reason is not None

    def record_epoch(self, logs: dict[str, float], settings: TrainingSettings, max_epochs: int) -> EpochOutcome:
        """Apply the three rules to one finished epoch's ``logs`` and append them to the history."""
        self.epochs_done += 1
        self.history.append({"epoch": float(self.epochs_done), "lr": self.learning_rate, **logs})
        is_best = self._check(logs, settings.checkpoint_monitor)
        if is_best:
            self.best_value, self.best_epoch = float(logs[settings.checkpoint_monitor]), self.epochs_done

        new_lr = None
        value = self._check_value(logs, settings.reduce_lr_monitor)
        if improved(value, self.reduce_lr_best, settings.reduce_lr_monitor, REDUCE_LR_MIN_DELTA):
            self.reduce_lr_best, self.reduce_lr_wait = value, 0
        else:
            self.reduce_lr_wait += 1
            if self.reduce_lr_wait >= settings.reduce_lr_patience:
                lowered = max(self.learning_rate * settings.reduce_lr_factor, settings.min_learning_rate)
                if lowered < self.learning_rate:
                    new_lr = lowered
                    self.learning_rate = lowered
                self.reduce_lr_wait = 0

        stop = None
        value = self._check_value(logs, settings.early_stopping_monitor)
        if improved(value, self.early_stopping_best, settings.early_stopping_monitor):
            self.early_stopping_best, self.early_stopping_wait = value, 0
        else:
            self.early_stopping_wait += 1
            if self.early_stopping_wait >= settings.early_stopping_patience:
                stop = STOP_EARLY
        if stop is None and self.epochs_done >= max_epochs:
            stop = STOP_MAX_EPOCHS
        self.stop_reason = stop
        return EpochOutcome(is_best, new_lr, stop)

    def _check(self, logs: dict[str, float], monitor: str) -> bool:
        return improved(self._check_value(logs, monitor), self.best_value, monitor)

    @staticmethod
    def _check_value(logs: dict[str, float], monitor: str) -> float:
        if monitor not in logs:
            raise KeyError(f"the monitored value {monitor!r} is not among the epoch's figures "
                           f"({', '.join(sorted(logs))})")
        return float(logs[monitor])

    def epochs_left_estimate(self, settings: TrainingSettings, max_epochs: int) -> int:
        """Epochs until early stopping would end the run without further improvement (capped)."""
        return max(0, min(max_epochs - self.epochs_done,
                          settings.early_stopping_patience - self.early_stopping_wait))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> "TrainingState":
        data: dict[str, Any] = json.loads(text)
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
