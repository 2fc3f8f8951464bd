"""The ``reproduce:`` lines of ``kws calibrate`` run as printed and give the calibration's figures again.

Before, the recommendation's line read ``kws detect STREAM.wav --model MODEL --threshold ...``: placeholders to fill
in, and no labels, so the command as printed failed and, filled in, printed detections without the FRR and FA/h
to compare with. And with background-only recordings the line left them out, and ``kws detect`` counted none: its
FA/h was the stream's alone where the calibration's is over all the audio.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.calibration.conftest import speech_commands  # noqa: F401  (fixture)
from workbench.assets import default_model_path, sample_audio_path
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio, save_wav

RANGES = ("--thresholds", "150:250:10", "--windows-ms", "300,750", "--suppressions-ms", "500,1500", "--counts", "1,3")
# "  FRR 58.0 % (65/112 missed), 68.0 FA/h (speech 102.0)" and kws detect's "... 65 missed (FRR 58.0 %), 34 false
# accepts (102.0 per hour)"
CALIBRATED = re.compile(r"FRR (?P<frr>[\d.]+) % \((?P<missed>\d+)/\d+ missed\), [\d.]+ FA/h \(speech (?P<fa>[\d.]+)")
DETECTED = re.compile(r"(?P<missed>\d+) missed \(FRR (?P<frr>[\d.]+) %\), \d+ false accepts? \((?P<fa>[\d.]+) per hour")
# with background audio: "FRR 14.3 % (2/14 missed), 271.2 FA/h (speech 270.0, background 276.9)" and kws detect's
# "... 2 missed (FRR 14.3 %), 11 false accepts (271.2 per hour; stream 9, 270.0 per hour; background 2, 276.9 per hour)"
CALIBRATED_ALL = re.compile(r"FRR (?P<frr>[\d.]+) % \((?P<missed>\d+)/\d+ missed\), (?P<fa>[\d.]+) FA/h "
                            r"\(speech (?P<speech>[\d.]+), background (?P<background>[\d.]+)\)")
DETECTED_ALL = re.compile(r"(?P<missed>\d+) missed \(FRR (?P<frr>[\d.]+) %\), \d+ false accepts \((?P<fa>[\d.]+) per "
                          r"hour; stream \d+, (?P<speech>[\d.]+) per hour; background \d+, "
                          r"(?P<background>[\d.]+) per hour")
# a set's figures in calibration.json that kws detect --format jsonl's summary has under the same keys
SET_FIGURES = ("frr", "fa_per_hour", "fa_per_hour_speech", "fa_per_hour_background", "keywords", "hits", "misses",
               "false_accepts_speech", "false_accepts_background")
TV_LEAD_S, OFFICE_S = 0.5, 20  # the TV's silence before the bundled sample; the office's seconds of dish washing


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


@pytest.fixture()
def background_audio(in_stream_folder: Path, speech_commands: Path) -> Path:  # noqa: F811
    """Beside the stream: a "TV" saying the bundled sample's yes and no, and a folder holding an office's dishes."""
    sample = load_audio(sample_audio_path())
    save_wav(in_stream_folder / "tv.wav", np.concatenate([np.zeros(int(TV_LEAD_S * sample.sample_rate), np.int16),
                                                          sample.samples]), sample.sample_rate)
    (in_stream_folder / "office").mkdir()
    dishes, rate = sf.read(str(speech_commands / "_background_noise_" / "doing_the_dishes.wav"), dtype="int16")
    sf.write(str(in_stream_folder / "office" / "dishes.wav"), dishes[:OFFICE_S * rate], rate, subtype="PCM_16")
    return in_stream_folder


def test_the_reproduce_line_of_a_calibration_with_background_audio_gives_its_figures_over_all_of_it(
        background_audio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The recordings as given (a file, a folder, the file again: counted once by both commands), and kws detect's
    FA/h over the stream and them, the stream's and the background's apart, equal to the calibration's."""
    given = ["--background", "tv.wav", "--background", "office", "--background", "tv.wav"]
    code = main(["calibrate", "--model", str(default_model_path()), "--stream", "take 1.wav", *given,
                 "--tolerance-s", "1.2", "--target-fa-per-hour", "400", *RANGES, "--progress", "none", "--out", "CAL"])
    report = capsys.readouterr().out
    assert code == 0, report
    document = json.loads((background_audio / "CAL" / "calibration.json").read_text())
    assert [Path(item["audio"]).name for item in document["background"]] == ["tv.wav", "dishes.wav"]
    recommended = document["recommended"]
    assert recommended["false_accepts_background"] > 0  # else the background would change no figure
    assert recommended["fa_per_hour"] != recommended["fa_per_hour_speech"]
    lines = report.splitlines()
    at, line = next((i, line.split("reproduce: ", 1)[1]) for i, line in enumerate(lines) if "reproduce: " in line)
    assert line.endswith(" --labels 'take 1.json' --background tv.wav --background office --background tv.wav "
                         "--tolerance-s 1.2")
    words = shlex.split(line)
    assert main(words[1:]) == 0
    assert _all_figures(DETECTED_ALL, capsys.readouterr().out) == _all_figures(CALIBRATED_ALL, lines[at - 1])

    assert main([*words[1:], "--format", "jsonl"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert {key: summary[key] for key in SET_FIGURES} == {key: recommended[key] for key in SET_FIGURES}  # exactly
    assert [item["duration_s"] for item in summary["background"]] == [
        item["duration_s"] for item in document["background"]]
    assert {name: {key: item[key] for key in ("keywords", "hits", "false_accepts")}
            for name, item in summary["per_keyword"].items()} == {
        name: {key: item[key] for key in ("keywords", "hits", "false_accepts")}
        for name, item in recommended["per_keyword"].items()}


def _all_figures(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    found = pattern.search(text)
    assert found, text
    return found["frr"], found["missed"], found["fa"], found["speech"], found["background"]
