"""After the last epoch: convert, choose the threshold, label the model, evaluate it on the test split.

Why the test split only here: it must never influence training or model selection (checkpoints and
the threshold use validation data), so its figures say how the model does on speakers it never
heard. The evaluation runs through :func:`workbench.evaluation.evaluate.evaluate_model` -- the frontend
+ LiteRT int8 path that ``kws evaluate`` and the GUI use -- and its report goes to ``OUT/eval``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from workbench.core.model.inference import FEATURES_DTYPE_KEY, ModelRunner
from workbench.core.model.model_file import LoadedModel
from workbench.datasets.layout import ClipEntry
from workbench.run_folder_layout import SUMMARY_MODEL_KEY
from workbench.training.data.features import FeatureBatch
from workbench.training.data.sample_plan import SamplePlan
from workbench.training.model.conversion import to_tflite
from workbench.training.model.keras_builder import keras
from workbench.training.model.model_metadata import detection_settings, labelled_model
from workbench.training.model.range_equalization import equalize_activation_ranges
from workbench.training.run.cancel import CancelToken, RunStopped
from workbench.training.run.keras_files import keras_archive, legacy_h5
from workbench.training.run.output_folder import OutputFolder
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import TrainRequest
from workbench.training.run.threshold_selection import choose_threshold
from workbench.training.run.trainer import TrainingResult
from workbench.training.spec.model_spec import ModelSpec

AGREEMENT_SAMPLES = 1000
EQUALIZATION_NOTE_BELOW = 0.5  # report the equalisation when a channel had to shrink this much


def _save_keras(model: keras.Model, out: OutputFolder) -> None:
    """The float Keras model as ``.keras`` and (for MLTK tools) ``.h5``, each serialised in memory and
    written atomically: a full disk is one sentence naming the file, with no temporary file left
    (:mod:`.keras_files` says why not ``model.save``)."""
    out.write_bytes(out.keras_path, keras_archive(model))
    out.write_bytes(out.h5_path, legacy_h5(model))


def _agreement(model: keras.Model, tflite: bytes, features: np.ndarray) -> tuple[float, float]:
    """(float accuracy-agreement: share of samples where int8 and float pick the same class, max |p| diff)."""
    sample = features[:AGREEMENT_SAMPLES]
    if not len(sample):
        return 1.0, 0.0
    floats = model.predict(sample[..., None].astype(np.float32), verbose=0)
    runner = ModelRunner(tflite)
    ints = np.stack([runner.probabilities(x) for x in sample])
    return float(np.mean(floats.argmax(1) == ints.argmax(1))), float(np.abs(floats - ints).max())


def _threshold(spec: ModelSpec, int8: bytes, plan: SamplePlan, progress: Progress,
               cancel: CancelToken) -> tuple[int, dict[str, Any]]:
    fixed = spec.detection.detection_threshold
    if fixed is not None:
        return fixed, {"source": "spec"}
    progress.emit("threshold", "start", message="choosing the detection threshold on validation clips")
    clips = [(s.path, plan.classes[s.label]) for s in plan.validation if s.path is not None]
    provisional = labelled_model(spec, int8, detection_settings(spec, 0))
    choice = choose_threshold(provisional, clips, detection_settings(spec, 0), cancel=cancel,
                              progress=lambda d, t: progress.emit("threshold", "progress", done=d, total=t))
    rates = ", ".join(f"{k} {v:.3f}" for k, v in choice.per_class.items())
    progress.info("threshold", f"detection_threshold {choice.threshold} (validation clips through the live "
                               f"detector: balanced {choice.balanced_rate:.3f}; {rates})")
    return choice.threshold, {"source": "validation", "balanced_rate": choice.balanced_rate,
                              "per_class": choice.per_class, "candidates": choice.table}


def _evaluate(model: LoadedModel, clips: list[ClipEntry], split: str, out: OutputFolder | None,
              progress: Progress, cancel: CancelToken | None = None) -> dict[str, Any] | None:
    """``clips`` through the evaluation package (report into ``out/eval`` when given); None without clips.

    A stop (``cancel``) raises :class:`~.cancel.RunStopped`, also once every clip is scored: the report is
    written only when the run goes on to write its model."""
    if not clips:
        progress.info("evaluate", f"no {split} clips: evaluation skipped")
        return None
    from workbench.evaluation.clip_scores import EvaluationCancelled
    from workbench.evaluation.evaluate import evaluate_model
    from workbench.evaluation.report import write_report

    step = f"the evaluation on the {split} split"
    progress.emit("evaluate", "start", message=f"evaluating on {len(clips)} {split} clips")
    try:
        result = evaluate_model(model, clips, description=f"{split} split", cancel=cancel,
                                progress=lambda d, t: progress.emit("evaluate", "progress", done=d, total=t))
    except EvaluationCancelled:
        raise RunStopped(step) from None
    if cancel is not None:
        cancel.check(step)
    if out is not None:
        notes: list[str] = []  # PNGs matplotlib could not draw: the run's figures are kept all the same
        with out.writing():  # OUT/eval alone is made: never an OUT deleted while the clips were scored
            write_report(result, out.eval_dir, notes=notes, parents=False)
        for note in notes:
            progress.info("evaluate", note)
    metrics = result.metrics
    figures = {"overall_accuracy": metrics.overall_accuracy, "balanced_accuracy": metrics.balanced_accuracy,
               "class_accuracies": dict(zip(result.classes, metrics.reported_accuracies())),  # None: no clips
               "roc_auc_avg": metrics.roc_auc_avg, "roc_auc_exact_avg": metrics.roc_auc_exact_avg,
               "folded_into_unknown": list(result.folded), "clips": len(result.paths),
               "skipped": [[str(p), r] for p, r in result.skipped]}
    for path, reason in result.skipped:
        progress.warn("evaluate", f"skipped {path}: {reason}")
    accuracies = ", ".join(f"{k} {'n/a' if v is None else f'{v:.3f}'}" for k, v in figures["class_accuracies"].items())
    progress.info("evaluate", f"{split} split: balanced accuracy {metrics.balanced_accuracy:.3f}, overall "
                              f"{metrics.overall_accuracy:.3f} ({accuracies})")
    if result.folding_note:  # the figures above count these classes as _unknown_
        progress.info("evaluate", result.folding_note)
    return figures


def _between_steps(out: OutputFolder, cancel: CancelToken, step: str) -> None:
    """A folder gone ends the run (it is said first: a stopped run's --resume would name a folder that is not
    there), then a stop request does."""
    out.check()
    cancel.check(step)


def finish_run(spec: ModelSpec, request: TrainRequest, plan: SamplePlan, validation: FeatureBatch,
               result: TrainingResult, out: OutputFolder, progress: Progress,
               representative: np.ndarray, cancel: CancelToken) -> tuple[dict[str, Any], LoadedModel]:
    """Everything after training; returns the summary and the labelled int8 model (not yet written).

    ``summary["skipped"]`` lists every clip that could not be read: in training, validation or test.
    A stop is honoured between the steps (and between clips) up to the writing, which comes last and is
    not interrupted: :class:`~.cancel.RunStopped` then leaves the folder as the last epoch left it. Between the
    steps the folder is checked too (:meth:`~.output_folder.OutputFolder.check`): one deleted meanwhile ends the
    run there, not after minutes of work nothing can be written for.
    """
    progress.emit("convert", "start", message=f"converting the best checkpoint (epoch {result.state.best_epoch}) "
                                              "to int8 and float32 .tflite")
    factors = equalize_activation_ranges(result.model, representative)  # same function, better int8
    if factors is not None and float(factors.min()) < EQUALIZATION_NOTE_BELOW:
        progress.info("convert", f"channel ranges before the dense layer equalised (factors "
                                 f"{float(factors.min()):.3g}..{float(factors.max()):.3g}) for int8")
    conversion = "the conversion"
    _between_steps(out, cancel, conversion)
    float_tflite = to_tflite(result.model)
    _between_steps(out, cancel, conversion)
    int8 = to_tflite(result.model, representative)
    _between_steps(out, cancel, conversion)
    agreement, max_diff = _agreement(result.model, int8, validation.features)
    progress.info("convert", f"int8 and float pick the same class on {agreement:.2%} of validation samples")
    threshold, threshold_info = _threshold(spec, int8, plan, progress, cancel)
    detection = detection_settings(spec, threshold)
    model = labelled_model(spec, int8, detection)
    out.check()
    validation_figures = _evaluate(model, plan.validation_clips, "validation", None, progress, cancel)
    out.check()
    # the last stop point before writing: once the test clips are scored (before their report), or here
    evaluation = _evaluate(model, plan.testing, "testing", out, progress, cancel) if request.evaluate else None
    if not request.evaluate:
        cancel.check("the validation evaluation")
    progress.emit("write", "start", message=f"writing {out.root}")
    _save_keras(result.model, out)
    float_twin = labelled_model(spec, float_tflite, detection, extra={FEATURES_DTYPE_KEY: "int8"})
    out.write_bytes(out.float_model_path, float_twin.tflite)
    state = result.state
    summary = {
        "name": spec.name, SUMMARY_MODEL_KEY: out.model_path.name, "classes": list(spec.classes), "macs": spec.macs,
        "flash_bytes": len(model.tflite), "runtime_memory_size": model.params.get("runtime_memory_size"),
        "epochs": state.epochs_done, "best_epoch": state.best_epoch, "stop_reason": state.stop_reason,
        "best": {spec.training.checkpoint_monitor: state.best_value}, "training_wall_time_s": state.wall_time_s,
        "detection_threshold": threshold, "threshold_selection": threshold_info,
        "int8_float_agreement": agreement, "int8_float_max_probability_difference": max_diff,
        "samples": {split: plan.counts(split) for split in ("training", "validation", "testing")},
        "skipped": [[str(p), r] for p, r in validation.failed + result.skipped]
        + [s for figures in (validation_figures, evaluation) if figures for s in figures["skipped"]],
        "evaluation": evaluation,
        "validation_evaluation": validation_figures,
        "parameters": {k: v for k, v in model.params.items() if k not in ("hash", "date")},
    }
    return summary, model
