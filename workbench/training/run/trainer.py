"""The epoch loop: fresh augmented features every epoch, Keras fit, the callbacks' rules, checkpoints.

Why one ``fit`` call per epoch instead of one long ``fit``: between epochs the loop swaps in the next
epoch's features (computed by worker processes while this epoch trains), applies the rules of
:mod:`.training_state` and writes a resumable checkpoint. Within an epoch a Keras callback reports
every batch and stops at the next batch when a stop was requested; an unfinished epoch is discarded,
so the run's state is always "N whole epochs done".

Determinism: a sample's augmentation depends only on (seed, epoch, sample); each epoch's order comes
from a generator seeded with (seed, epoch), and the dropout layers' random state is reset from
(seed, epoch) before the epoch. So the same seed gives the same model on the same machine, and a
resumed run continues with exactly the data and masks the uninterrupted run would have used.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from workbench.core.wording import counted, listed
from workbench.evaluation.evaluate import fold_negative_classes
from workbench.training.data.features import FeatureBatch, FeatureMaker
from workbench.training.data.sample_plan import Sample, SamplePlan, class_weights, resample_unknown
from workbench.training.model.keras_builder import keras
from workbench.training.run.cancel import CancelToken
from workbench.training.run.checkpoints import Checkpoints
from workbench.training.run.model_setup import (WeightKeeper, prepare_model, reset_dropout,
                                                 weight_keeper)
from workbench.training.run.progress import Progress
from workbench.training.run.teacher import Teacher
from workbench.training.run.training_state import TrainingState
from workbench.training.spec.model_spec import ModelSpec

CALIBRATION_SAMPLES = 256  # spectrograms used to set batch norm after a .tflite initialisation
ORDER_STREAM = 0x0D3E
PREDICT_BATCH = 256
VAL_BALANCED = "val_balanced_accuracy"  # added to Keras' figures; specs may monitor it


@dataclass
class TrainingResult:
    model: keras.Model  # holds the best checkpoint's weights
    state: TrainingState
    cancelled: bool
    skipped: list[tuple[Path, str]]


class EpochFeeder:
    """Training features per epoch; the next epoch's are computed while this one trains."""

    def __init__(self, maker: FeatureMaker, spec: ModelSpec, plan: SamplePlan, cancel: CancelToken,
                 epoch_offset: int = 0) -> None:
        self.maker, self.spec, self.plan, self.cancel = maker, spec, plan, cancel
        self.epoch_offset = epoch_offset  # ensemble members draw other augmentations (see Trainer)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="features")
        self._pending: dict[int, Future[FeatureBatch]] = {}
        self.skipped: list[tuple[Path, str]] = []
        self._bad: set[Path] = set()

    def samples(self, epoch: int) -> list[Sample]:
        data = self.spec.data
        samples = (resample_unknown(self.plan, data, self.spec.training.seed, epoch)
                   if data.resample_unknown_each_epoch else self.plan.training)
        return [s for s in samples if s.path not in self._bad]

    def _submit(self, epoch: int) -> None:
        if epoch not in self._pending:
            samples = self.samples(epoch)
            self._pending[epoch] = self._executor.submit(self.maker.compute, samples, epoch + self.epoch_offset, None,
                                                         self.cancel)

    def get(self, epoch: int, prefetch_next: bool) -> FeatureBatch:
        self._submit(epoch)
        batch = self._pending.pop(epoch).result()
        for path, reason in batch.failed:
            if path not in self._bad:
                self._bad.add(path)
                self.skipped.append((path, reason))
        if prefetch_next:
            self._submit(epoch + 1)
        return batch

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class _BatchReporter(keras.callbacks.Callback):
    """Reports batches and stops the epoch at the next batch once a stop is requested."""

    def __init__(self, progress: Progress, cancel: CancelToken, epoch: int, epochs: int, batches: int,
                 eta_after_epoch: float) -> None:
        super().__init__()
        self.progress, self.cancel = progress, cancel
        self.epoch, self.epochs, self.batches = epoch, epochs, batches
        self.eta_after_epoch = eta_after_epoch
        self.started = time.monotonic()
        self.stopped = False

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        done = batch + 1
        elapsed = time.monotonic() - self.started
        eta = elapsed / done * (self.batches - done) + self.eta_after_epoch
        logs = logs or {}
        self.progress.emit("train", "batch", epoch=self.epoch, epochs=self.epochs, batch=done,
                           batches=self.batches, loss=logs.get("loss"), accuracy=logs.get("accuracy"),
                           eta_s=eta)
        if self.cancel.is_set():
            self.stopped = True
            self.model.stop_training = True


def _balanced_accuracy(model: keras.Model, validation: tuple[np.ndarray, np.ndarray],
                       classes: Sequence[str]) -> float:
    """Mean per-class recall on the validation samples (every class counts the same), negative-word
    classes folded into ``_unknown_`` as evaluation reports them."""
    x, y = validation
    _, scores, truth = fold_negative_classes(classes, model.predict(x, verbose=0, batch_size=PREDICT_BATCH),
                                             y.argmax(axis=1))
    predicted = scores.argmax(axis=1)
    recalls = [float(np.mean(predicted[truth == c] == c)) for c in np.unique(truth)]
    return float(np.mean(recalls))


def _one_hot(labels: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n, dtype=np.float32)[labels]


class Trainer:
    """Runs the epochs of one spec on one plan into one checkpoint folder."""

    def __init__(self, spec: ModelSpec, plan: SamplePlan, maker: FeatureMaker, checkpoints: Checkpoints,
                 progress: Progress, cancel: CancelToken, max_epochs: int, teacher: Teacher | None = None,
                 feature_epoch_offset: int = 0, after_epoch: Callable[[], None] | None = None) -> None:
        """``after_epoch``: called once each epoch's checkpoint is written (the run's log goes to disk then, so a
        run killed later still says what its epochs did)."""
        self.spec, self.plan, self.maker = spec, plan, maker
        self.after_epoch = after_epoch
        self.checkpoints, self.progress, self.cancel = checkpoints, progress, cancel
        self.max_epochs = max_epochs
        self.teacher = teacher
        # the augmentation of epoch e is drawn as "epoch e + offset": ensemble members see other draws
        self.feature_epoch_offset = feature_epoch_offset

    # -- model ------------------------------------------------------------------------------------
    def _new_model(self, init_from: str | None, validation: FeatureBatch
                   ) -> tuple[keras.Model, TrainingState, dict[str, np.ndarray]]:
        prepared = prepare_model(self.spec, init_from, validation.features[:CALIBRATION_SAMPLES])
        self.checkpoints.save_imported(prepared.imported)
        if init_from:
            self.progress.info("train", f"weights initialised from {Path(init_from).name}")
        if self.spec.training.frozen_layers:
            self.progress.info("train", f"the first {self.spec.training.frozen_layers} layers are frozen")
        learning = self.spec.training.trainable_classes
        kept = [name for name in self.spec.classes if learning and name not in learning]
        if kept:  # the default spec's: the clips of its other classes (false accepts too) teach those nothing
            outputs, learns = ("outputs", "learn") if len(learning) > 1 else ("output", "learns")
            self.progress.info("train", f"only the {listed(list(learning))} {outputs} {learns}: {listed(kept)} keep "
                                        "the weights they start with (trainable_classes)")
        if self.spec.training.freeze_batch_norm:
            self.progress.info("train", "batch normalisation is frozen (inference mode)")
        state = TrainingState(learning_rate=self.spec.training.learning_rate)
        return prepared.model, state, prepared.imported

    def _resumed_model(self) -> tuple[keras.Model, TrainingState, dict[str, np.ndarray]]:
        state = self.checkpoints.load_state()
        model = self.checkpoints.load_last()
        if state.stop_reason is not None and state.epochs_done < self.max_epochs and \
                state.stop_reason != "early_stopping":
            state.stop_reason = None  # more epochs were granted
        self.progress.info("train", f"resuming after epoch {state.epochs_done} (best: epoch "
                                    f"{state.best_epoch}, {self.spec.training.checkpoint_monitor} "
                                    f"{state.best_value})")
        return model, state, self.checkpoints.load_imported()

    # -- loop -------------------------------------------------------------------------------------
    def run(self, validation: FeatureBatch, init_from: str | None, resume: bool) -> TrainingResult:
        if resume and self.checkpoints.exists():
            model, state, imported = self._resumed_model()
        else:
            if resume:  # said, not silent: the user asked to continue and gets a start from the beginning
                self.progress.info("train", "no checkpoint to resume from (the run stopped before its first epoch "
                                            "ended): training from epoch 1")
            model, state, imported = self._new_model(init_from, validation)
        settings = self.spec.training
        n_classes = len(self.spec.classes)
        val = (validation.features[..., None].astype(np.float32), _one_hot(validation.labels, n_classes))
        weights = class_weights(self.plan, settings)
        feeder = EpochFeeder(self.maker, self.spec, self.plan, self.cancel, self.feature_epoch_offset)
        keeper: WeightKeeper | None = weight_keeper(model, self.spec, imported)
        cancelled = False
        epoch_times: list[float] = []
        try:
            while not state.finished and state.epochs_done < self.max_epochs and not self.cancel.is_set():
                epoch = state.epochs_done + 1
                started = time.monotonic()
                batch = feeder.get(epoch, prefetch_next=epoch < self.max_epochs)
                if self.cancel.is_set():
                    break
                order = np.random.default_rng([settings.seed & 0xFFFFFFFF, epoch, ORDER_STREAM]).permutation(
                    len(batch.labels))
                x = batch.features[order, ..., None].astype(np.float32)
                if self.teacher is not None:
                    y = self.teacher.targets(batch.features[order], batch.labels[order], n_classes)
                else:
                    y = _one_hot(batch.labels[order], n_classes)
                reset_dropout(model, settings.seed, epoch)
                model.optimizer.learning_rate.assign(state.learning_rate)
                batches = -(-len(y) // settings.batch_size)
                per_epoch = float(np.mean(epoch_times)) if epoch_times else 0.0
                eta_after = per_epoch * max(0, state.epochs_left_estimate(settings, self.max_epochs) - 1)
                reporter = _BatchReporter(self.progress, self.cancel, epoch, self.max_epochs, batches, eta_after)
                history = model.fit(x, y, batch_size=settings.batch_size, epochs=1, verbose=0, shuffle=False,
                                    class_weight=weights, validation_data=val,
                                    callbacks=[reporter] + ([keeper] if keeper is not None else []))
                if reporter.stopped:
                    cancelled = True
                    break
                logs = {k: float(v[-1]) for k, v in history.history.items()}
                logs[VAL_BALANCED] = _balanced_accuracy(model, val, self.spec.classes)
                outcome = state.record_epoch(logs, settings, self.max_epochs)
                epoch_times.append(time.monotonic() - started)
                state.wall_time_s += epoch_times[-1]
                self.checkpoints.save(model, state, outcome.is_best)
                self._report_epoch(state, logs, outcome.is_best, outcome.new_learning_rate, epoch_times)
                if self.after_epoch is not None:
                    self.after_epoch()
            cancelled = cancelled or (self.cancel.is_set() and not state.finished)
        finally:
            feeder.close()
        self.checkpoints.load_best_into(model)
        return TrainingResult(model, state, cancelled, feeder.skipped)

    def _report_epoch(self, state: TrainingState, logs: dict[str, float], is_best: bool,
                      new_lr: float | None, epoch_times: list[float]) -> None:
        notes = []
        if is_best:
            notes.append("best so far")
        if new_lr is not None:
            notes.append(f"learning rate lowered to {new_lr:.2e}")
        if state.stop_reason == "early_stopping":
            notes.append(f"early stopping: no better {self.spec.training.early_stopping_monitor} "
                         f"for {counted(self.spec.training.early_stopping_patience, 'epoch')}")
        left = state.epochs_left_estimate(self.spec.training, self.max_epochs) if not state.finished else 0
        self.progress.emit("train", "epoch", epoch=state.epochs_done, epochs=self.max_epochs,
                           lr=state.history[-1]["lr"], eta_s=float(np.mean(epoch_times)) * left,
                           best_epoch=state.best_epoch, message="; ".join(notes) or None, **logs)

