"""`kws evaluate --out` without matplotlib: every report file but the PNGs, one warning line, exit 0."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import copy_clips  # noqa: E402

from tests.no_matplotlib import block_matplotlib, pretend_frozen  # noqa: E402
from workbench.cli.main import main  # noqa: E402

REPORT = ["eval-results.json", "predictions.csv", "summary.txt"]


@pytest.fixture(scope="module")
def speech(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_clips(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("speech"),
                      {"yes": 3, "no": 3, "_silence_": 1})


def _evaluate(speech: Path, model: Path, out: Path) -> int:
    return main(["evaluate", str(model), "--dataset", str(speech), "--out", str(out), "--workers", "1"])


@pytest.mark.parametrize("frozen, advice", [(False, "needs matplotlib: pip install matplotlib"),
                                            (True, "needs matplotlib: install the kws-workbench-training package")])
def test_the_report_is_written_and_one_warning_names_the_missing_plots(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, speech: Path,
        reference_model_path: Path, tmp_path: Path, frozen: bool, advice: str) -> None:
    block_matplotlib(monkeypatch)
    if frozen:
        pretend_frozen(monkeypatch)  # --workers 1: no worker process is spawned as the bundle would
    out = tmp_path / "ev1"
    assert _evaluate(speech, reference_model_path, out) == 0
    assert sorted(p.name for p in out.iterdir()) == REPORT
    captured = capsys.readouterr()
    assert "Overall accuracy:" in captured.out
    assert (out / "summary.txt").read_text() == captured.out
    err = captured.err.strip().splitlines()
    warnings = [line for line in err if line.startswith("kws: warning: ")]
    assert warnings == [err[-1]] and "kws: error" not in captured.err  # one line, after the report
    assert "tflite_micro_speech-roc.png" in warnings[0] and "not written" in warnings[0]
    assert advice in warnings[0] and ("pip" in warnings[0]) is not frozen
