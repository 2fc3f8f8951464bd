"""The layout of a training run's output folder, shared by training, sweeps and the GUI.

Why one module: ``kws train`` writes the folder (:mod:`workbench.training.run.output_folder`, whose
docstring shows the whole layout; ``eval/`` holds :mod:`workbench.evaluation.report`'s files), a sweep reads
each trial's ``summary.json``
(:mod:`workbench.sweeps.on_ray.trial_runner`) and the Training workspace reads a run it did not start
(:mod:`workbench.gui.training.run_folder_state`, :mod:`workbench.gui.training.evaluation.evaluation_report_view`).
Spelled in each of them, a renamed file would leave one reader looking for the old name -- a finished run
the GUI calls new, a trial the sweep calls failed. The GUI may not import the training package (an
import-linter contract), so the names live here, in a module that imports only the standard library and the core's
errors: no Qt, no TensorFlow.

Why the reader of a run's JSON files (:func:`read_json_object`) is here too: ``kws evaluate --split validation``
(:mod:`workbench.cli.measure.run_validation`) and the Training workspace
(:mod:`workbench.gui.training.run_folder_state`) both read files of a run they did not write, which may be damaged or
half-copied; read by two copies of the code, the two drifted (one caught a file nested too deeply, the other did not).
The CLI says the reader's sentence; the window leaves its form as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError

# -- in the run folder ------------------------------------------------------------------------------
TRAIN_DIR = "train"  # the training's own files (below)
EVAL_DIR = "eval"  # the evaluation on the test split (below)
RUN_FILE = "run.json"  # datasets, seed, options and versions: its presence makes the folder a run
RUN_SPEC_KEY = "spec"  # run.json: the --spec the run was started with (a shipped name or a file path)
RUN_KEYWORDS_KEY = "keywords"  # run.json: its --keywords (null: the spec's own)
RUN_SETTINGS_KEY = "settings"  # run.json: its --set values, {path: value} ({}: none)
SPEC_FILE = "spec.toml"  # the fully resolved spec
PLAN_FILE = "plan.json"  # samples per split and class, which clips validate, skipped files
PLAN_SAMPLES_KEY = "samples"  # plan.json: split -> class -> samples (testing: clips)
# plan.json: every clip of the run's validation split, {"count": N, "sha256": ...} (sample_plan.clips_digest), which
# kws evaluate --split validation checks the clips it makes again by the run's rules against
PLAN_VALIDATION_KEY = "validation_clips"
PLAN_COUNT_KEY = "count"
PLAN_DIGEST_KEY = "sha256"
SUMMARY_FILE = "summary.json"  # the finished run's figures; written with the model, so it marks a finished run
SUMMARY_MODEL_KEY = "model"  # summary.json's name of the model file (beside summary.json)

# -- the model files: <stem> + suffix, the stem being the model's name made safe for a file name (the spec's name, with
# the run's keywords when they are not the spec's own: workbench.training.spec.keyword_names) -----------------------
MODEL_SUFFIX = ".tflite"  # the int8 model with its parameters (written last: its presence = finished)
FLOAT_MODEL_SUFFIX = ".float32.tflite"
KERAS_SUFFIX = ".keras"
H5_SUFFIX = ".h5"
MLTK_ZIP_SUFFIX = ".mltk.zip"  # with --mltk-zip: the run folder in one archive

# -- in TRAIN_DIR (or an ensemble member's folder in it) -------------------------------------------------
LOG_FILE = "log.txt"  # every session's lines
# how a stopped session's last line in LOG_FILE ends: the command that continues the run (the window says
# "Resume" instead, see workbench.gui.training.run_folder_state.run_log)
RESUME_HINT_START = "Continue with: kws train --out "
RESUME_HINT_END = " --resume"
STATE_FILE = "state.json"  # a checkpoint folder's state, saved after every epoch
CHECKPOINTS_DIR = "checkpoints"
HISTORY_NAME = "training-history"  # .json, .csv and .png
HISTORY_FILE = f"{HISTORY_NAME}.json"

# -- in EVAL_DIR: kws evaluate's report on the test split (the names kws evaluate --out gives its files)
EVAL_RESULTS_FILE = "eval-results.json"
EVAL_PREDICTIONS_FILE = "predictions.csv"  # every test clip with its scores (kws evaluate --clips takes it)
EVAL_PLOT_SUFFIXES = ("-roc.png", "-precision_vs_recall.png", "-confusion_matrix.png")  # after the model's name


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object in the run's file ``path`` (``run.json``, ``plan.json``, …); raises :class:`WorkbenchError`
    with one sentence when the file is missing or unreadable, is not JSON (cut short, not text, nested deeper than
    any file a run writes) or holds no object (a file of another kind under that name)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # (ValueError: not JSON, or not UTF-8 text)
        raise WorkbenchError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    except RecursionError:
        raise WorkbenchError(f"cannot read {path}: it is nested too deeply to be a file of a training run") from None
    if not isinstance(value, dict):
        raise WorkbenchError(f"{path} is no {path.name} of a training run")
    return value
