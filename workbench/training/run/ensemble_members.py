"""Training the members of an ensemble spec one after another and merging them (``ensemble_members``).

Why apart from the pipeline: a run with one member is the plain trainer; with N, each member is the
same spec with seed ``seed + k`` (its own initial weights, dropout, batch order, unknown-word draws
and augmentation) and its own checkpoint folder ``train/member-<k>``, so a stopped run resumes
member by member; the finished members are merged by :mod:`workbench.training.model.ensemble_merge`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable

from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import FolderGone
from workbench.training.data.features import FeatureBatch
from workbench.training.data.sample_plan import SamplePlan
from workbench.training.model.ensemble_merge import merge_members, merge_plan, merged_spec
from workbench.training.run.cancel import CancelToken
from workbench.training.run.checkpoints import Checkpoints
from workbench.training.run.model_setup import prepare_model
from workbench.training.run.output_folder import OutputFolder
from workbench.training.run.progress import MemberProgress, Progress
from workbench.training.run.teacher import Teacher
from workbench.training.run.trainer import CALIBRATION_SAMPLES, Trainer, TrainingResult
from workbench.training.spec.model_spec import ModelSpec

MEMBER_FOLDER = "member-{index}"
MEMBER_EPOCH_STRIDE = 1_000_000  # member k's augmentation of epoch e is drawn as epoch e + k * stride


@dataclass
class MembersResult:
    result: TrainingResult  # the merged model, with the first member's state and history
    spec: ModelSpec  # the spec of the model in ``result`` (wider than the recipe's for an ensemble)
    members: list[dict[str, Any]] = field(default_factory=list)  # per member: seed, epochs, best


def member_spec(spec: ModelSpec, index: int) -> ModelSpec:
    """Member ``index`` (0-based): the spec with its seed moved on by ``index``."""
    if index == 0:
        return spec
    return spec.replace(training=dataclasses.replace(spec.training, seed=spec.training.seed + index))


def _log_writer(out: OutputFolder, progress: Progress) -> Callable[[], None]:
    """The run's log written as it stands (after each epoch); a failed write is left to the run's last one,
    which reports it: a full disk must not stop the epochs. A folder gone does: nothing more can be written."""
    def write() -> None:
        try:
            out.write_log(progress.log_lines)
        except FolderGone:
            raise
        except WorkbenchError:
            pass
    return write


def train_members(spec: ModelSpec, plan: SamplePlan, maker: Any, out: OutputFolder, progress: Progress,
                  cancel: CancelToken, max_epochs: int, teacher: Teacher | None, validation: FeatureBatch,
                  init_from: str | None, resume: bool) -> MembersResult:
    """Train the spec's members (one for a plain spec) and return the model to convert."""
    count = spec.training.ensemble_members
    log_now = _log_writer(out, progress)
    if count == 1:
        trainer = Trainer(spec, plan, maker, Checkpoints(out.train_dir, out.hold), progress, cancel, max_epochs,
                          teacher, after_epoch=log_now)
        return MembersResult(trainer.run(validation, init_from, resume), spec)
    # the merge's checks before any member trains (a spec the merge refuses must not cost N trainings)
    probe = prepare_model(spec, init_from, validation.features[:CALIBRATION_SAMPLES])
    plan_ = merge_plan(spec, probe.imported, probe.model)
    results: list[TrainingResult] = []
    records: list[dict[str, Any]] = []
    for index in range(count):
        mspec = member_spec(spec, index)
        checkpoints = Checkpoints(out.train_dir / MEMBER_FOLDER.format(index=index + 1), out.hold)
        progress.info("train", f"ensemble member {index + 1} of {count} (seed {mspec.training.seed})")
        trainer = Trainer(mspec, plan, maker, checkpoints, MemberProgress(progress, index + 1, count), cancel,
                          max_epochs, teacher,
                          feature_epoch_offset=index * MEMBER_EPOCH_STRIDE, after_epoch=log_now)
        result = trainer.run(validation, init_from, resume)
        results.append(result)
        records.append({"seed": mspec.training.seed, "epochs": result.state.epochs_done,
                        "best_epoch": result.state.best_epoch,
                        "best": {spec.training.checkpoint_monitor: result.state.best_value}})
        if result.cancelled:
            return MembersResult(result, spec, records)
    merged = merge_members([r.model for r in results], spec, plan_)
    progress.info("train", f"{count} members merged into one model of {plan_.shared + count * plan_.added} "
                           "filters (the mean of their logits)")
    state = results[0].state
    state.wall_time_s = sum(r.state.wall_time_s for r in results)
    skipped = [s for r in results for s in r.skipped]
    return MembersResult(TrainingResult(merged, state, False, list(dict.fromkeys(skipped))),
                         merged_spec(spec, plan_, count), records)
