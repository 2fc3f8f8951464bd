"""A trial's spec: the sweep's base spec with the fixed settings and the trial's sampled values.

Why a resolved spec file per trial: ``kws train --spec FILE`` then trains exactly that, and the trial's
output folder records it (``spec.toml``) like any training run, so the best trial can be repeated
without the sweep. The checks here run when the sweep file is loaded: every value a dimension can
take (the ends of a range, every choice) is applied on its own and the spec validated, so a range
that breaks a spec (a batch size searched as a fraction, a kernel larger than its input) is an error
before anything trains.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from workbench.core.errors import SettingsError
from workbench.spec_files import load_spec_table
from workbench.sweeps.definition.search_space import SPEC_DIMENSION, apply_values
from workbench.training.spec.model_spec import ModelSpec, spec_from_table

if TYPE_CHECKING:
    from workbench.sweeps.definition.sweep_file import SweepFile

BUNDLED_PREFIX = "bundled:"
MAX_EPOCHS_PATH = "training.max_epochs"  # what kws train --epochs sets for a trial
SEED_PATH = "training.seed"  # what kws train --seed sets


def plain(value: Any) -> Any:
    """Tune's sampled values as plain Python (numpy scalars -> int/float; tuples -> lists)."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def trial_values(sweep: "SweepFile", params: Mapping[str, Any]) -> dict[str, Any]:
    """Every dotted path a trial sets: the fixed settings, the keywords, then its sampled values."""
    values: dict[str, Any] = dict(sweep.fixed)
    if sweep.run.keywords:
        values["data.keywords"] = list(sweep.run.keywords)
    values.update({k: plain(v) for k, v in params.items() if k != SPEC_DIMENSION})
    return values


def _absolute_init_from(table: dict[str, Any], spec_path: Path) -> None:
    """``init_from`` relative to the spec file, made absolute (the trial's spec lives elsewhere)."""
    text = table.get("init_from")
    if not text or str(text).startswith(BUNDLED_PREFIX) or Path(text).is_absolute():
        return
    near = spec_path.parent / text
    if near.exists():
        table["init_from"] = str(near.resolve())


def trial_spec(sweep: "SweepFile", spec_name: str, params: Mapping[str, Any]) -> ModelSpec:
    """The validated spec of one trial (SettingsError when the values make it invalid)."""
    table, path = load_spec_table(spec_name)
    table = apply_values(table, trial_values(sweep, params))
    table.pop("extends", None)
    _absolute_init_from(table, path)
    return spec_from_table(table, f"{Path(spec_name).stem} with the trial's values", source=path)


def repeatable_spec(sweep: "SweepFile", trial_spec_path: Path, seed: int) -> ModelSpec:
    """A trial's spec with what its ``kws train`` got on the command line -- the sweep's epoch cap
    (``--epochs``) and the trial's seed (``--seed``) -- as spec values (``training.max_epochs``,
    ``training.seed``).

    Why: the trial's own spec file holds neither, so ``kws train --spec`` on a copy of it trains up to the
    spec's max_epochs with the spec's seed: another model than the one the sweep chose."""
    table, path = load_spec_table(trial_spec_path)
    table = apply_values(table, {MAX_EPOCHS_PATH: sweep.run.epochs, SEED_PATH: seed})  # (the table, not the
    return spec_from_table(table, path.name, source=path)  # settings: "off" values must stay "off")


def spec_of(sweep: "SweepFile", params: Mapping[str, Any]) -> str:
    """Which spec a trial trains (the ``spec`` dimension's value, or the only one)."""
    return str(params.get(SPEC_DIMENSION, sweep.specs[0]))


def check_trial_specs(sweep: "SweepFile") -> None:
    """SettingsError naming the sweep file when a fixed value or a dimension's value breaks a spec."""
    where = sweep.source.name
    for spec_name in sweep.specs:
        label = Path(spec_name).stem
        try:
            base = trial_spec(sweep, spec_name, {})
        except SettingsError as exc:
            raise SettingsError(f"{where}: [fixed] does not fit spec {label}: {exc}") from None
        if sweep.objective.metric == "frr" and base.data.validation_resplit_percent is not None:
            raise SettingsError(f"{where}: the frr objective streams the dataset's validation split, but spec "
                                f"{label} re-splits validation (data.validation_resplit_percent): set "
                                "\"data.validation_resplit_percent\" = \"off\" in [fixed]")
        for dimension in sweep.search:
            for value in dimension.samples():
                try:
                    trial_spec(sweep, spec_name, {dimension.path: value})
                except SettingsError as exc:
                    raise SettingsError(f"{where}: [search] {dimension.path} = {value!r} does not fit spec "
                                        f"{label}: {exc}") from None
