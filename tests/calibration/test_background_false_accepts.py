"""A calibration read back counts a set's false accepts in each background recording apart, on its stored scores:
the document keeps only their sum, and Save mistakes as clips must know what a recording gone since takes with it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from workbench.assets import sample_audio_path
from workbench.calibration.results.result_files import load_calibration_output
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.errors import WorkbenchError

RATE = 16000
TV_REPEATS = 2  # the bundled "yes … no" sample, each followed by a second of silence: keywords in the background


@pytest.fixture(scope="module")
def with_backgrounds(tmp_path_factory: pytest.TempPathFactory, real_stream: Path, reference_model_path: Path,
                     noise_recording: Path) -> Path:
    """A calibration of the stream with two background recordings: one with spoken keywords, one of kitchen noise."""
    root = tmp_path_factory.mktemp("with-backgrounds")
    repetition = np.concatenate([load_audio(sample_audio_path()).samples, np.zeros(RATE, np.int16)])
    save_wav(root / "tv.wav", np.tile(repetition, TV_REPEATS))
    assert main(["calibrate", "--model", str(reference_model_path), "--stream", str(real_stream),
                 "--background", str(root / "tv.wav"), "--background", str(noise_recording),
                 "--thresholds", "150:250:50", "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1",
                 "--out", str(root / "run"), "--progress", "none"]) == 0
    return root / "run"


def test_each_recordings_false_accepts_add_up_to_the_sets_own(with_backgrounds: Path, noise_recording: Path) -> None:
    output = load_calibration_output(with_backgrounds)
    tv = with_backgrounds.parent / "tv.wav"
    counted = [output.background_false_accepts(item) for item in output.pareto]
    for item, counts in zip(output.pareto, counted):
        assert [recording for recording, _ in counts] == [tv, noise_recording]
        assert sum(count for _, count in counts) == item["false_accepts_background"]
    assert any(counts[0][1] for counts in counted)  # (all zero would prove nothing)


def test_scores_of_another_number_of_recordings_are_one_sentence(with_backgrounds: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(with_backgrounds, tmp_path / "run")
    document = json.loads((folder / "calibration.json").read_text())
    document["background"] = document["background"][:1]
    (folder / "calibration.json").write_text(json.dumps(document))
    output = load_calibration_output(folder)
    with pytest.raises(WorkbenchError, match=r"^the scores in .+ do not belong to its calibration.json: they hold 2 "
                                             r"background recordings, it names 1$"):
        output.background_false_accepts(output.pareto[0])
