"""A --dataset folder of one person's takes whose speaker the split puts wholly into validation gives the run no
training samples, weight or not: the run says so before it trains, and with empty split lists in the folder
(every clip not listed trains) its takes train and the warning is gone. Real `kws dataset synth`
clips (flite and espeak-ng)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.datasets.layout import scan_dataset
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from plan_sink import StopAfterPlan  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402

SPEAKER = "ada"  # the hash of the speaker puts ada into the validation split (checked below)
RESPLIT = "validation_resplit_percent = 25.0"


@pytest.fixture
def datasets(tmp_path: Path) -> tuple[Path, Path]:
    """A synthetic "hey lamp" set and a folder of one person's takes of the phrase, named as the recorder names them."""
    missing = [engine for engine in ("flite", "espeak-ng") if shutil.which(engine) is None]
    if missing:
        pytest.skip(f"speech engines not installed: {', '.join(missing)}")
    synthetic = tmp_path / "lamp"
    assert main(["dataset", "synth", "--words", "hey lamp", "--negatives", "camp", "--similar", "0",
                 "--engines", "flite,espeak", "--espeak-variants", "curated", "--voices", "flite:*,espeak:m*,espeak:f*",
                 "--takes", "2", "--no-noise", "--progress", "none", "--out", str(synthetic)]) == 0
    takes = tmp_path / "takes"
    (takes / "hey_lamp").mkdir(parents=True)
    for n, clip in enumerate(sorted((synthetic / "hey_lamp").glob("*.wav"))):
        shutil.copy(clip, takes / "hey_lamp" / f"{SPEAKER}_nohash_hey_lamp_{n}.wav")
    assert {clip.split for clip in scan_dataset(takes).clips} == {"validation"}
    return synthetic, takes


@pytest.fixture
def hash_split_spec(quick_spec: Path) -> Path:
    """The quick spec on the datasets' own split (its re-split by speaker left out, as tflite_micro_speech has it)."""
    text = quick_spec.read_text()
    assert RESPLIT in text
    quick_spec.write_text(text.replace(RESPLIT, 'validation_resplit_percent = "off"'))
    return quick_spec


def _plan_messages(synthetic: Path, takes: Path, out: Path, spec: Path) -> list[tuple[str, str]]:
    cancel = CancelToken()
    sink = StopAfterPlan(cancel)
    request = TrainRequest(datasets=(DatasetArg(synthetic), DatasetArg(takes, 2.0)), out=out, spec=str(spec),
                           keywords=("hey_lamp",), epochs=1, workers=1, evaluate=False)
    assert run_training(request, Progress(sink), cancel).status == "cancelled"  # stopped by the sink, not refused
    return [(phase, message) for phase, message in sink.messages if phase == "plan"]


def test_takes_held_out_of_training_are_warned_about(datasets: tuple[Path, Path], tmp_path: Path,
                                                     hash_split_spec: Path) -> None:
    synthetic, takes = datasets
    messages = _plan_messages(synthetic, takes, tmp_path / "run", hash_split_spec)
    warned = [message for _phase, message in messages if str(takes) in message]
    assert len(warned) == 1 and warned[0].startswith(f"warning: {takes} gives the run no training samples")
    assert "(speaker ada) are all in the validation split" in warned[0] and "validation_list.txt" in warned[0]

    for name in ("validation_list.txt", "testing_list.txt"):  # the remedy the warning names
        (takes / name).write_text("", encoding="utf-8")
    again = _plan_messages(synthetic, takes, tmp_path / "run2", hash_split_spec)
    assert not [message for _phase, message in again if str(takes) in message]
    before, after = (next(m for _p, m in found if m.startswith("training: ")) for found in (messages, again))
    assert before != after  # the takes (weight 2) are training samples now
