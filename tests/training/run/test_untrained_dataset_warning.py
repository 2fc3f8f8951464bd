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
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import make_dataset  # noqa: E402
from plan_sink import StopAfterPlan  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402

SPEAKER = "ada"  # the hash of the speaker puts ada into the validation split (checked below)
RESPLIT = "validation_resplit_percent = 25.0"
PERCENTS = (15.0, 10.0)  # tflite_micro_speech's validation and testing percentages, which the quick spec keeps


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


def _speaker_in(split: str) -> str:
    """A speaker id the hash puts into ``split`` at the spec's percentages (:data:`PERCENTS`)."""
    from workbench.datasets.splits import split_of

    return next(f"{n:08x}" for n in range(1000) if split_of(Path(f"yes/{n:08x}_nohash_0.wav"), *PERCENTS) == split)


def _warned_about(folder: Path, base: Path, out: Path, spec: Path, weight: float = 1.0) -> list[str]:
    cancel = CancelToken()
    sink = StopAfterPlan(cancel)
    request = TrainRequest(datasets=(DatasetArg(base), DatasetArg(folder, weight)), out=out, spec=str(spec),
                           epochs=1, workers=1, evaluate=False)
    assert run_training(request, Progress(sink), cancel).status == "cancelled"
    return [message for phase, message in sink.messages if phase == "plan" and str(folder) in message]


def test_no_warning_for_training_clips_a_weight_below_one_drew_none(speech_slice: Path, tmp_path: Path,
                                                                     hash_split_spec: Path) -> None:
    """Three training clips and one validation clip, weighted 0.001: the weight drew none of the three, which is
    what the weight asks; the folder's clips are not all held out of training, as the warning would say."""
    names = [f"{_speaker_in('training')}_nohash_{n}.wav" for n in range(3)]
    takes = make_dataset(tmp_path / "takes", {"yes": names + [f"{_speaker_in('validation')}_nohash_0.wav"]})
    scanned = scan_dataset(takes, validation_percent=PERCENTS[0], testing_percent=PERCENTS[1])
    assert sorted(clip.split for clip in scanned.clips) == ["training"] * 3 + ["validation"]
    assert _warned_about(takes, speech_slice, tmp_path / "run", hash_split_spec, weight=0.001) == []


def test_no_warning_for_a_folder_its_own_lists_hold_out(speech_slice: Path, tmp_path: Path,
                                                         hash_split_spec: Path) -> None:
    """A folder of takes kept for validation by its own validation_list.txt is held out on purpose: the warning's
    remedy (empty lists) would undo that choice. The same folder without its lists, one validation speaker, is
    warned about."""
    speaker = _speaker_in("validation")
    takes = make_dataset(tmp_path / "takes", {"yes": [f"{speaker}_nohash_{n}.wav" for n in range(3)]})
    assert len(_warned_about(takes, speech_slice, tmp_path / "run", hash_split_spec)) == 1
    held = make_dataset(tmp_path / "held", {"yes": [f"{_speaker_in('training')}_nohash_{n}.wav" for n in range(3)]})
    (held / "validation_list.txt").write_text("".join(f"yes/{p.name}\n" for p in (held / "yes").iterdir()))
    assert {clip.split for clip in scan_dataset(held).clips} == {"validation"}
    assert _warned_about(held, speech_slice, tmp_path / "run2", hash_split_spec) == []
