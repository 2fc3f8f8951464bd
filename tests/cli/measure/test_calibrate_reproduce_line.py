"""The ``reproduce:`` lines of ``kws calibrate`` run as printed and give the calibration's figures again.

Before, the recommendation's line read ``kws detect STREAM.wav --model MODEL --threshold ...``: placeholders to fill
in, and no labels, so the command as printed failed and, filled in, printed detections without the FRR and FA/h
to compare with.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.calibration.conftest import speech_commands  # noqa: F401  (fixture)
from workbench.assets import default_model_path
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.cli.main import main

RANGES = ("--thresholds", "150:250:10", "--windows-ms", "300,750", "--suppressions-ms", "500,1500", "--counts", "1,3")
# "  FRR 58.0 % (65/112 missed), 68.0 FA/h (speech 102.0)" and kws detect's "... 65 missed (FRR 58.0 %), 34 false
# accepts (102.0 per hour)"
CALIBRATED = re.compile(r"FRR (?P<frr>[\d.]+) % \((?P<missed>\d+)/\d+ missed\), [\d.]+ FA/h \(speech (?P<fa>[\d.]+)")
DETECTED = re.compile(r"(?P<missed>\d+) missed \(FRR (?P<frr>[\d.]+) %\), \d+ false accepts? \((?P<fa>[\d.]+) per hour")


@pytest.fixture()
def in_stream_folder(tmp_path: Path, speech_commands: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    """A 2-minute stream of real clips in the working folder, named relatively as a user types it."""
    write_stream(make_dataset_stream([speech_commands], StreamRecipe(minutes=2.0, seed=5)), tmp_path / "take 1.wav")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _figures(pattern: re.Pattern[str], text: str) -> tuple[str, str, str]:
    found = pattern.search(text)
    assert found, text
    return found["frr"], found["missed"], found["fa"]


def test_each_reproduce_line_runs_as_printed_and_gives_the_calibrations_figures(
        in_stream_folder: Path, reference_model_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["calibrate", "--model", str(default_model_path()), "--compare", str(reference_model_path),
                 "--stream", "take 1.wav", "--tolerance-s", "1.2", "--target-fa-per-hour", "400", *RANGES,
                 "--progress", "none"])  # (a 2-minute stream reaches no lower target)
    report = capsys.readouterr().out
    assert code == 0, report
    lines = report.splitlines()
    reproduce = [(i, line.split("reproduce: ", 1)[1]) for i, line in enumerate(lines) if "reproduce: " in line]
    assert len(reproduce) == 2  # the recommendation's and the compared model's
    main_line = reproduce[0][1]
    assert main_line.startswith(f"kws detect 'take 1.wav' --model {default_model_path()} --threshold ")
    assert main_line.endswith(" --labels 'take 1.json' --tolerance-s 1.2")
    assert f"--model {reference_model_path} " in reproduce[1][1]
    calibrated = _figures(CALIBRATED, lines[reproduce[0][0] - 1])  # the figures line above the recommendation's
    words = shlex.split(main_line)
    assert words[:2] == ["kws", "detect"]
    assert main(words[1:]) == 0
    assert _figures(DETECTED, capsys.readouterr().out) == calibrated
    words = shlex.split(reproduce[1][1])
    assert main(words[1:]) == 0  # the compared model's line runs too
    assert DETECTED.search(capsys.readouterr().out)
