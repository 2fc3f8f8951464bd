"""The Training form's words: its rows' names, its fields' tooltips and placeholders, and the sentences it says.

Why a module of their own: each tooltip names the ``kws train`` option its field sets (the row's name shows the
same tooltip), so they grew as the form was audited, and beside the widgets' wiring they had outgrown it. Here
they read as the user reads them, and a change of wording touches no code.
"""

from __future__ import annotations

from collections.abc import Mapping

# -- the rows' names ----------------------------------------------------------------------------
SPEC_ROW = "Spec"
KEYWORDS_ROW = "Keywords"
SETTINGS_ROW = "Settings"
EPOCHS_ROW = "Epochs (max)"
SEED_ROW = "Seed"
WORKERS_ROW = "Feature workers"
INIT_FROM_ROW = "Start from"  # also its field's name: in a row with its button, it is not the label's buddy
OUT_ROW = "Output folder"  # likewise

# -- the fields -----------------------------------------------------------------------------------
SPEC_TIP = "Model spec: layers and training settings (see `kws specs`)"
KEYWORDS_TIP = "Comma-separated keywords; _unknown_ and _silence_ are added"
EPOCHS_AUTO = "spec's (early stopping)"
EPOCHS_TIP = ("The most epochs the training runs (kws train --epochs); early stopping usually ends it sooner. "
              "The spec's: its own maximum")
SEED_AUTO = "spec's"
SEED_TIP = ("Random seed (kws train --seed): the same data and seed give the same run, figure for figure; another "
            "seed shows how much a result owes to chance")
WORKERS_AUTO = "one per CPU"
WORKERS_TIP = "Processes that compute the training spectrograms (kws train --workers); fewer use less memory"
INIT_FROM_PLACEHOLDER = "random weights (or the spec's)"
INIT_FROM_TIP = ("Start from this model's weights (kws train --init-from): a .h5, .keras, .mltk.zip or .tflite of "
                 "the same spec, or a bundled model's name")
OUT_PLACEHOLDER = "folder for the model, logs and checkpoints"
OUT_TIP = ("Where the run writes the model, its logs and checkpoints (kws train --out); a folder that holds a run "
           "shows it, and a stopped one can be resumed")
MLTK_ZIP_LABEL = "also write an MLTK .mltk.zip"
MLTK_ZIP_TIP = "Also package the trained model as an MLTK model archive (.mltk.zip) in the output folder"

# -- the buttons and the settings summary ---------------------------------------------------------
BROWSE_LABEL = "…"
INIT_BUTTON_NAME = "Browse for the model to start from"
INIT_BUTTON_TIP = "Choose a trained model whose weights the training starts from"
INIT_DIALOG_TITLE = "Start from this model's weights"
MODEL_FILTER = "Models (*.tflite *.h5 *.keras *.zip);;All files (*)"
OUT_BUTTON_NAME = "Browse for the output folder"
OUT_BUTTON_TIP = "Choose the folder for the model, logs and checkpoints"
OUT_DIALOG_TITLE = "Output folder for the training run"
SETTINGS_SUMMARY_NAME = "Spec settings changed for this run"
SETTINGS_BUTTON_LABEL = "Change…"
SETTINGS_BUTTON_NAME = "Change the spec's settings"
SETTINGS_BUTTON_TIP = ("Change the chosen spec's training, augmentation and other settings for this run "
                       "(kws train --set), without writing a spec file")
SPEC_OWN_SETTINGS = "the spec's own"
NO_SETTINGS_CHANGED_TIP = "The spec's own settings: none changed"
KEYWORDS_NOTE = "it is the form's Keywords field, and a change here changes that field"

# -- what the form says ---------------------------------------------------------------------------
NO_KEYWORDS = ("\u201cKeywords\u201d is empty: list at least one keyword, comma-separated (the spec's own are "
               "{spec}).")
NO_OUT_FOLDER = "Choose an output folder for the training run."
RESUME_KEEPS = ("The output folder holds a stopped run: Resume keeps its spec, keywords, settings, seed, starting "
                "weights and datasets (only the epochs, the feature workers and the MLTK archive may change). "
                "Choose another output folder to train with others.")


def settings_summary(changes: Mapping[str, str]) -> str:
    """One line for the changed settings: "the spec's own", or "2 changed: augmentation.mask_share = 0.5, …"."""
    if not changes:
        return SPEC_OWN_SETTINGS
    return f"{len(changes)} changed: " + ", ".join(f"{path} = {text}" for path, text in changes.items())
