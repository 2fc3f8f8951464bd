"""``kws export-c`` of a model the board cannot run writes the header and says why in one warning line, in the
words of ``kws profile``'s "Runs on TFLite Micro" line (real CLI, real models built with TensorFlow)."""

from __future__ import annotations

from pathlib import Path

from tests.foreign_op_models import custom_model, flex_model
from workbench.cli.main import main
from workbench.profiler.report import TFLM_PROBLEM_LABEL, profile_model

WARNING = "kws: warning: "


def _export(capsys, model: Path, header: Path) -> list[str]:  # type: ignore[no-untyped-def]
    capsys.readouterr()  # the converter's own prints
    assert main(["export-c", str(model), "-o", str(header)]) == 0
    return capsys.readouterr().err.splitlines()


def test_a_model_with_a_flex_or_custom_op_is_exported_with_a_warning(capsys, tmp_path: Path) -> None:
    for name, tflite in (("flex.tflite", flex_model()), ("custom.tflite", custom_model())):
        model = tmp_path / name
        model.write_bytes(tflite)
        header = tmp_path / f"{model.stem}.h"
        err = _export(capsys, model, header)
        assert header.is_file() and err[0].startswith(f"wrote {header}")
        refusal = profile_model(tflite).summary.tflm_problem.removeprefix("no: ")
        assert refusal and err[1:] == [f"{WARNING}the board cannot run {name}: {refusal}"]
        assert main(["profile", str(model)]) == 0  # the same words as the profile's
        assert f"{TFLM_PROBLEM_LABEL}: no: {refusal}" in capsys.readouterr().out.splitlines()


def test_a_model_the_board_runs_is_exported_without_a_warning(capsys, tmp_path: Path,
                                                              reference_model_path: Path) -> None:
    err = _export(capsys, reference_model_path, tmp_path / "model.h")
    assert len(err) == 1 and err[0].startswith("wrote ") and WARNING not in err[0]
