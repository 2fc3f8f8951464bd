"""A run whose keywords are not the outputs of the model it starts from: refused where they could never learn.

``kws train --spec default --keywords go,stop`` trained for minutes into a model scoring 1 % on go and 2 % on stop:
the default starts from MLTK's yes/no model, takes its outputs by position and keeps all but ``_silence_``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workbench.assets import asset_path
from workbench.core.errors import SettingsError
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest
from workbench.training.spec import load_spec
from workbench.training.spec.init_classes import check_init_classes

REFERENCE = "models/tflite_micro_speech.tflite"  # outputs yes, no, _unknown_, _silence_


def _with_keywords(name: str, *keywords: str):
    spec = load_spec(name)
    return spec.replace(data=dataclasses.replace(spec.data, keywords=keywords))


def test_the_default_spec_with_other_keywords_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    from workbench.training.run.pipeline import run_training

    dataset = tmp_path / "data"  # never read: the refusal comes first
    (dataset / "go").mkdir(parents=True)
    out = tmp_path / "run"
    request = TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec="default", keywords=("go", "stop"),
                           epochs=1, workers=1, evaluate=False)
    with pytest.raises(SettingsError) as caught:
        run_training(request, Progress(), CancelToken())
    message = str(caught.value)
    assert "whose outputs are yes, no, _unknown_, _silence_" in message
    assert "keeps go as its yes, stop as its no, so go and stop could never learn" in message
    assert "tflite_micro_speech or ds_cnn_small" in message
    assert not out.exists()


def test_a_shifted_output_that_trainable_classes_keeps_is_refused_too() -> None:
    """yes, no, go: go would be the model's _unknown_ and _unknown_ its _silence_, both kept."""
    spec = _with_keywords("default", "yes", "no", "go")
    with pytest.raises(SettingsError, match="keeps go as its _unknown_, _unknown_ as its _silence_"):
        check_init_classes(asset_path(REFERENCE), spec)


def test_renamed_outputs_that_all_learn_are_said_not_refused() -> None:
    spec = _with_keywords("tflite_micro_speech", "go", "stop")
    warning = check_init_classes(asset_path(REFERENCE), spec)
    assert warning is not None and warning.startswith("warning: ")
    assert warning.endswith("learn from there: go as its yes, stop as its no.")


def test_the_models_own_keywords_a_new_head_or_a_file_without_names_pass_silently(tmp_path: Path) -> None:
    reference = asset_path(REFERENCE)
    assert check_init_classes(reference, load_spec("default")) is None
    head = _with_keywords("stream_student", "go", "stop")  # init_layers = 1: the output is not imported
    assert check_init_classes(reference, head) is None
    keras_file = tmp_path / "weights.h5"  # stores no class names (and is not read here)
    keras_file.write_bytes(b"")
    assert check_init_classes(keras_file, _with_keywords("default", "go", "stop")) is None
