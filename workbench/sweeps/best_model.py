"""The sweep's best trial, copied into the sweep's output folder: its model, and its spec headed by the command
that trains it again.

Why a module of its own: the copy is the sweep's one user-facing result besides the tables, and what it writes
(a spec that repeats the trial with its seed and epoch cap, and a ``kws train`` line that runs as it is) is its
own concern, apart from driving Ray (:mod:`workbench.sweeps.sweep_run`).
"""

from __future__ import annotations

import shlex
from pathlib import Path

from workbench.core.atomic_write import atomic_write_bytes, atomic_write_text
from workbench.core.errors import WorkbenchError
from workbench.sweeps.definition.sweep_file import SweepFile
from workbench.sweeps.reporting.results import TrialRecord
from workbench.sweeps.sweep_preflight import TRIAL_SPEC_FILE

BEST_SPEC_FILE = "best-spec.toml"


def copy_best(sweep: SweepFile, out: Path, best: TrialRecord) -> Path | None:
    """Copy ``best``'s model (and its spec as ``best-spec.toml``) into ``out``; the model's new path, None when
    the trial left no model. WorkbenchError when the files cannot be written."""
    if not best.model:
        return None
    source = Path(best.model)
    try:
        target = atomic_write_bytes(out / source.name, source.read_bytes())
        spec = Path(best.folder) / TRIAL_SPEC_FILE
        if spec.is_file():
            atomic_write_text(out / BEST_SPEC_FILE, best_spec_text(sweep, out, best, spec))
    except OSError as exc:
        reason = exc.strerror or exc
        raise WorkbenchError(f"cannot copy the best model {source} into {out}: {reason}") from None
    return target


def best_spec_text(sweep: SweepFile, out: Path, best: TrialRecord, trial_spec_path: Path) -> str:
    """The best trial's spec with its epoch cap and seed, headed by the command that repeats it (with the
    --out kws train requires: a new folder named after the sweep, so the copied command runs as it is)."""
    from workbench.sweeps.definition.trial_spec import repeatable_spec

    if best.seed is None:  # a finished trial drew its seed
        raise WorkbenchError(f"trial {best.trial_id} has no seed: its spec cannot be repeated")
    spec = repeatable_spec(sweep, trial_spec_path, best.seed)
    command = ["kws", "train", "--spec", str(out / BEST_SPEC_FILE)]
    for dataset in sweep.datasets:
        command += ["--dataset", dataset.argument]
    command += ["--out", f"{sweep.name}_best"]
    header = (f"# trial {best.trial_id} of sweep {sweep.name} (objective {best.objective}); "
              f"repeat it with\n#   {shlex.join(command)}\n")
    return header + spec.to_toml()
