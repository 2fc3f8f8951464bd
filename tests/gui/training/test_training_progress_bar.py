"""The Training workspace's bar shows how much of the training is done, not of the running epoch: with epochs of a
second (a small dataset) it stood at 100 % for most of a run whose status line said "epoch 19 of at most 30". The
events are ``kws train --progress jsonl``'s, given to the workspace by its process as the child's are."""

from __future__ import annotations

from workbench.gui.training.training_workspace import PROGRESS_STEPS

EPOCHS, BATCHES = 30, 7


def batch(epoch: int, done: int, **member: int) -> dict[str, object]:
    return {"phase": "train", "event": "batch", "epoch": epoch, "epochs": EPOCHS, "batch": done, "batches": BATCHES,
            "eta_s": 9.0, **member}


def test_the_bar_counts_the_epochs_of_the_whole_training(training_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = training_workspace
    ws.process.event.emit(batch(19, BATCHES))  # epoch 19's last batch: 19 of at most 30 epochs done
    assert ws.phase.text() == f"Training: epoch 19 of at most {EPOCHS}"
    assert ws.progress.value() == PROGRESS_STEPS * 19 // EPOCHS
    ws.process.event.emit(batch(20, 0))
    assert ws.progress.value() == PROGRESS_STEPS * 19 // EPOCHS  # a new epoch starts where the last one ended
    ws.process.event.emit(batch(1, 0, member=2, members=4))  # an ensemble: member 1's epochs are a quarter
    assert ws.progress.value() == PROGRESS_STEPS // 4
    ws.process.event.emit({"phase": "evaluate", "event": "progress", "done": 1, "total": 4})  # a finishing step
    assert ws.phase.text() == "Evaluating" and ws.progress.value() == PROGRESS_STEPS // 4
