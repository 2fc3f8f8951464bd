"""Does the board keep up with latency_ms? The bundled kws_yes_no_stream (about 52 ms per inference on the
EFR32xG24 with the MVP, estimated) against intervals shorter and longer than that."""

from __future__ import annotations

import pytest

from workbench.bundled_models import bundled_model_file
from workbench.core.model.model_file import LoadedModel, load_model
from workbench.profiler.export import summary_lines
from workbench.profiler.inference_pace import (InferenceTime, board_pace, inference_time, note_latency,
                                               stored_latency_ms, time_text)
from workbench.profiler.report import LATENCY_PROBLEM_LABEL, build_report

STREAM_MODEL_MS = 52.480948  # the profiler's estimate for kws_yes_no_stream (MVP, 78 MHz)
TEN_MS_WARNING = ("latency_ms 10 is shorter than the 52.5 ms an inference of the model takes on the EFR32xG24 "
                  "(estimated, MVP; the audio frontend's time comes on top): the board infers about every 53 ms at "
                  "best, so averaging windows and minimum_count tuned on this PC count fewer results there; set "
                  "latency_ms to 60 or more")


@pytest.fixture(scope="module")
def stream_model() -> LoadedModel:
    path = bundled_model_file("kws_yes_no_stream")
    assert path is not None
    return load_model(path)


def test_an_interval_shorter_than_an_inference_is_one_sentence_saying_what_to_set(stream_model) -> None:
    pace = board_pace(stream_model, 10)
    assert pace.time_ms == pytest.approx(STREAM_MODEL_MS)
    assert pace.problem == TEN_MS_WARNING


def test_an_interval_the_board_keeps_up_with_is_no_problem(stream_model) -> None:
    pace = board_pace(stream_model, 100)
    assert pace.time_ms == pytest.approx(STREAM_MODEL_MS) and pace.problem is None
    assert board_pace(stream_model, 53).problem is None  # 52.5 ms fits in 53
    assert board_pace(stream_model, 52).problem.startswith("latency_ms 52 is shorter than the 52.5 ms")


def test_the_parsed_model_its_graph_its_report_and_the_estimate_give_one_answer(stream_model) -> None:
    """Parse once, pass the parsed object: each form gives the default estimate (the MVP at 78 MHz)."""
    estimate = inference_time(stream_model)
    assert estimate == inference_time(stream_model.graph) == inference_time(build_report(stream_model.graph))
    assert (estimate.accelerator, estimate.clock_hz, estimate.lower_bound) == ("mvp", 78_000_000, False)
    assert board_pace(estimate, 10).problem == TEN_MS_WARNING


def test_a_report_for_another_accelerator_and_clock_is_judged_and_named_as_profiled(stream_model) -> None:
    report = build_report(stream_model.graph, accelerator="none", clock_hz=39_000_000)
    problem = board_pace(report, 100).problem
    assert problem is not None
    assert problem.startswith("latency_ms 100 is shorter than the 174.2 ms an inference of the model takes on the "
                              "EFR32xG24 (estimated, CPU only at 39 MHz; ")
    assert problem.endswith("set latency_ms to 180 or more")


def test_a_time_with_layers_left_out_is_a_least_time() -> None:
    problem = board_pace(InferenceTime(12.5, lower_bound=True), 10).problem
    assert problem is not None and "the 12.5 ms or more an inference" in problem
    assert board_pace(InferenceTime(0.0, lower_bound=True), 1).problem is None  # nothing timed: nothing to say


def test_a_time_just_over_the_limit_never_reads_as_within_it() -> None:
    assert time_text(10.04, 10) == "10.04" and time_text(46.274512, 10) == "46.3"
    assert board_pace(InferenceTime(10.04), 10).problem.startswith("latency_ms 10 is shorter than the 10.04 ms")


def test_the_profile_summary_says_it_after_the_totals(stream_model) -> None:
    report = build_report(stream_model.graph)
    note_latency(report, stored_latency_ms({"latency_ms": 10}))
    assert report.summary.latency_ms == 10 and report.summary.latency_problem == TEN_MS_WARNING  # the sentence alone
    assert report.summary.keeps_up is False
    labels = [label for label, _ in summary_lines(report.summary)]
    assert labels.index(LATENCY_PROBLEM_LABEL) == labels.index("Inference/s, estimated") + 1
    assert dict(summary_lines(report.summary))[LATENCY_PROBLEM_LABEL] == f"no: {TEN_MS_WARNING}"  # the answer, why
    kept_up = build_report(stream_model.graph)
    note_latency(kept_up, stored_latency_ms(stream_model.params))  # its own 100 ms
    assert kept_up.summary.latency_ms == 100 and not kept_up.summary.latency_problem
    assert kept_up.summary.keeps_up is True
    assert LATENCY_PROBLEM_LABEL not in dict(summary_lines(kept_up.summary))
    unjudged = build_report(stream_model.graph)
    note_latency(unjudged, stored_latency_ms({}))
    summary = unjudged.summary
    assert (summary.latency_ms, summary.latency_problem, summary.keeps_up) == (None, "", None)


@pytest.mark.parametrize("params", [{}, {"latency_ms": "10"}, {"latency_ms": 0}, {"latency_ms": True}])
def test_a_model_without_a_usable_latency_is_not_judged(params) -> None:
    assert stored_latency_ms(params) is None


def test_a_board_measurement_is_judged_instead_of_the_estimate(stream_model) -> None:
    """A board's profile is judged by the time the board measured: an estimate inside latency_ms beside a board that
    took longer said "keeps up" under the board's own figure, which contradicted it."""
    from workbench.profiler.report import BoardSummaryMeasurement

    report = build_report(stream_model.graph, accelerator="mvp")
    latency_ms = int(inference_time(report).time_ms) + 2  # the estimate keeps up with it
    note_latency(report, latency_ms)
    assert report.summary.keeps_up is True
    board_ms = latency_ms + 11.5
    report.summary.measured = BoardSummaryMeasurement(source="test board", clock_hz=78_000_000, total_time_ms=board_ms)
    time = inference_time(report)
    assert (time.time_ms, time.measured, time.basis) == (board_ms, True, "measured on the board, MVP")
    note_latency(report, latency_ms)
    assert report.summary.keeps_up is False
    assert (f"shorter than the {board_ms:.1f} ms an inference of the model takes on the EFR32xG24 (measured on the "
            "board, MVP;") in report.summary.latency_problem
