"""The board budget before training: a spec's int8 graph, estimated without TensorFlow, against real models."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from workbench.profiler import profile_model
from workbench.sweeps.budget.budget_check import budget_problem, estimate_problem, overshoot
from workbench.sweeps.budget.spec_graph import estimate_spec, spec_graph
from workbench.sweeps.definition.sweep_file import BoardBudget
from workbench.training.spec.model_spec import load_spec

FLASH_TOLERANCE = 0.06  # tensor names and FlatBuffer padding are not knowable before conversion


def test_the_reference_models_graph_and_memory_follow_from_its_spec(reference_model_path: Path) -> None:
    spec = load_spec("tflite_micro_speech")
    graph = spec_graph(spec)
    assert [op.op for op in graph.operators] == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]
    real = profile_model(reference_model_path.read_bytes()).summary
    estimate = estimate_spec(spec)
    assert (estimate.arena_bytes, estimate.arena_bytes_mvp) == (real.arena_bytes, real.arena_bytes_mvp)
    assert estimate.macs == real.total_macs == 336_000
    assert abs(estimate.flash_bytes - real.flash_bytes) <= FLASH_TOLERANCE * real.flash_bytes


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="building the real model needs TensorFlow")
def test_a_depthwise_spec_matches_its_real_conversion() -> None:
    from workbench.training.model.conversion import to_tflite
    from workbench.training.model.keras_builder import build_model
    from workbench.training.model.model_metadata import detection_settings, labelled_model

    spec = load_spec("ds_cnn_small")
    representative = np.random.default_rng(0).integers(-128, 128, size=(8, *spec.input_shape[:2])).astype(np.int8)
    model = labelled_model(spec, to_tflite(build_model(spec), representative), detection_settings(spec, 180))
    real = profile_model(model.tflite).summary
    estimate = estimate_spec(spec)
    assert [op.op for op in spec_graph(spec).operators] == ["CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D",
                                                            "DEPTHWISE_CONV_2D", "CONV_2D", "MEAN",
                                                            "FULLY_CONNECTED", "SOFTMAX"]
    # the untrained dense layer's bias is all zeros, which the converter leaves out; the spec graph keeps it, as
    # a trained model does: one tensor's bookkeeping (16 bytes), and with the MVP its float16 copy (16 more)
    assert abs(estimate.arena_bytes - real.arena_bytes) <= 16
    assert abs(estimate.arena_bytes_mvp - real.arena_bytes_mvp) <= 32
    assert abs(estimate.flash_bytes - len(model.tflite)) <= FLASH_TOLERANCE * len(model.tflite)
    assert estimate.macs == real.total_macs


def test_budget_problems_name_what_does_not_fit() -> None:
    board = BoardBudget(flash_kb=16, ram_kb=10)
    estimate = estimate_spec(load_spec("tflite_micro_speech"))  # ~21.6 kB flash, 11.1 kB arena with MVP
    problem = estimate_problem(estimate, board)
    assert problem is not None and f"flash {estimate.flash_bytes:,} bytes > 16 KiB (16,384 bytes)" in problem
    assert f"RAM (tensor arena) {estimate.arena_bytes_mvp:,} bytes > 10 KiB (10,240 bytes)" in problem
    assert estimate_problem(estimate, BoardBudget(accelerator="none", flash_kb=32, ram_kb=10)) is None  # 9.0 kB
    assert budget_problem(1000, 1000, BoardBudget(), "the model") is None
    assert budget_problem(2 * 1024 * 1024, 0, BoardBudget(), "the model").startswith("the model does not fit")


def test_a_time_budget_refuses_a_spec_slower_than_it_on_the_boards_accelerator(reference_model_path: Path) -> None:
    estimate = estimate_spec(load_spec("tflite_micro_speech"))  # 6.1 ms with the MVP, as the real model
    assert estimate.time_ms == pytest.approx(profile_model(reference_model_path.read_bytes()).summary.total_time_ms)
    assert estimate_problem(estimate, BoardBudget(max_inference_ms=5)) == (
        "the model (estimated before training) does not fit the board budget: time per inference 6.1 ms > 5 ms "
        "(max_inference_ms, estimated with the MVP)")
    assert estimate_problem(estimate, BoardBudget(max_inference_ms=7)) is None
    assert estimate_problem(estimate, BoardBudget()) is None  # no time budget: any time
    on_cpu = estimate_spec(load_spec("tflite_micro_speech"), accelerator="none")  # 10.04 ms
    problem = estimate_problem(on_cpu, BoardBudget(accelerator="none", max_inference_ms=10))
    assert problem is not None and problem.endswith("time per inference 10.04 ms > 10 ms (max_inference_ms, "
                                                    "estimated on the CPU only)")
    assert overshoot(estimate, BoardBudget(max_inference_ms=3)) == pytest.approx(estimate.time_ms / 3)
