"""What a sweep is given (:class:`SweepOptions`) and what it returns (:class:`SweepOutcome`).

Why apart from :mod:`workbench.sweeps.sweep_run`: both are plain data, read by the command line and the Python API
(``from workbench.sweeps.sweep_run import SweepOptions`` still works), while the run itself is the driver's logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.sweeps.reporting.final_status import never_started
from workbench.sweeps.reporting.results import CANCELLED, TrialRecord

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class SweepOptions:
    out: Path
    address: str | None = None  # None: a private local Ray instance
    max_concurrent: int | None = None  # overrides the sweep file's [budget] max_concurrent
    num_cpus: int | None = None  # CPUs of the local instance (None: all)


@dataclass
class SweepOutcome:
    status: str  # events.SWEEP_FINISHED or SWEEP_CANCELLED
    records: list[TrialRecord]
    best: TrialRecord | None
    model: Path | None
    files: list[Path] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def trials_per_hour(self) -> float:
        ended = sum(1 for r in self.records if r.status not in (CANCELLED,) and not never_started(r))
        return ended * SECONDS_PER_HOUR / self.wall_s if self.wall_s > 0 else 0.0
