"""The warnings about keywords with few training clips give the ``kws train --set`` that re-splits for one run.

Training new keywords with ``--spec tflite_micro_speech`` on the shared subset leaves 8 "go" and 4 "stop" clips to
train on; the warnings said to "set validation_resplit_percent in the spec's [data] table", which sent a command-line
user to write a spec file (the silence warning beside it already gave its ``--set``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.training.spec.model_spec import load_spec
from workbench.training.spec.setting_paths import spec_with_settings

SUGGESTED = re.compile(r"kws train --set (?P<path>[\w.]+)=(?P<value>[\d.]+)\)")


def test_both_warnings_give_a_set_that_resplits_as_the_default_recipe(capsys: pytest.CaptureFixture[str],
                                                                       shared_dir: Path) -> None:
    speech = shared_dir / "datasets" / "speech_commands"
    assert main(["dataset", "info", str(speech), "--keywords", "go,stop", "--spec", "tflite_micro_speech"]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if line.startswith("warning: ")]
    suggested = {(m["path"], m["value"]) for line in warnings if (m := SUGGESTED.search(line))}
    assert len(warnings) == 2 and len(suggested) == 1, warnings  # the dataset's warning and the run's, alike
    ((path, value),) = suggested
    spec = spec_with_settings("tflite_micro_speech", [(path, float(value))])  # a setting kws train --set takes
    assert spec.data.validation_resplit_percent == load_spec("default").data.validation_resplit_percent
