"""``process_clip(..., history=...)``: a clip as the never-restarted streaming frontend renders it."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.frontend import MicroFrontend, quantize
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_file import load_model


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return load_audio(sample_audio_path()).samples


def test_a_clip_after_its_history_is_the_streaming_frontends_rows(speech: np.ndarray) -> None:
    settings = FrontendSettings.from_params(load_model(default_model_path()).params)  # what the board runs
    step, length = settings.window_step_samples, settings.sample_length
    history, clip = speech[:7 * step * 10], speech[7 * step * 10:7 * step * 10 + length]
    stream = MicroFrontend(settings)
    rows = stream.feed(np.concatenate([history, clip]))
    first = history.size // step
    fe = MicroFrontend(settings)
    assert np.array_equal(fe.process_clip(clip, history=history), rows[first:first + settings.n_frames])
    assert np.array_equal(fe.process_clip(clip, dtype=np.int8, history=history),
                          quantize(rows[first:first + settings.n_frames], settings))
    assert not np.array_equal(fe.process_clip(clip, history=history), fe.process_clip(clip))  # it remembers
    # even silence heard first is not nothing when the clip starts loud: the frame that straddles the
    # history's end already hears the clip's first samples and moves the noise estimate, as on the board
    assert not np.array_equal(fe.process_clip(clip, history=np.zeros(4 * step, np.int16)), fe.process_clip(clip))
    assert np.array_equal(fe.process_clip(clip), MicroFrontend(settings).process_clip(clip))  # no state left over


def test_a_history_of_part_of_a_step_is_refused(speech: np.ndarray) -> None:
    fe = MicroFrontend()
    with pytest.raises(ValueError, match="whole number of 320-sample steps, got 500"):
        fe.process_clip(speech[:16000], history=speech[:500])
    with pytest.raises(TypeError, match="history must be int16"):
        fe.process_clip(speech[:16000], history=speech[:320].astype(np.float32))
