"""The sweep's hooks into Ray Tune's driver loop: trial events out, the cancel in.

Why Tune's own extension points: :class:`SweepCallback` sees every trial start, result, end and error
in the driver (no polling of files), and :class:`CancelStopper` is how Tune is told to stop the whole
experiment -- only once no trial runs any more, so the trials end on their own (their ``kws train``
stopped cleanly by the cancel marker) instead of being torn down by Tune.

Each event reaches the driver under its :attr:`~workbench.sweeps.sweep_run.SweepRun.driver_lock`, and none once
its cluster was lost: the results are written then from another thread
(:meth:`~workbench.sweeps.sweep_run.SweepRun.cluster_lost`), and must not change under it or after it.

Tune pickles its run configuration (for resuming experiments, which sweeps do not use); the hooks
hold the live driver object, so they pickle to inert copies instead of failing.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Callable

from ray.tune import Callback
from ray.tune.stopper import Stopper

if TYPE_CHECKING:
    from workbench.sweeps.sweep_run import SweepRun


class _Unpickled:
    """Stand-in for the driver in an unpickled hook: no trial, never cancelled, every call ignored."""

    cancelled = False
    running: set[str] = set()
    lost = ""
    driver_lock = contextlib.nullcontext()

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def _to_driver(run: "SweepRun", event: Callable[..., None], *args: Any) -> None:
    """``event(*args)`` under the driver's lock, unless its cluster was lost (see the module docstring)."""
    with run.driver_lock:
        if not run.lost:
            event(*args)


class SweepCallback(Callback):
    def __init__(self, run: "SweepRun") -> None:
        self.run = run
        self.seen: set[str] = set()  # trial ids passed to run.trials_seen

    def __getstate__(self) -> dict[str, Any]:
        return {"run": _Unpickled(), "seen": set()}

    def on_step_end(self, iteration: int, trials: list[Any], **info: Any) -> None:
        seen = self.seen
        new = [t for t in trials if t.trial_id not in seen]
        if new:  # (every step: only the trials not reported yet)
            seen.update(t.trial_id for t in new)
            _to_driver(self.run, self.run.trials_seen, [(t.trial_id, dict(t.config)) for t in new])

    def on_trial_start(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        _to_driver(self.run, self.run.trial_started, trial.trial_id, dict(trial.config))

    def on_trial_result(self, iteration: int, trials: list[Any], trial: Any, result: dict[str, Any],
                        **info: Any) -> None:
        _to_driver(self.run, self.run.trial_result, trial.trial_id, result)

    def on_trial_complete(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        _to_driver(self.run, self.run.trial_ended, trial.trial_id)

    def on_trial_error(self, iteration: int, trials: list[Any], trial: Any, **info: Any) -> None:
        message = str(getattr(trial, "error_message", None) or "the trial's Ray worker failed")
        _to_driver(self.run, self.run.trial_ended, trial.trial_id, message.strip().splitlines()[-1][:500])


class CancelStopper(Stopper):
    """Stops the experiment once the sweep is cancelled and none of its trials runs any more."""

    def __init__(self, run: "SweepRun") -> None:
        self.run = run

    def __getstate__(self) -> dict[str, Any]:
        return {"run": _Unpickled()}

    def __call__(self, trial_id: str, result: dict[str, Any]) -> bool:
        return False

    def stop_all(self) -> bool:
        with self.run.driver_lock:  # (reading cancelled may announce the cancel)
            return bool(self.run.lost) or (self.run.cancelled and not self.run.running)
