"""best-spec.toml's header: the ``kws train`` command it gives runs as written (``kws train``'s parser accepts it).

Real sweep and spec files, the real ``kws`` parser; no Ray (the header is written from a finished trial's record).
"""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

from workbench.cli.main import build_parser
from workbench.sweeps.definition.sweep_file import load_sweep
from workbench.sweeps.definition.trial_spec import trial_spec
from workbench.sweeps.reporting.results import TrialRecord
from workbench.sweeps.best_model import BEST_SPEC_FILE, best_spec_text
from workbench.sweeps.sweep_run import SweepOptions, SweepRun

from sweep_data import sweep_text, write_sweep

SPEC = "tflite_micro_speech"
COMMAND_PREFIX = "#   "
SEED = 11


def test_the_best_spec_header_gives_a_complete_kws_train_command(tmp_path: Path) -> None:
    dataset = tmp_path / "data"
    (dataset / "yes").mkdir(parents=True)
    sweep = load_sweep(write_sweep(tmp_path, sweep_text(dataset)))
    trial_spec_path = tmp_path / "trial" / "spec.toml"
    trial_spec_path.parent.mkdir()
    trial_spec_path.write_text(trial_spec(sweep, SPEC, {}).to_toml(), encoding="utf-8")
    run = SweepRun(sweep, SweepOptions(out=tmp_path / "out"))

    text = best_spec_text(sweep, run.out, TrialRecord("t1", SPEC, SEED, objective=0.9), trial_spec_path)

    command = shlex.split(text.splitlines()[1].removeprefix(COMMAND_PREFIX))
    assert command[:2] == ["kws", "train"]
    args = build_parser().parse_args(command[1:])  # argparse exits (SystemExit) when a required option is missing
    assert args.spec == str(run.out / BEST_SPEC_FILE) and args.out == Path(f"{sweep.name}_best")
    assert args.dataset == [d.argument for d in sweep.datasets]
    assert tomllib.loads(text)["training"]["seed"] == SEED
