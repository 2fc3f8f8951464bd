"""Progress lines for programs and people, and the DIR:WEIGHT dataset argument."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import SettingsError
from workbench.training.run.progress import (BarProgress, JsonLinesProgress, MemberProgress, Progress,
                                             WarningLines)
from workbench.training.run.run_request import DatasetArg, TrainRequest


def test_json_lines_are_one_flat_object_per_event() -> None:
    stream = io.StringIO()
    progress = Progress(JsonLinesProgress(stream))
    progress.emit("train", "batch", epoch=2, epochs=10, batch=3, batches=20, loss=np.float32(0.5),
                  accuracy=float("nan"), eta_s=12.3456789, skipped=None)
    progress.info("scan", "scanning data")
    lines = stream.getvalue().splitlines()
    first = json.loads(lines[0])
    assert first == {"phase": "train", "event": "batch", "epoch": 2, "epochs": 10, "batch": 3, "batches": 20,
                     "loss": 0.5, "eta_s": 12.345679}  # NaN and None are left out, numpy made plain
    assert json.loads(lines[1]) == {"phase": "scan", "event": "info", "message": "scanning data"}
    assert progress.log_lines[-1].endswith("scan: scanning data")


def test_warnings_are_marked_and_the_warning_lines_show_them_alone() -> None:
    """``kws train --progress none`` shows nothing of the progress but the run's warnings (a warning is not
    progress); the JSON lines mark them, the log keeps them as any line."""
    lines, json_lines = io.StringIO(), io.StringIO()
    progress = Progress(WarningLines(lines, "kws: "), JsonLinesProgress(json_lines))
    progress.info("plan", "training: yes 40, no 3")
    progress.warn("plan", "warning: no (3) has fewer than 20 training samples")
    progress.emit("error", "end", message="it failed")
    assert lines.getvalue() == "kws: warning: no (3) has fewer than 20 training samples\n"
    events = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert [e.get("warning") for e in events] == [None, True, None] and events[1]["event"] == "info"
    assert progress.log_lines[1].endswith("plan: warning: no (3) has fewer than 20 training samples")


def test_the_bar_prints_epochs_and_messages_as_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = BarProgress(stream)
    bar.emit({"phase": "train", "event": "batch", "epoch": 1, "epochs": 5, "batch": 1, "batches": 4})
    bar.emit({"phase": "train", "event": "epoch", "epoch": 1, "epochs": 5, "loss": 0.7, "accuracy": 0.6,
              "val_loss": 0.8, "val_accuracy": 0.55, "lr": 0.001, "eta_s": 75})
    bar.emit({"phase": "done", "event": "end", "message": "model written"})
    text = stream.getvalue()
    assert "epoch 1/5  loss 0.7000  accuracy 0.6000  val_loss 0.8000  val_accuracy 0.5500  lr 1.00e-03" in text
    assert "eta 1:15" in text and "[done] model written" in text and "[####" not in text


def test_an_ensemble_members_train_events_are_tagged_and_shown() -> None:
    stream = io.StringIO()
    run = Progress(BarProgress(stream))
    member = MemberProgress(run, 2, 4)
    member.emit("train", "epoch", epoch=3, epochs=5, loss=0.5, eta_s=10)
    member.info("convert", "not a training event")
    member.info("train", "a note")
    assert "member 2/4 epoch 3/5  loss 0.5000" in stream.getvalue()
    assert "[convert] not a training event" in stream.getvalue() and "a note" in run.log_lines[-1]


@pytest.mark.parametrize("text, path, weight", [
    ("data/own", "data/own", 1.0), ("data/own:2.5", "data/own", 2.5), ("C:\\data", "C:\\data", 1.0),
    ("data/a:b", "data/a:b", 1.0),
])
def test_dataset_arguments_take_an_optional_weight(text: str, path: str, weight: float) -> None:
    arg = DatasetArg.parse(text)
    assert (str(arg.path), arg.weight) == (str(Path(path)), weight)


def test_a_weight_must_be_positive_and_requests_round_trip(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="positive"):
        DatasetArg.parse("data:0")
    request = TrainRequest(datasets=(DatasetArg(tmp_path, 2.0),), out=tmp_path / "out", spec="default",
                           keywords=("on", "off"), epochs=5, seed=3, init_from="x.h5", workers=2)
    again = TrainRequest.from_record(json.loads(json.dumps(request.to_record())))
    assert again.datasets[0].weight == 2.0 and again.keywords == ("on", "off") and again.seed == 3
    resumed = TrainRequest(datasets=(), out=tmp_path / "out", resume=True, epochs=0).resumed(again)
    assert resumed.resume and resumed.epochs == 0 and resumed.spec == "default"
    for dataset in (DatasetArg(tmp_path, 2.5), DatasetArg(tmp_path)):  # as the run's spec.toml header gives them
        assert DatasetArg.parse(dataset.argument()) == DatasetArg(tmp_path.resolve(), dataset.weight)


def test_an_existing_folder_whose_name_ends_in_a_number_is_that_folder(tmp_path: Path) -> None:
    """"séance 12:30" was read as folder "séance 12" weighted 30: a wrong folder, or "does not exist"."""
    (tmp_path / "séance 12").mkdir()
    folder = tmp_path / "séance 12:30"
    folder.mkdir()
    assert DatasetArg.parse(str(folder)) == DatasetArg(folder, 1.0)
    assert DatasetArg.parse(f"{folder}:0.5") == DatasetArg(folder, 0.5)
    assert DatasetArg.parse(str(tmp_path / "séance 12:3")) == DatasetArg(tmp_path / "séance 12", 3.0)
    assert DatasetArg.parse(DatasetArg(folder).argument()) == DatasetArg(folder.resolve(), 1.0)
    assert DatasetArg(folder).argument().endswith("12:30:1")  # whole even where the folder is gone
    for weight in ("inf", "nan", "-1"):
        with pytest.raises(SettingsError, match="must be a positive number"):
            DatasetArg.parse(f"{tmp_path}:{weight}")


def test_the_bar_leaves_the_error_message_to_the_command_and_ends_its_line_first() -> None:
    """``kws train`` prints the error as ``kws: error: ...``; the bar must not print it too, but a bar drawn on a
    terminal (a real pty here) is ended, so that line starts on a line of its own."""
    main_fd, child_fd = os.openpty()
    try:
        with os.fdopen(child_fd, "w", closefd=False) as terminal:
            progress = Progress(BarProgress(terminal))
            progress.emit("features", "progress", done=3, total=10)
            progress.emit("error", "end", message="the disk is full")
            terminal.write("kws: error: the disk is full\n")
            terminal.flush()
        shown = ""
        while not shown.endswith("full\r\n"):  # the pty hands the output over in its own time
            shown += os.read(main_fd, 4096).decode()
    finally:
        os.close(main_fd)
        os.close(child_fd)
    assert "[error]" not in shown and shown.count("the disk is full") == 1
    assert re.search(r"features \[#+-+\] 3/10.*\r?\nkws: error: the disk is full", shown)
    stream = io.StringIO()  # not a terminal: nothing at all
    BarProgress(stream).emit({"phase": "error", "event": "end", "message": "the disk is full"})
    assert stream.getvalue() == ""


def test_the_log_file_lines_give_every_epoch_with_its_figures() -> None:
    """``train/log.txt`` is what a run opened later shows: "train: best so far" alone said nothing."""
    run = Progress()
    run.emit("train", "epoch", epoch=1, epochs=5, loss=0.7, accuracy=0.6, lr=0.001, eta_s=40)
    MemberProgress(run, 2, 4).emit("train", "epoch", epoch=3, epochs=5, loss=0.5, message="best so far", eta_s=10)
    assert run.log_lines[0].endswith("train: epoch 1/5  loss 0.7000  accuracy 0.6000  lr 1.00e-03")
    assert run.log_lines[1].endswith("train: member 2/4 epoch 3/5  loss 0.5000  best so far")


def test_the_repeat_command_keeps_a_spec_toml_valid_and_the_weights_exact(tmp_path: Path) -> None:
    """A dataset folder whose name holds a line break split the header's comment line (the spec, and so --resume,
    no longer read as TOML); weights were shortened to 6 figures ("0.123457")."""
    import subprocess
    import tomllib

    from workbench.training.run.run_request import repeat_header

    odd = tmp_path / "nl\nset\t'q'"
    request = TrainRequest(datasets=(DatasetArg(odd, 0.1234567), DatasetArg(tmp_path, 1234567.0)), out=tmp_path / "o")
    header = repeat_header(request, tmp_path / "o" / "spec.toml")
    assert all(line.startswith("#") for line in header.splitlines())
    assert tomllib.loads(header + 'name = "x"\n') == {"name": "x"}
    command = header.splitlines()[-1].removeprefix("#").strip()
    assert ":0.1234567" in command and f"{tmp_path}:1234567 " in command
    words = subprocess.run(["bash", "-c", f'for w in {command}; do printf "%s\\0" "$w"; done'], check=True,
                           capture_output=True).stdout.split(b"\0")[:-1]
    assert os.fsencode(f"{odd.resolve()}:0.1234567") in words  # the shell gives the folder's name back whole
