"""A training's events as the terminal, train/log.txt and the window's log and status line say them."""

from __future__ import annotations

from workbench.progress_text import done_fraction, epoch_text, finished_line, status_line, warning_of

EPOCH = {"phase": "train", "event": "epoch", "epoch": 3, "epochs": 40, "loss": 0.5, "accuracy": 0.8,
         "val_loss": None, "val_accuracy": 0.75, "lr": 1e-3, "message": "best so far", "eta_s": 75}


def test_an_epoch_is_one_line_with_its_figures_and_the_time_left() -> None:
    assert epoch_text(EPOCH) == ("epoch 3/40  loss 0.5000  accuracy 0.8000  val_accuracy 0.7500  lr 1.00e-03  "
                                 "best so far  eta 1:15")
    assert epoch_text(EPOCH, eta=False).endswith("best so far")


def test_an_ensemble_members_epoch_names_the_member() -> None:
    assert epoch_text({**EPOCH, "member": 2, "members": 4}, eta=False).startswith("member 2/4 epoch 3/40  ")
    batch = {"phase": "train", "event": "batch", "epoch": 3, "epochs": 40, "batch": 5, "batches": 20,
             "member": 2, "members": 4}
    assert status_line(batch) == "Training: member 2 of 4, epoch 3 of at most 40"
    assert done_fraction(batch) == (40 + 2 + 5 / 20) / (4 * 40)  # of the whole training: member 1's 40 epochs done


def test_finishing_steps_have_names_and_other_events_leave_the_status_line() -> None:
    assert status_line({"phase": "threshold", "event": "progress", "done": 1, "total": 4}) == \
        "Choosing the detection threshold"
    assert status_line({"phase": "convert", "event": "progress"}) == "Convert"
    assert done_fraction({"phase": "evaluate", "event": "progress", "done": 3, "total": 0}) == 1.0  # never past
    assert status_line(EPOCH) is None and done_fraction(EPOCH) is None


def test_a_finished_run_says_its_first_warning_and_how_many_more_the_log_holds() -> None:
    few = {"phase": "plan", "event": "info", "message": "warning: no (6) has fewer than 20 training samples",
           "warning": True}
    assert warning_of(few) == "no (6) has fewer than 20 training samples"
    assert warning_of({**few, "warning": False}) is None and warning_of(EPOCH) is None
    assert finished_line([]) == "Finished."
    assert finished_line(["a", "b", "c"]) == "Finished with a warning: a (2 more warnings in the Log)"
