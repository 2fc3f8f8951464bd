"""A run's ``spec.toml`` holds every setting the run used, its command-line options included, and its first lines
give the command that repeats the run; the model's description carries the trained model's own MACs."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.model.model_file import load_model
from workbench.profiler import profile_model
from workbench.training.spec import load_spec
from workbench.training.spec.setting_paths import setting_values, spec_with_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training_data import QUICK_SPEC  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

SPEC_EPOCHS = 30  # what the spec file says; the command line's --epochs 1 is what the run trains
SEED = 3
CHANNELS = "frontend.filterbank_n_channels=32"  # 40 in the spec: fewer MACs than its description says
OPTIONS = ["--workers", "1", "--no-evaluate", "--progress", "none"]  # options that do not change the model
MODEL = "quick_kws.tflite"
NAME_LINE = 'name = "quick_kws"'
DESCRIPTION = "Conv2D 8x(10x8)/2 + dense (336k MACs)"  # as tflite_micro_speech's (a spec extending it has none)


@pytest.fixture(scope="module")
def run(speech_slice: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The spec file and the output folder of a one-epoch run with settings given on the command line."""
    root = tmp_path_factory.mktemp("repeat")
    spec = root / "quick.toml"
    described = f'{NAME_LINE}\ndescription = "{DESCRIPTION}"'
    spec.write_text(QUICK_SPEC.format(epochs=SPEC_EPOCHS).replace(NAME_LINE, described))
    out = root / "run"
    assert main(["train", "--spec", str(spec), "--dataset", str(speech_slice), "--out", str(out), "--epochs", "1",
                 "--seed", str(SEED), "--set", CHANNELS, *OPTIONS]) == 0
    return spec, out


def test_the_runs_spec_holds_the_command_lines_epochs_and_seed_and_loads_back_the_same(run: tuple[Path, Path]) -> None:
    spec, out = run
    kept = load_spec(out / "spec.toml")
    assert kept.training.max_epochs == 1 and kept.training.seed == SEED
    path, value = CHANNELS.split("=")
    ran = spec_with_settings(spec, [(path, int(value)), ("training.max_epochs", 1), ("training.seed", SEED)])
    assert setting_values(kept) == setting_values(ran)  # every setting, as the run had it
    assert kept.layers == ran.layers and kept.classes == ran.classes


def test_the_command_in_the_spec_files_first_lines_repeats_the_run(run: tuple[Path, Path],
                                                                    speech_slice: Path) -> None:
    _spec, out = run
    text = (out / "spec.toml").read_text(encoding="utf-8")
    command = shlex.split(next(line for line in text.splitlines() if "kws train" in line).lstrip("# "))
    assert command[:4] == ["kws", "train", "--spec", str((out / "spec.toml").resolve())]
    assert command[command.index("--dataset") + 1] == str(speech_slice.resolve())
    again = Path(command[command.index("--out") + 1])
    assert not again.exists()  # a folder kws train takes
    assert main([*command[1:], *OPTIONS]) == 0
    assert json.loads((again / "summary.json").read_text())["epochs"] == 1  # not the spec file's 30
    assert json.loads((again / "plan.json").read_text()) == json.loads((out / "plan.json").read_text())
    assert setting_values(load_spec(again / "spec.toml")) == setting_values(load_spec(out / "spec.toml"))


def test_the_models_description_gives_its_own_macs(run: tuple[Path, Path]) -> None:
    spec, out = run
    model = load_model(out / MODEL)
    macs = profile_model(model.tflite).summary.total_macs
    assert macs < load_spec(spec).macs  # 32 channels instead of the spec's 40
    description = model.params["description"]
    assert description == f"Conv2D 8x(10x8)/2 + dense ({round(macs / 1000)}k MACs)"  # the spec's words, own figure
    assert load_spec(out / "spec.toml").description == DESCRIPTION  # the spec, as it was given
