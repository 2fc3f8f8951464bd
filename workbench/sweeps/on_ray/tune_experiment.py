"""The Ray Tune experiment of a sweep: the trainable with its resources, the search space, the scheduler, the
budget and the driver's hooks, as one :class:`ray.tune.Tuner`.

Why apart from the driver (:mod:`workbench.sweeps.sweep_run`): this is the whole of what the sweep file means
to Tune, in Tune's terms; the driver only runs it and turns its callbacks into the sweep's events.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ray import tune
from ray.tune.schedulers import ASHAScheduler, FIFOScheduler
from ray.tune.search.basic_variant import BasicVariantGenerator

from workbench.sweeps.definition.objectives import ObjectiveStream
from workbench.sweeps.on_ray.trial_runner import KwsTrainTrial, TrialContext
from workbench.sweeps.on_ray.tune_hooks import CancelStopper, SweepCallback

if TYPE_CHECKING:
    from workbench.sweeps.sweep_run import SweepRun

TUNE_STATE_LOGGER = "ray.tune.execution.experiment_state"
SEED_RANGE = 2**31 - 1  # every trial's training seed (kws train --seed) is drawn below this
EXPERIMENT_NAME = "tune"
SECONDS_PER_MINUTE = 60.0


def trial_dirname(trial: Any) -> str:
    return str(trial.trial_id)


def make_tuner(run: "SweepRun", stream: ObjectiveStream | None, max_concurrent: int | None,
               storage: Path) -> tune.Tuner:
    """The experiment of ``run``'s sweep, its Tune folder in ``storage``; ``max_concurrent``: trials at once (None:
    as the CPUs allow)."""
    sweep = run.sweep
    context = TrialContext(sweep=sweep, trials_dir=run.trials_dir, stream=stream)
    trainable = tune.with_resources(tune.with_parameters(KwsTrainTrial, context=context),
                                    {"cpu": sweep.resources.cpus_per_trial})
    param_space = {"params": {d.path: d.to_tune() for d in sweep.dimensions()},
                   "seed": tune.randint(0, SEED_RANGE)}
    if sweep.scheduler.type == "asha":
        scheduler: Any = ASHAScheduler(time_attr="epoch", metric="val_balanced_accuracy", mode="max",
                                       max_t=sweep.run.epochs, grace_period=sweep.scheduler.grace_epochs,
                                       reduction_factor=sweep.scheduler.reduction_factor,
                                       stop_last_trials=False)
    else:
        scheduler = FIFOScheduler()
    budget = sweep.budget
    tune_config = tune.TuneConfig(
        num_samples=budget.trials, scheduler=scheduler, reuse_actors=False,
        search_alg=BasicVariantGenerator(random_state=sweep.run.seed,  # (Tune ignores max_concurrent_trials
                                         max_concurrent=max_concurrent or 0),  # with a generator)
        time_budget_s=budget.time_minutes * SECONDS_PER_MINUTE if budget.time_minutes else None,
        trial_name_creator=trial_dirname, trial_dirname_creator=trial_dirname)
    run_config = tune.RunConfig(name=EXPERIMENT_NAME, storage_path=str(storage), verbose=0,
                                callbacks=[SweepCallback(run)], stop=CancelStopper(run),
                                checkpoint_config=tune.CheckpointConfig(checkpoint_at_end=False))
    # Tune saves its experiment state for resuming, which sweeps never do; on a full disk it would log a
    # traceback per save, burying the one line that names the file the sweep could not write
    logging.getLogger(TUNE_STATE_LOGGER).setLevel(logging.CRITICAL)
    return tune.Tuner(trainable, param_space=param_space, tune_config=tune_config, run_config=run_config)
