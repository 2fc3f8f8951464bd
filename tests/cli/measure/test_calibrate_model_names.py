"""``kws calibrate --compare`` tells apart models of the same name: two runs of one spec (both called after the
spec) and a model's ``--apply-to`` copy (which keeps its name). Before, the report's rows, its "FRR against" line,
the DET plot's legend and the Calibration workspace's status all said ``tflite_micro_speech`` for each of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.calibration.conftest import speech_commands  # noqa: F401  (fixture)
from workbench.calibration.results.det_plot import det_figure
from workbench.calibration.results.model_labels import model_labels
from workbench.calibration.results.result_files import load_calibration_output
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.cli.main import main

RANGES = ("--thresholds", "150:250:20", "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1")
NAME = "tflite_micro_speech"
RUN_A, RUN_B, TUNED = f"{NAME} (a/{NAME}.tflite)", f"{NAME} (b/{NAME}.tflite)", f"{NAME} (tuned.tflite)"


@pytest.fixture()
def same_named_models(tmp_path: Path, reference_model_path: Path, speech_commands: Path,  # noqa: F811
                      monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two runs' models (``a/`` and ``b/``), a tuned copy and a 2-minute stream, in the working folder."""
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        shutil.copy(reference_model_path, tmp_path / run / f"{NAME}.tflite")
    monkeypatch.chdir(tmp_path)
    assert main(["params", f"a/{NAME}.tflite", "detection_threshold=200", "-o", "tuned.tflite"]) == 0
    write_stream(make_dataset_stream([speech_commands], StreamRecipe(minutes=2.0, seed=3)), tmp_path / "s.wav")
    return tmp_path


def test_the_comparison_names_each_model_apart(same_named_models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["calibrate", "--model", f"a/{NAME}.tflite", "--compare", f"b/{NAME}.tflite", "--compare",
                 "tuned.tflite", "--stream", "s.wav", "--target-fa-per-hour", "1000", *RANGES, "--out", "CAL",
                 "--progress", "none"])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = out[out.index("compared on the same stream"):].splitlines()
    assert [row.split("  FRR")[0].strip() for row in rows[1:4]] == [RUN_A, RUN_B, TUNED]
    assert rows[4].startswith(f"  FRR against {RUN_A} (paired")
    assert rows[5].strip().startswith(RUN_B) and rows[6].strip().startswith(TUNED)
    assert f"    {RUN_B}: threshold " in out and f"    {TUNED}: threshold " in out
    status = load_calibration_output(same_named_models / "CAL").summary_lines()  # the workspace's lines
    assert [line.split(":")[0] for line in status[1:]] == [RUN_B, TUNED]


def test_the_det_plots_legend_names_each_model_apart_and_fits_the_figure(
        same_named_models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from workbench.calibration.calibration_run import CalibrationRequest, run_calibration
    from workbench.calibration.sweep.grid import SweepRanges
    from workbench.core.model.model_file import load_model

    request = CalibrationRequest(Path("s.wav"), Path("s.json"), target_fa_per_hour=1000.0,
                                 ranges=SweepRanges(thresholds=(150, 200), windows_ms=(500,), suppressions_ms=(1000,),
                                                    counts=(1,)))
    first, tuned = (run_calibration(load_model(path), request) for path in (f"a/{NAME}.tflite", "tuned.tflite"))
    figure = det_figure(first, [tuned])
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    (legend,) = figure.legends
    texts = [text.get_text() for text in legend.get_texts()]
    assert f"Pareto front ({NAME})" in texts and f"Pareto front ({TUNED})" in texts
    box = legend.get_window_extent(canvas.get_renderer())
    assert 0 <= box.x0 and box.x1 <= figure.bbox.x1  # the longer names still fit (in one column)


def test_labels_stay_as_short_as_tell_the_models_apart() -> None:
    assert model_labels([("kws_yes_no", "/m/kws_yes_no.tflite"), (NAME, f"/m/{NAME}.tflite")]) == ["kws_yes_no",
                                                                                                    NAME]
    deep = model_labels([(NAME, f"/x/run/a/{NAME}.tflite"), (NAME, f"/y/run/a/{NAME}.tflite"), ("other", "")])
    assert deep == [f"{NAME} (x/run/a/{NAME}.tflite)", f"{NAME} (y/run/a/{NAME}.tflite)", "other"]
    assert model_labels([(NAME, f"/m/{NAME}.tflite")] * 2) == [NAME, NAME]  # one model twice: nothing to tell
