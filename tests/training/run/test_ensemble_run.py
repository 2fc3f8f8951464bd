"""A real ensemble run: members trained one after another, stopped in the second, resumed, merged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from workbench.core.errors import ModelError
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import load_model
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402

ENSEMBLE_SPEC = """
extends = "default"
name = "ensemble_kws"

[training]
max_epochs = 2
ensemble_members = 2
seed = 5

[data]
validation_resplit_percent = 25.0

[conversion]
representative_samples = 64
"""


class StopInSecondMember:
    """A progress sink that requests a stop at the first epoch of ensemble member 2."""

    def __init__(self, cancel: CancelToken) -> None:
        self.cancel = cancel
        self.events: list[dict[str, Any]] = []
        self.in_second = False

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if "member 2 of 2" in str(event.get("message", "")):
            self.in_second = True
        if self.in_second and event["phase"] == "train" and event["event"] == "batch":
            self.cancel.set("test stop")


def test_members_train_in_turn_resume_after_a_stop_and_merge_into_one_model(
        speech_slice: Path, tmp_path: Path, reference_model_path: Path) -> None:
    spec = tmp_path / "ensemble.toml"
    spec.write_text(ENSEMBLE_SPEC)
    out = tmp_path / "run"
    cancel = CancelToken()
    sink = StopInSecondMember(cancel)
    first = run_training(TrainRequest(datasets=(DatasetArg(speech_slice),), out=out, spec=str(spec), workers=2),
                         Progress(sink), cancel)
    assert first.status == "cancelled" and sink.in_second
    batches = [e for e in sink.events if e["event"] == "batch"]
    assert {e.get("member") for e in batches} == {1, 2} and all(e.get("members") == 2 for e in batches)
    member_one = json.loads((out / "train" / "member-1" / "state.json").read_text())
    assert member_one["epochs_done"] == 2  # the first member finished before the stop
    assert not (out / "ensemble_kws.tflite").exists()

    done = run_training(TrainRequest(datasets=(), out=out, resume=True, workers=2), Progress(), CancelToken())
    assert done.status == "done"
    assert json.loads((out / "train" / "member-1" / "state.json").read_text()) == member_one  # not retrained
    summary = json.loads((out / "summary.json").read_text())
    assert [m["seed"] for m in summary["ensemble_members"]] == [5, 6]
    assert all(m["epochs"] == 2 for m in summary["ensemble_members"])
    assert summary["macs"] == 25 * 20 * 12 * 80 + 25 * 20 * 12 * 4  # 8 shared + 2 x 2 added filters

    # one ordinary int8 model: on spoken words it decides yes / no / unknown as the reference does
    from workbench.core.audio.audio_file import load_audio
    from workbench.core.frontend import MicroFrontend
    from workbench.core.frontend_settings import FrontendSettings
    from workbench.datasets.clip_length import fit_length

    model = load_model(out / "ensemble_kws.tflite")
    ours = ModelRunner(model.tflite)
    reference = ModelRunner(reference_model_path.read_bytes())
    frontend = MicroFrontend(FrontendSettings.from_params(model.params))
    clips = [p for word in ("yes", "no", "go") for p in sorted((speech_slice / word).glob("*.wav"))[:10]]
    features = [frontend.process_clip(fit_length(load_audio(p).samples, 16000), dtype=np.int8) for p in clips]
    agree = [np.argmax(ours.probabilities(f)[:3]) == np.argmax(reference.probabilities(f)[:3]) for f in features]
    assert np.mean(agree) >= 0.9


def test_a_spec_the_merge_refuses_fails_before_any_member_trains(speech_slice: Path, tmp_path: Path) -> None:
    spec = tmp_path / "unwidened.toml"  # the reference's own 8 filters: nothing added, nothing to merge
    spec.write_text(ENSEMBLE_SPEC + '\n[[layers]]\ntype = "conv2d"\nfilters = 8\nkernel = [10, 8]\n'
                    'strides = [2, 2]\n[[layers]]\ntype = "batch_norm"\n[[layers]]\ntype = "relu"\n'
                    '[[layers]]\ntype = "dropout"\nrate = 0.5\n[[layers]]\ntype = "flatten"\n'
                    '[[layers]]\ntype = "dense"\nactivation = "softmax"\n')
    out = tmp_path / "run"
    with pytest.raises(ModelError, match="widened"):
        run_training(TrainRequest(datasets=(DatasetArg(speech_slice),), out=out, spec=str(spec), workers=2),
                     Progress(), CancelToken())
    assert not list((out / "train").rglob("state.json"))
