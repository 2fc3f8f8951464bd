"""A trial whose model differs from its base spec does not carry the base spec's description (its filters and
MACs would be false for the trained model and the sweep's best spec)."""

from __future__ import annotations

from pathlib import Path

from workbench.spec_files import load_spec_table
from workbench.sweeps.definition.sweep_file import load_sweep
from workbench.sweeps.definition.trial_spec import trial_spec

from sweep_data import sweep_text, write_sweep

BASE = "tflite_micro_speech"


def _base_description() -> str:
    table, _ = load_spec_table(BASE)
    return str(table["description"])


def test_a_searched_layer_value_gives_a_description_with_the_trials_own_figures(tmp_path: Path) -> None:
    (tmp_path / "data" / "yes").mkdir(parents=True)
    sweep = load_sweep(write_sweep(tmp_path, sweep_text(tmp_path / "data")))
    spec = trial_spec(sweep, BASE, {"layers.1.filters": 12, "training.learning_rate": 0.005})
    assert spec.macs != trial_spec(sweep, BASE, {}).macs
    assert spec.description == f"{BASE} with layers.1.filters=12 ({round(spec.macs / 1000)}k MACs)"
    assert "336k" not in spec.description and "336k" in _base_description()
    assert f'description = "{spec.description}"' in spec.to_toml()  # what kws train and the best spec carry


def test_values_that_leave_the_model_as_it_is_keep_the_base_description(tmp_path: Path) -> None:
    (tmp_path / "data" / "yes").mkdir(parents=True)
    sweep = load_sweep(write_sweep(tmp_path, sweep_text(tmp_path / "data")))
    filters = trial_spec(sweep, BASE, {}).layers[0].get("filters")
    assert trial_spec(sweep, BASE, {"training.learning_rate": 0.005}).description == _base_description()
    assert trial_spec(sweep, BASE, {"layers.1.filters": filters}).description == _base_description()


def test_a_sweep_for_other_keywords_names_its_trials_models_after_them(tmp_path: Path) -> None:
    """As ``kws train --keywords`` does: the trial's spec (its kws train --spec, and the best spec) names the model
    after the spec and the keywords, never as the bundled yes/no model of the spec's own name."""
    (tmp_path / "data" / "yes").mkdir(parents=True)
    other = load_sweep(write_sweep(tmp_path, sweep_text(tmp_path / "data", extra='keywords = ["go", "stop"]')))
    spec = trial_spec(other, BASE, {"training.learning_rate": 0.005})
    assert spec.name == f"{BASE}_go_stop" and f'name = "{BASE}_go_stop"' in spec.to_toml()
    assert spec.description.startswith(f"{BASE} with data.keywords=")  # the description names the base spec
    own = load_sweep(write_sweep(tmp_path, sweep_text(tmp_path / "data", extra='keywords = ["yes", "no"]')))
    assert trial_spec(own, BASE, {}).name == BASE
