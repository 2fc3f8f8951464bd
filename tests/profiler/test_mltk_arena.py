"""The arena estimate, with the MVP and without, agrees with MLTK's own TFLM simulator.

The figures below are MLTK 0.20.0's ``runtime_memory_bytes``, recorded (MLTK is not needed at test time) with::

    python -c "import sys; from mltk.core import profile_model; \\
        print(profile_model(sys.argv[1], accelerator=sys.argv[2] or None).runtime_memory_bytes)" MODEL.tflite mvp

(``''`` instead of ``mvp`` for no accelerator). The models: the reference ``tflite_micro_speech`` in ../shared, the
bundled ``kws_yes_no`` and ``kws_yes_no_stream``, and the small DS-CNN of ``conftest.ds_cnn`` (its file written
with :func:`convert_int8` and profiled the same way). Before the MVP kernels' own buffers were modelled
(the conv's input held as float16, float16 bias/scaler instead of int32 multiplier/shift, no fixed MVP part) the
estimate was 26 % low for the DS-CNN and 12 % high for kws_yes_no with the MVP.
"""

from __future__ import annotations

import pytest

from workbench.bundled_models import bundled_model_file
from workbench.profiler.report import profile_model

TOLERANCE = 0.03  # relative; MLTK's figure is itself a 64-bit run adjusted to 32 bits (tflite_micro_model.cc)
# model -> (MLTK 0.20.0 without accelerator, with the MVP), bytes
MLTK_RUNTIME_MEMORY_BYTES = {
    "tflite_micro_speech": (9_248, 11_376),
    "kws_yes_no": (17_312, 17_392),
    "kws_yes_no_stream": (23_468, 24_140),
    "ds_cnn": (11_804, 18_936),
}


@pytest.fixture(scope="module")
def models(reference_model_path, ds_cnn) -> dict[str, bytes]:
    found = {"tflite_micro_speech": reference_model_path.read_bytes(), "ds_cnn": ds_cnn}
    for name in ("kws_yes_no", "kws_yes_no_stream"):
        path = bundled_model_file(name)
        assert path is not None, f"bundled model {name} is missing"
        found[name] = path.read_bytes()
    return found


@pytest.mark.parametrize("name", sorted(MLTK_RUNTIME_MEMORY_BYTES))
@pytest.mark.parametrize("accelerator", ["none", "mvp"])
def test_arena_estimate_is_within_a_few_percent_of_mltks_simulator(models, name, accelerator):
    summary = profile_model(models[name], name=name, accelerator=accelerator).summary
    estimate = summary.arena_bytes if accelerator == "none" else summary.arena_bytes_mvp
    mltk = MLTK_RUNTIME_MEMORY_BYTES[name][accelerator == "mvp"]
    assert abs(estimate - mltk) / mltk <= TOLERANCE, f"{name} [{accelerator}]: estimate {estimate}, MLTK {mltk}"


def test_the_ds_cnn_is_the_layers_the_figures_were_recorded_for(models):
    """Guards the recorded figures: a different converter output would be a different model."""
    report = profile_model(models["ds_cnn"], accelerator="mvp")
    assert [layer.op for layer in report.layers] == ["CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D",
                                                     "CONV_2D", "AVERAGE_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"]
    assert all(layer.runs_on_accelerator for layer in report.layers[:-1])


@pytest.mark.parametrize("name", sorted(MLTK_RUNTIME_MEMORY_BYTES))
def test_the_stored_arena_is_at_least_what_mltks_simulator_needs(models, name):
    """``kws train`` and ``kws average`` store the estimate plus a margin as ``runtime_memory_size``: the bare
    estimate fell 316 bytes short of the MLTK figure for kws_yes_no_stream, and a size one byte short makes the
    firmware search for the arena at every boot (workbench/training/model/model_metadata.py)."""
    from workbench.training.model.model_metadata import runtime_memory_size

    stored = runtime_memory_size(models[name])
    assert stored >= max(MLTK_RUNTIME_MEMORY_BYTES[name]) and stored % 16 == 0
    assert stored <= 1.05 * max(MLTK_RUNTIME_MEMORY_BYTES[name]) + 512  # a margin, not a second arena
