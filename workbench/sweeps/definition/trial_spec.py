"""A trial's spec: the sweep's base spec with the fixed settings and the trial's sampled values.

Why a resolved spec file per trial: ``kws train --spec FILE`` then trains exactly that, and the trial's
output folder records it (``spec.toml``) like any training run, so the best trial can be repeated
without the sweep. The checks here run when the sweep file is loaded: every value a dimension can
take (the ends of a range, every choice) is applied on its own and the spec validated, so a range
that breaks a spec (a batch size searched as a fraction, a kernel larger than its input) is an error
before anything trains.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from workbench.core.errors import SettingsError
from workbench.spec_files import load_spec_table, table_keywords
from workbench.sweeps.definition.search_space import CONTINUOUS_KINDS, SPEC_DIMENSION
from workbench.training.spec.keyword_names import keywords_model_name
from workbench.training.spec.setting_paths import apply_values
from workbench.training.spec.model_spec import ModelSpec, spec_from_table

if TYPE_CHECKING:
    from workbench.sweeps.definition.search_space import Dimension
    from workbench.sweeps.definition.sweep_file import SweepFile

BUNDLED_PREFIX = "bundled:"
MAX_EPOCHS_PATH = "training.max_epochs"  # what kws train --epochs sets for a trial
SEED_PATH = "training.seed"  # what kws train --seed sets
DESCRIPTION_KEY = "description"
NAME_KEY = "name"
# settings that change the model itself (its layers, its input, its classes), so a base spec's description of
# the model (filters, MACs) is no longer true once one of them differs from the spec file
MODEL_PATH_PREFIXES = ("layers.", "frontend.")
MODEL_PATHS = ("data.keywords",)
MACS_PER_K = 1000
# which clips are in the validation split: one frr objective stream cannot follow them changing from trial to trial
SPLIT_SETTINGS = ("data.validation_percent", "data.testing_percent", "data.split_method",
                  "data.validation_resplit_percent")


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


def is_model_path(path: str) -> bool:
    """True when the setting at ``path`` changes the model itself (its size, MACs and description)."""
    return path.startswith(MODEL_PATH_PREFIXES) or path in MODEL_PATHS


def _changed_model_values(table: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """The values among ``values`` that change the model of the spec ``table`` (its layers, input or classes)."""
    return {path: value for path, value in values.items()
            if is_model_path(path) and apply_values(table, {path: value}) != table}


def _value_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, str)) else str(value)


def trial_description(base_name: str, changed: Mapping[str, Any], macs: int) -> str:
    """The description of a trial's model whose layers, input or classes differ from its base spec.

    Why not the base spec's description: it describes the base model ("Conv2D 8x(10x8)/2 + dense (336k
    MACs)"), and the trial's model file and the sweep's best spec would carry figures that are false for
    the model they describe; this names the base spec, the values that changed it and its own MACs."""
    values = ", ".join(f"{path}={_value_text(value)}" for path, value in changed.items())
    return f"{base_name} with {values} ({round(macs / MACS_PER_K):,}k MACs)"


def trial_spec(sweep: "SweepFile", spec_name: str, params: Mapping[str, Any]) -> ModelSpec:
    """The validated spec of one trial (SettingsError when the values make it invalid); its description is
    :func:`trial_description` when a value changes the model of the spec file, and its name says the sweep's keywords
    when they are not the spec file's own, as ``kws train --keywords`` names its model
    (:mod:`~workbench.training.spec.keyword_names`)."""
    base, path = load_spec_table(spec_name)
    values = trial_values(sweep, params)
    table = apply_values(base, values)
    table.pop("extends", None)
    _absolute_init_from(table, path)
    where = f"{Path(spec_name).stem} with the trial's values"
    spec = spec_from_table(table, where, source=path)
    changed = _changed_model_values(base, values)
    if not changed:
        return spec
    table[DESCRIPTION_KEY] = trial_description(str(base.get("name") or Path(spec_name).stem), changed, spec.macs)
    table[NAME_KEY] = keywords_model_name(spec.name, table_keywords(base, where), spec.data.keywords)
    return spec_from_table(table, where, source=path)


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
            if sweep.objective.metric == "frr" and dimension.path in SPLIT_SETTINGS:
                raise SettingsError(f"{where}: the frr objective streams the validation split once for every trial, "
                                    f"so [search] cannot vary {dimension.path}: set it in [fixed]")
            for value in dimension.samples():
                try:
                    trial_spec(sweep, spec_name, {dimension.path: value})
                except SettingsError as exc:
                    raise SettingsError(_sample_problem(sweep, spec_name, dimension, value, exc)) from None


def _fits(sweep: "SweepFile", spec_name: str, path: str, value: Any) -> bool:
    try:
        trial_spec(sweep, spec_name, {path: value})
    except SettingsError:
        return False
    return True


def _sample_problem(sweep: "SweepFile", spec_name: str, dimension: "Dimension", value: Any,
                    exc: SettingsError) -> str:
    """Why a dimension's ``value`` breaks the spec, in the words of the sweep file.

    Why not always "PATH = VALUE does not fit": a continuous range is checked at a fractional point inside it
    too (:data:`~.search_space.INSIDE_FRACTION`), a value the file never names; when the spec takes whole
    numbers there, the sentence says that the range draws fractions and gives the ``int`` range to use."""
    where, label, path = sweep.source.name, Path(spec_name).stem, dimension.path
    continuous = dimension.kind in CONTINUOUS_KINDS
    if continuous and not float(value).is_integer() and _fits(sweep, spec_name, path, round(value)):
        low, high = dimension.values
        whole = f"{{ int = [{math.ceil(low)}, {math.floor(high)}] }}"
        return (f"{where}: [search] {path} = {{ {dimension.kind} = [{low}, {high}] }} draws fractional values, but "
                f"{path} must be a whole number in spec {label}: use {whole}")
    if continuous and value not in dimension.values:
        return (f"{where}: [search] {path}: a value inside its range ({value:.4g}) does not fit spec {label}: "
                f"{exc}")
    return f"{where}: [search] {path} = {value!r} does not fit spec {label}: {exc}"
