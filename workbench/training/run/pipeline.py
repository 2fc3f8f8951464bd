"""One ``kws train`` run from datasets to a labelled int8 model, its evaluation and the output folder.

Phases (each reported through :class:`~.progress.Progress`): ``scan`` the dataset folders, ``plan``
the samples, ``features`` of the validation split, ``train`` (fresh augmented features every epoch),
``convert`` to int8 and float32, ``threshold`` (chosen on validation clips when the spec says
"auto"), ``evaluate`` on the test split (never used before this point), ``write`` the folder.

A stop request ends the run after the current batch: the checkpoints and the history stay, no model
is written, and ``--resume`` continues (or, with ``--epochs`` no higher than the epochs done,
finishes from the best checkpoint at once). After the last epoch a stop is honoured between the
finishing steps and clips up to the ``write`` phase: the run is then a stopped run that ``--resume``
finishes.

An output folder deleted, moved or replaced while the run goes on ends it at the next write (or the check after
each epoch and between the finishing steps) with :class:`~workbench.core.folder_lock.FolderGone`: nothing is
written, made again or removed at its path any more (:mod:`.output_folder`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from workbench.core.errors import SettingsError, WorkbenchError
from workbench.core.folder_lock import FolderGone, refuse_if_held
from workbench.core.wording import counted
from workbench.datasets.layout import DatasetIndex, merge_datasets, scan_dataset
from workbench.datasets.synthetic import datasets_keywords, longer_clips, unfinished_build
from workbench.training.data.features import NO_AUGMENTATION_EPOCH, FeatureBatch, FeatureMaker, FeatureSettings
from workbench.training.data.sample_plan import (SamplePlan, class_weights, clips_digest, make_plan,
                                                 warnings_before_training, weighted_plan)
from workbench.training.data.untrained_datasets import untrained_dataset_warnings
from workbench.training.run.cancel import CancelToken, RunStopped
from workbench.spec_files import spec_keywords
from workbench.run_folder_layout import (PLAN_COUNT_KEY, PLAN_DIGEST_KEY, PLAN_FILE, PLAN_SAMPLES_KEY,
                                         PLAN_VALIDATION_KEY, RESUME_HINT_END, RESUME_HINT_START, RUN_FILE, SPEC_FILE,
                                         STATE_FILE, SUMMARY_FILE)
from workbench.training.run.output_folder import CheckpointWriteError, OutputFolder
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import TrainRequest, dumps, repeat_header
from workbench.training.run.teacher import Teacher
from workbench.training.run.training_state import TrainingState
from workbench.training.spec.init_classes import BUNDLED_PREFIX, check_init_classes, init_source
from workbench.training.spec.keyword_names import keywords_model_name
from workbench.training.spec.model_spec import DataSettings, ModelSpec, check_named_classes, load_spec
from workbench.training.spec.setting_paths import spec_with_settings
from workbench.usable_cpus import usable_cpus

# Makes the feature maker of a run from its settings and ``--workers``: FeatureMaker (processes on this
# machine) unless the caller brings another with its interface, e.g. the Ray tasks of ``kws train
# --features-on-ray`` (the CLI builds it: training imports no tool).
FeatureMakerFactory = Callable[[FeatureSettings, int], Any]
REPRESENTATIVE_STREAM = 0x4E9


@dataclass
class RunOutcome:
    status: str  # "done" or "cancelled"
    out: Path
    model_path: Path | None = None
    summary: dict[str, Any] | None = None


def resolve_spec(request: TrainRequest) -> ModelSpec:
    """The request's spec with the command line's settings (``--set``), keywords, epochs, seed and init_from
    applied: every setting the run trains with, so ``OUT/spec.toml`` (this spec) repeats the run.

    ``--epochs 0`` (a resumed run's "finish now") is no epoch limit a spec can hold: the spec keeps its own.
    Keywords other than the spec file's own (``--keywords``, or ``--set data.keywords``) rename the spec, so its model
    and files say them (:mod:`~workbench.training.spec.keyword_names`).
    """
    spec = load_spec(request.spec) if not request.settings else spec_with_settings(request.spec, request.settings)
    own_keywords = spec_keywords(request.spec) if request.settings else spec.data.keywords
    changes: dict[str, Any] = {}
    if request.keywords:
        try:
            changes["data"] = dataclasses.replace(spec.data, keywords=tuple(request.keywords))
        except ValueError as exc:  # checked as the spec's own keywords are
            raise SettingsError(f"--keywords: {exc}") from None
    if request.epochs or request.seed is not None:
        training = spec.training
        if request.epochs:
            training = dataclasses.replace(training, max_epochs=request.epochs)
        if request.seed is not None:
            training = dataclasses.replace(training, seed=request.seed)
        changes["training"] = training
    if request.init_from:
        changes["init_from"] = request.init_from
    keywords = changes["data"].keywords if "data" in changes else spec.data.keywords
    changes["name"] = keywords_model_name(spec.name, own_keywords, keywords)
    resolved = spec.replace(**changes)
    _check_named_classes(resolved)
    return resolved


def _check_named_classes(spec: ModelSpec) -> None:
    """Checked once the keywords are known (here, before the dataset is scanned or anything written), not only
    when the model is built."""
    training = spec.training
    check_named_classes("class_weight_scale", training.class_weight_scale, spec.classes)
    check_named_classes("trainable_classes", training.trainable_classes, spec.classes)


def _absolute(text: str | None, spec: ModelSpec) -> str | None:
    """``init_from`` or ``teacher`` as an absolute path (see :func:`_anchored`); a bundled name stays a name."""
    if not text or text.startswith(BUNDLED_PREFIX):
        return text
    return str(Path(init_source(text, spec) or text).resolve())


def _anchored(spec: ModelSpec, request: TrainRequest) -> tuple[ModelSpec, TrainRequest]:
    """A fresh run's spec and request with their model files (``init_from``, ``teacher``) as absolute paths.

    Why at the start: a relative path means "next to the spec file" or "from the folder the command ran
    in", and neither is known to a resumed run -- it reads its spec from ``OUT/spec.toml`` and may run from
    anywhere, with the folder moved. ``run.json`` and ``OUT/spec.toml`` therefore record where the files
    were found when the run began.
    """
    training = dataclasses.replace(spec.training, teacher=_absolute(spec.training.teacher, spec))
    anchored = spec.replace(init_from=_absolute(spec.init_from, spec), training=training)
    init_from = anchored.init_from if request.init_from else None
    return anchored, dataclasses.replace(request, init_from=init_from)


def _stored_request(request: TrainRequest) -> TrainRequest:
    folder = OutputFolder(request.out, "")
    if not folder.run_path.is_file():
        refuse_if_held(request.out)  # a run still scanning there has written none yet: that is the reason
        raise WorkbenchError(f"{request.out} holds no training run to resume (no run.json).")
    stored = TrainRequest.from_record(folder.read_json(folder.run_path))
    return request.resumed(dataclasses.replace(stored, spec=str(request.out / SPEC_FILE)))


def _scan(request: TrainRequest, spec: ModelSpec, progress: Progress) -> DatasetIndex:
    if not request.datasets:
        raise WorkbenchError("No dataset given: use --dataset DIR (a folder with one folder per word).")
    indexes = []
    for dataset in request.datasets:
        progress.info("scan", f"scanning {dataset.path}")
        unfinished = unfinished_build(dataset.path)
        if unfinished:  # said, not refused: training on part of a build can be what the user wants
            progress.warn("scan", f"warning: {unfinished}.")
        if longer := longer_clips(dataset.path, spec.frontend.sample_length_ms):
            progress.warn("scan", f"warning: {longer}.")
        indexes.append(scan_dataset(dataset.path, validation_percent=spec.data.validation_percent,
                                    testing_percent=spec.data.testing_percent,
                                    split_method=spec.data.split_method))
    index = merge_datasets(indexes)
    for path, reason in index.unreadable:
        progress.warn("scan", f"skipped {path}: {reason}")
    return index


def _weighted(plan: SamplePlan, request: TrainRequest, seed: int) -> SamplePlan:
    """Training clips of a dataset with weight w counted w times (fractions drawn at random), in every epoch."""
    return weighted_plan(plan, [(d.path.resolve(), d.weight) for d in request.datasets if d.weight != 1.0], seed)


def planned_samples(request: TrainRequest, spec: ModelSpec, progress: Progress) -> tuple[DatasetIndex, SamplePlan]:
    """The run's datasets scanned and its samples planned, weights applied: what a run trains on, and what
    ``--preview-augmentation`` draws from (so the preview plans exactly as the run would)."""
    index = _scan(request, spec, progress)
    try:
        plan = make_plan(index, spec.data, spec.training.seed)
    except WorkbenchError as exc:
        raise WorkbenchError(f"{exc}{_synthesised_words_hint(request, spec)}") from None
    return index, _weighted(plan, request, spec.training.seed)


def _synthesised_words_hint(request: TrainRequest, spec: ModelSpec) -> str:
    """`` DIR was synthesised for hey_lamp: train them with --keywords hey_lamp.`` when the run, without
    ``--keywords``, asked the spec's keywords of datasets built for other words (their synth.json); else "".
    Why: the refusal alone ("no samples of yes, no") does not say that the dataset's own words need naming."""
    keywords, sources, _problems = datasets_keywords([d.path for d in request.datasets])
    if request.keywords is not None or not keywords or set(keywords) <= set(spec.data.keywords):
        return ""
    names = ", ".join(str(source) for source in sources)
    words = ",".join(keywords)
    return f" {names} {'was' if len(sources) == 1 else 'were'} synthesised for {words}: train them with " \
           f"--keywords {shlex.quote(words)}."


def _plan_record(plan: SamplePlan, index: DatasetIndex, weights: dict[int, float] | None) -> dict[str, Any]:
    """``plan.json``: the samples, which clips validate (what ``kws evaluate --split validation`` checks its own
    against), and the loss weights the training uses (None: every class 1)."""
    used = weights if weights is not None else dict.fromkeys(range(len(plan.classes)), 1.0)
    return {"classes": list(plan.classes),
            PLAN_SAMPLES_KEY: {split: plan.counts(split) for split in ("training", "validation", "testing")},
            PLAN_VALIDATION_KEY: {PLAN_COUNT_KEY: len(plan.validation_clips),
                                  PLAN_DIGEST_KEY: clips_digest(plan.validation_clips)},
            "class_weights": {plan.classes[i]: w for i, w in used.items()},
            "split_rules": {str(k): v for k, v in index.split_rules.items()},
            "unreadable": [[str(p), r] for p, r in index.unreadable]}


def _representative(validation: FeatureBatch, count: int, seed: int) -> np.ndarray:
    order = np.random.default_rng([seed & 0xFFFFFFFF, REPRESENTATIVE_STREAM]).permutation(len(validation.labels))
    return validation.features[order[:count]]


def run_training(request: TrainRequest, progress: Progress, cancel: CancelToken,
                 make_features: FeatureMakerFactory = FeatureMaker) -> RunOutcome:
    """Run (or resume) a training; see the module docstring."""
    if request.resume:
        request = _stored_request(request)
    spec = resolve_spec(request)
    if not request.resume:
        spec, request = _anchored(spec, request)
    max_epochs = request.epochs if request.epochs is not None else spec.training.max_epochs
    out = OutputFolder(request.out, spec.name)
    try:
        with _folders_removed_unless_started(out):
            return _start(request, spec, out, progress, cancel, make_features, max_epochs)
    finally:
        out.release()  # held from prepare() on: for the run's whole life


@contextlib.contextmanager
def _folders_removed_unless_started(out: OutputFolder) -> Iterator[None]:
    """The folders a failed start created (still empty) are removed again: see ``remove_created_folders``.

    A checkpoint that could not be written is no failed start (``--resume`` repeats the run, see
    :func:`_forgotten_unless_trained`); a folder holding anything of a run is not empty, so it stays. A folder
    gone while the run went on is left alone: whatever is at its path now is not the run's (a failure it caused,
    e.g. a checkpoint that could not be read back, is said as :class:`FolderGone`).
    """
    try:
        yield
    except (CheckpointWriteError, FolderGone):
        raise
    except Exception:
        out.check()
        out.remove_created_folders()
        raise


def _start(request: TrainRequest, spec: ModelSpec, out: OutputFolder, progress: Progress, cancel: CancelToken,
           make_features: FeatureMakerFactory, max_epochs: int) -> RunOutcome:
    """The folder prepared, the datasets scanned and planned, then training (see :func:`run_training`)."""
    out.prepare(request.resume)
    members = spec.training.ensemble_members
    per_member = f" per member ({members} members, merged after training)" if members > 1 else ""
    progress.info("scan", f"spec {spec.name}: {spec.macs:,} MACs{per_member}, classes {', '.join(spec.classes)}")
    start_warnings: list[str] = []
    if not request.resume:  # (a resumed run starts from its checkpoint; its start was checked)
        renamed = check_init_classes(init_source(spec.init_from, spec), spec)  # refuses outputs that never learn
        start_warnings = [renamed] if renamed else []  # said with the plan's, after the graver ones
    index, plan = planned_samples(request, spec, progress)
    start_warnings += untrained_dataset_warnings([dataset.path for dataset in request.datasets],
                                                 index.listed_roots, plan)
    weights = class_weights(plan, spec.training)
    if not request.resume:  # only now: a run whose data cannot be read is no run to refuse or resume later
        out.write_text(out.root / SPEC_FILE, repeat_header(request, out.root / SPEC_FILE) + spec.to_toml())
        out.write_text(out.run_path, dumps(request))
    out.write_json(out.root / PLAN_FILE, _plan_record(plan, index, weights))
    with _forgotten_unless_trained(out, fresh=not request.resume, spec_source=spec.source):
        _say_plan(plan, spec.data, start_warnings, progress)  # (once the run's files are written)
        return _train_and_finish(request, spec, plan, out, progress, cancel, make_features, max_epochs)


def _say_plan(plan: SamplePlan, data: DataSettings, start_warnings: list[str], progress: Progress) -> None:
    """The samples per split and class, and the run's warnings before it trains (too few clips of a class: said
    before hours of training), the most serious first (:func:`warnings_before_training`)."""
    for split in ("training", "validation", "testing"):
        counts = ", ".join(f"{k} {v}" for k, v in plan.counts(split).items())
        progress.info("plan", f"{split}: {counts}")
    for warning in warnings_before_training(plan, data, start_warnings):
        progress.warn("plan", warning)


@contextlib.contextmanager
def _forgotten_unless_trained(out: OutputFolder, fresh: bool, spec_source: Path | None) -> Iterator[None]:
    """Remove a fresh run's ``run.json``, spec and plan when the run fails before its first epoch is saved.

    Why: ``run.json`` is what makes a folder "a training run" -- the next ``kws train --out`` refuses it and
    ``--resume`` repeats its datasets. A run that never trained (its features or its model could not be
    made) must leave neither, or the next attempt is refused or repeats the mistake. A stop (Ctrl+C) is
    not a failure: ``--resume`` continues it. Nor is a checkpoint that could not be written (a full disk):
    the run itself is sound, and ``--resume`` repeats it once there is room. The spec copy stays when it is
    the spec file the run was started with (``--spec OUT/spec.toml``): that one is the user's. The files are this
    run's own: it holds the folder (:meth:`OutputFolder.prepare`), so no other run wrote them since.
    """
    try:
        yield
    except (CheckpointWriteError, FolderGone):
        raise
    except Exception:
        out.check()  # (the files at the path of a folder gone are not this run's)
        if fresh and not any(out.train_dir.rglob(STATE_FILE)):
            for name in (RUN_FILE, SPEC_FILE, PLAN_FILE):  # run.json first: it makes the folder a run
                path = out.root / name
                if spec_source is None or path.resolve() != spec_source.resolve():
                    path.unlink(missing_ok=True)
        raise


def _train_and_finish(request: TrainRequest, spec: ModelSpec, plan: SamplePlan, out: OutputFolder,
                      progress: Progress, cancel: CancelToken, make_features: FeatureMakerFactory,
                      max_epochs: int) -> RunOutcome:
    """Features, training, conversion, evaluation and the folder's files (module docstring)."""
    from workbench.training.model.keras_builder import configure_tensorflow
    from workbench.training.run.ensemble_members import train_members

    configure_tensorflow(spec.training.seed, usable_cpus())
    settings = FeatureSettings.for_plan(spec, plan)
    with make_features(settings, request.workers) as maker:
        progress.emit("features", "start", message=f"validation spectrograms ({len(plan.validation)} samples, "
                                                    f"{maker.description})")
        validation = maker.compute(plan.validation, NO_AUGMENTATION_EPOCH, cancel=cancel, progress=lambda d, t:
                                   progress.emit("features", "progress", done=d, total=t))
        teacher = None
        if spec.training.teacher:
            t = spec.training
            teacher = Teacher(init_source(t.teacher, spec) or "", spec.classes, t.teacher_weight, t.teacher_skips)
            hard = ", ".join(spec.classes[i] for i in teacher.skipped_labels) or "no class"
            progress.info("train", f"distilling from {Path(t.teacher).name} (weight {t.teacher_weight:g}, hard "
                                   f"targets for {hard})")
        trained = train_members(spec, plan, maker, out, progress, cancel, max_epochs, teacher, validation,
                                init_source(spec.init_from, spec), request.resume)
    result = trained.result
    for path, reason in validation.failed + result.skipped:
        progress.warn("features", f"skipped {path}: {reason}")
    out.write_history(result.state.history)
    if result.cancelled:
        return _stopped(result.state, "", out, progress, cancel)
    if result.state.epochs_done == 0:
        raise WorkbenchError("No epoch was trained: nothing to convert.")

    from workbench.training.run.finish import finish_run

    representative = _representative(validation, spec.conversion.representative_samples, spec.training.seed)
    try:
        summary, model = finish_run(trained.spec, request, plan, validation, result, out, progress, representative,
                                    cancel)
    except RunStopped as stop:  # after the last epoch: --resume finishes from the best checkpoint
        return _stopped(result.state, f"during {stop.step}, ", out, progress, cancel)
    if trained.members:
        summary["ensemble_members"] = trained.members
    out.write_json(out.root / SUMMARY_FILE, summary)
    out.write_log(progress.log_lines)
    out.write_bytes(out.model_path, model.tflite)  # last: a folder with this file holds a finished run
    if request.mltk_zip:
        out.write_mltk_zip()
    progress.emit("done", "end", model=str(out.model_path), metrics=summary.get("evaluation"),
                  message=f"model written to {out.model_path}")
    return RunOutcome("done", out.root, out.model_path, summary)


def _stopped(state: TrainingState, during: str, out: OutputFolder, progress: Progress,
             cancel: CancelToken) -> RunOutcome:
    """A stopped run's last word (``during``: the finishing step it stopped in, or ""): its log and outcome."""
    best = (f"best checkpoint: epoch {state.best_epoch}" if state.epochs_done
            else "no epoch finished, so there is no checkpoint")
    message = (f"stopped {during}after {counted(state.epochs_done, 'epoch')} ({cancel.reason}); {best}. "
               f"{RESUME_HINT_START}{shlex.quote(str(out.root))}{RESUME_HINT_END}")
    progress.emit("cancelled", "end", message=message, epoch=state.epochs_done)
    out.write_log(progress.log_lines)
    return RunOutcome("cancelled", out.root)
