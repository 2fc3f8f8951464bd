"""Models averaged into one: the real LiteRT output is the weighted mean of the members' on real speech."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.assets import default_model_path, reference_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.errors import ModelError
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_average import Member, average_models
from workbench.core.model.model_file import load_model, model_from_bytes, model_with_params
from workbench.core.model.tflite_graph import parse_model

LSB = 1 / 256  # the int8 softmax's step


@pytest.fixture(scope="module")
def members():  # type: ignore[no-untyped-def]
    return load_model(reference_model_path()), load_model(default_model_path())


def spectrogram_windows(model, count: int = 12) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """Model inputs cut from the bundled yes/no recording, as the live engine cuts them."""
    settings = FrontendSettings.from_params(model.params)
    rows = MicroFrontend(settings).feed(load_audio(sample_audio_path()).samples, dtype=np.int8)
    starts = np.linspace(0, rows.shape[0] - settings.n_frames, count).astype(int)
    return [rows[s:s + settings.n_frames] for s in starts]


@pytest.mark.parametrize("weights", [(1, 1), (1, 2), (3, 1)])
def test_the_output_is_the_weighted_mean_of_the_members(members, weights) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    merged = model_from_bytes(average_models([Member(reference, weights[0]), Member(default, weights[1])]), "avg")
    runner, first, second = ModelRunner(merged.tflite), ModelRunner(reference.tflite), ModelRunner(default.tflite)
    for window in spectrogram_windows(reference):
        expected = (weights[0] * first.probabilities(window) + weights[1] * second.probabilities(window)) / sum(weights)
        assert np.abs(runner.probabilities(window) - expected).max() <= LSB / 2 + 1e-9
    assert merged.params == reference.params  # the first member's parameters, all of them
    ops = [layer.op for layer in parse_model(merged.tflite).operators]
    assert ops[-2:] == ["CONCATENATION", "MEAN"] and ops.count("SOFTMAX") == 2


def test_members_that_disagree_on_classes_frontend_or_weight_are_refused(members) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    renamed = model_with_params(default, {"classes": ["si", "no", "_unknown_", "_silence_"]})
    with pytest.raises(ModelError, match="has classes si, no, _unknown_, _silence_"):
        average_models([Member(reference), Member(renamed)])
    other_ear = model_with_params(default, {"fe.pcan_enable": False})
    with pytest.raises(ModelError, match="other frontend settings .*fe.pcan_enable"):
        average_models([Member(reference), Member(other_ear)])
    with pytest.raises(ModelError, match="whole number >= 1"):
        Member(default, 0)
    with pytest.raises(ModelError, match="at least two"):
        average_models([Member(default)])
