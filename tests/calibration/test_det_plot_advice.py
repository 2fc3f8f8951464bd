"""Without matplotlib a calibration's report is written without det.png, and the note says how to get matplotlib
in this install: pip from a source install, the training package in the packaged app (which has no pip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.no_matplotlib import block_matplotlib, pretend_frozen
from workbench.calibration.calibration_run import CalibrationRequest, CalibrationResult, run_calibration
from workbench.calibration.results.det_plot import det_plot_png
from workbench.plot_advice import PlotUnavailable
from workbench.calibration.results.output_files import write_outputs
from workbench.calibration.sweep.grid import SweepRanges
from workbench.core.model.model_file import LoadedModel

RANGES = SweepRanges(thresholds=(150, 200), windows_ms=(1000,), suppressions_ms=(1000,), counts=(1, 3))


@pytest.fixture(scope="module")
def result(real_stream: Path, reference_model: LoadedModel) -> CalibrationResult:
    return run_calibration(reference_model, CalibrationRequest(real_stream, real_stream.with_suffix(".json"),
                                                               ranges=RANGES))


@pytest.mark.parametrize("frozen, advice", [(False, "pip install matplotlib"),
                                            (True, "install the kws-workbench-training package")])
def test_the_report_is_written_without_the_plot_and_says_how_to_get_matplotlib(
        result: CalibrationResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen: bool, advice: str) -> None:
    block_matplotlib(monkeypatch)
    if frozen:
        pretend_frozen(monkeypatch)
    notes: list[str] = []
    written = write_outputs(result, tmp_path, notes=notes)
    assert "det.png" not in {p.name for p in written} and "calibration.json" in {p.name for p in written}
    assert len(notes) == 1 and notes[0].startswith("det.png not written: drawing the DET plot needs matplotlib: ")
    assert advice in notes[0] and ("pip" in notes[0]) is not frozen
    with pytest.raises(PlotUnavailable, match=advice):
        det_plot_png(result)
