"""`kws train` on a dataset synthesised for "hey lamp", without --keywords, is refused (the spec's yes and no have no
clips) with the sentence that names the dataset's own words and the option that trains them; a refusal of keywords
the user chose gets no such sentence. A real `kws dataset synth` with flite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.cli.main import main

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow


@pytest.fixture
def lamp_dataset(tmp_path: Path) -> Path:
    if shutil.which("flite") is None:
        pytest.skip("speech engine not installed: flite")
    out = tmp_path / "lamp"
    assert main(["dataset", "synth", "--words", "hey lamp", "--negatives", "camp", "--similar", "0",
                 "--engines", "flite", "--takes", "1", "--no-noise", "--progress", "none", "--out", str(out)]) == 0
    return out


def test_the_refusal_names_the_words_the_dataset_was_synthesised_for(lamp_dataset: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["train", "--dataset", str(lamp_dataset), "--out", str(tmp_path / "run"), "--progress", "none"]) == 2
    error = capsys.readouterr().err
    assert "no samples of yes, no" in error
    assert f"{lamp_dataset} was synthesised for hey_lamp: train them with --keywords hey_lamp." in error
    assert not (tmp_path / "run").exists()


def test_no_such_sentence_when_the_keywords_are_given(lamp_dataset: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["train", "--dataset", str(lamp_dataset), "--keywords", "hey_lamp,go", "--out",
                 str(tmp_path / "run"), "--progress", "none"]) == 2  # go: no clips, refused for that alone
    error = capsys.readouterr().err
    assert "no samples of go" in error and "synthesised for" not in error


def test_clips_longer_than_the_model_hears_are_said_with_the_setting_that_fits(
        tmp_path: Path, quick_spec: Path) -> None:
    """A phrase synthesised into 1.5 s clips (--sample-ms), trained by a spec whose frontend hears 1 s: each clip
    was cut to 1 s without a word; the run says so and names the setting, and says nothing once it is set."""
    import sys

    from workbench.training.run.cancel import CancelToken
    from workbench.training.run.pipeline import run_training
    from workbench.training.run.progress import Progress
    from workbench.training.run.run_request import DatasetArg, TrainRequest

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from plan_sink import StopAfterPlan

    if shutil.which("flite") is None:
        pytest.skip("speech engine not installed: flite")
    out = tmp_path / "long"
    assert main(["dataset", "synth", "--words", "hey lamp", "--negatives", "camp", "--similar", "0", "--engines",
                 "flite", "--takes", "1", "--no-noise", "--sample-ms", "1500", "--progress", "none",
                 "--out", str(out)]) == 0

    def scan_warnings(settings: tuple[tuple[str, object], ...]) -> list[str]:
        cancel = CancelToken()
        sink = StopAfterPlan(cancel)
        request = TrainRequest(datasets=(DatasetArg(out),), out=tmp_path / f"run{len(settings)}", spec=str(quick_spec),
                               keywords=("hey_lamp",), epochs=1, workers=1, evaluate=False, settings=settings)
        run_training(request, Progress(sink), cancel)
        return [message for phase, message in sink.messages if phase == "scan" and "ms of each" in message]

    assert scan_warnings(()) == [
        f"warning: {out} holds clips of 1500 ms, and the model hears 1000 ms of each: set "
        "frontend.sample_length_ms = 1500 (kws train --set frontend.sample_length_ms=1500) to train on the whole "
        "phrase."]
    assert scan_warnings((("frontend.sample_length_ms", 1500),)) == []
