"""`kws calibrate`'s sentences where a calibration cannot give a setting to ship: a model that never detects a
keyword of the stream, and labels of words the bundled model (used without --model) does not know (real WAV
files, the bundled model, the command in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.cli.main import main
from workbench.core.audio.audio_file import save_wav

RATE = 16000
SECONDS = 20
RANGES = ("--thresholds", "100,200", "--windows-ms", "300,1000", "--suppressions-ms", "1000", "--counts", "1,3")


def silent_stream(folder: Path, events: list[dict[str, object]]) -> Path:
    """Twenty seconds of digital silence with labels beside it."""
    wav = save_wav(folder / "silent.wav", np.zeros(SECONDS * RATE, np.int16))
    wav.with_suffix(".json").write_text(json.dumps({"events": events}))
    return wav


def test_a_model_that_detects_nothing_is_said_once_with_its_cause(capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path) -> None:
    stream = silent_stream(tmp_path, [{"label": "yes", "start_s": 5, "end_s": 6}])
    code = main(["calibrate", "--stream", str(stream), *RANGES, "--out", str(tmp_path / "out"),
                 "--apply-to", str(tmp_path / "tuned"), "--progress", "none"])
    out, err = capsys.readouterr()
    cause = err.removeprefix("kws: error: no model copy written: ").rstrip("\n")
    assert code == 2 and err == f"kws: error: no model copy written: {cause}\n"
    assert cause.startswith("no parameter set detects any keyword") and "lower the threshold range" in cause
    assert f"no setting to ship for <= 100 FA/h: {cause}\n" in out
    assert "nothing to change" not in out + err and "raise the target" not in out + err
    assert out.count("\nwrote ") == len(list((tmp_path / "out").iterdir()))  # the report, said as written
    assert not (tmp_path / "tuned.tflite").exists()
    assert main(["calibrate", "--stream", str(stream), *RANGES, "--progress", "none"]) == 0  # a report is no error


def test_labels_of_other_words_without_model_say_the_default_model_was_used(capsys: pytest.CaptureFixture[str],
                                                                          tmp_path: Path) -> None:
    stream = silent_stream(tmp_path, [{"label": "_unknown_", "start_s": 1, "end_s": 2},
                                      {"label": "right", "start_s": 5, "end_s": 6},
                                      {"label": "lamp", "start_s": 9, "end_s": 10},
                                      {"label": "right", "start_s": 13, "end_s": 14}])
    code = main(["calibrate", "--stream", str(stream), "--progress", "none"])
    _, err = capsys.readouterr()
    assert code == 2 and err == ("kws: error: silent.json marks the keywords right and lamp, which the default model "
                                 "kws_yes_no_stream does not know (its keywords: yes, no): no --model was given, so "
                                 "the bundled model was used; pass your model with --model\n")
    code = main(["calibrate", "--stream", str(stream), "--model", str(yes_no_model_path()), "--progress", "none"])
    _, err = capsys.readouterr()  # a model the user chose: their labels are to be fixed
    assert code == 2 and "event 2 has the label 'right', which is not a keyword of model kws_yes_no" in err
    assert "label other speech '_unknown_'" in err and "--model" not in err
