"""A terminal whose encoding cannot hold every character (a Latin-1 locale): ``kws`` writes what it cannot encode as
escapes, never a UnicodeEncodeError traceback (``kws detect --help`` ended in one over a "…")."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.cli.installed_kws import run_kws
from workbench.assets import default_model_path

LATIN_1 = {**os.environ, "PYTHONIOENCODING": "latin-1"}


def test_help_and_a_file_name_latin_1_cannot_hold_print_in_a_latin_1_terminal(tmp_path: Path) -> None:
    helped = run_kws("detect", "--help", env=LATIN_1)
    assert helped.returncode == 0 and "Traceback" not in helped.stderr and "--threshold-list" in helped.stdout
    model = tmp_path / "модель ▸.tflite"
    shutil.copy(default_model_path(), model)
    info = run_kws("info", str(model), env=LATIN_1)
    assert info.returncode == 0 and "Traceback" not in info.stderr
    assert "\\u25b8.tflite" in info.stdout and "classes: yes, no" in info.stdout
    refused = run_kws("params", str(model), "detection_threshold=300", "-o", str(tmp_path / "x"), env=LATIN_1)
    assert refused.returncode == 2 and refused.stderr.startswith("kws: error: ") and refused.stderr.count("\n") == 1
