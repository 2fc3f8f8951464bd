"""``--dataset DIR:WEIGHT`` counts DIR's training samples WEIGHT times in every epoch, also when the spec draws the
unknown words afresh each epoch (the default spec does): the way a user weighs the false-accept clips that ``kws
detect --save-false-accepts`` saved, which are other words. Real folders of real WAV files, the run's own plan."""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path

import pytest

from workbench.training.data.sample_plan import SamplePlan, resample_unknown
from workbench.training.run.pipeline import planned_samples
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest
from workbench.training.spec import ModelSpec, load_spec

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import make_dataset, speaker_names  # noqa: E402

WEIGHT = 3
EPOCHS = range(4)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A dataset, and a folder of other words' clips (as false accepts are saved: DIR/<word>/, _false_accept_/)."""
    root = tmp_path_factory.mktemp("weights")
    dataset = make_dataset(root / "data", {
        "yes": speaker_names(40), "no": speaker_names(40, start=100),
        "go": speaker_names(120, clips_each=1, start=300), "left": speaker_names(120, clips_each=1, start=500)})
    mistakes = make_dataset(root / "mistakes", {
        "go": speaker_names(12, clips_each=1, start=900), "_false_accept_": ["stream_nohash_0.wav",
                                                                              "stream_nohash_1.wav"]})
    return dataset, mistakes


def _spec(resample: bool) -> ModelSpec:
    spec = load_spec("tflite_micro_speech")
    return dataclasses.replace(spec, data=dataclasses.replace(spec.data, resample_unknown_each_epoch=resample))


def _plan(folders: tuple[Path, Path], spec: ModelSpec, weight: float) -> SamplePlan:
    dataset, mistakes = folders
    request = TrainRequest(datasets=(DatasetArg(dataset), DatasetArg(mistakes, weight)), out=dataset.parent / "out")
    return planned_samples(request, spec, Progress())[1]


def _of(samples: list, folder: Path) -> Counter[Path]:  # type: ignore[type-arg]
    return Counter(s.path for s in samples if s.path is not None and s.path.is_relative_to(folder))


@pytest.mark.parametrize("resample", [False, True])
def test_each_epoch_counts_the_weighted_datasets_clips_weight_times(folders: tuple[Path, Path],
                                                                    resample: bool) -> None:
    spec = _spec(resample)
    plan = _plan(folders, spec, WEIGHT)
    unweighted = _plan(folders, spec, 1.0)
    mistakes = folders[1]
    assert _of(plan.training, mistakes) and set(_of(plan.training, mistakes).values()) == {WEIGHT}
    for epoch in EPOCHS:
        samples = resample_unknown(plan, spec.data, spec.training.seed, epoch) if resample else plan.training
        drawn = _of(samples, mistakes)
        assert drawn and set(drawn.values()) == {WEIGHT}, (epoch, drawn)  # each clip drawn counted WEIGHT times
        others = Counter(s.label for s in samples if s.path is None or not s.path.is_relative_to(mistakes))
        plain = resample_unknown(unweighted, spec.data, spec.training.seed, epoch) if resample else unweighted.training
        # the other datasets' samples as many as without the weight: it adds the weighted clips' copies, no others
        assert sum(others.values()) + sum(drawn.values()) // WEIGHT == len(plain), epoch



def test_a_fresh_draw_each_epoch_looks_its_weights_up_instead_of_resolving_paths(folders: tuple[Path, Path],
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan works out once which pool clips are weighted: an epoch's draw resolves no path (it resolved each
    drawn clip's against every weighted root, every epoch), and still counts the weighted clips WEIGHT times."""
    spec = _spec(True)
    plan = _plan(folders, spec, WEIGHT)
    resolved: list[Path] = []
    real_resolve = Path.resolve

    def counting_resolve(self: Path, strict: bool = False) -> Path:
        resolved.append(self)
        return real_resolve(self, strict)

    monkeypatch.setattr(Path, "resolve", counting_resolve)
    samples = resample_unknown(plan, spec.data, spec.training.seed, 1)
    assert not resolved
    assert set(_of(samples, folders[1]).values()) == {WEIGHT}


def test_a_weighted_folder_given_under_an_unexpanded_home_is_weighted(folders: tuple[Path, Path],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``--dataset=~/mistakes:3``: no shell expands a ``~`` after ``=``. The scan expanded it, but the weight was
    matched against the folder as given (``~/mistakes`` under the working directory) and never applied."""
    dataset, mistakes = folders
    monkeypatch.setenv("HOME", str(mistakes.parent))
    spec = _spec(False)
    request = TrainRequest(datasets=(DatasetArg(dataset), DatasetArg.parse(f"~/{mistakes.name}:{WEIGHT}")),
                           out=dataset.parent / "out")
    plan = planned_samples(request, spec, Progress())[1]
    assert set(_of(plan.training, mistakes).values()) == {WEIGHT}
