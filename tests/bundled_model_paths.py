"""The bundled model a test means when it needs "a yes/no model", named rather than taken as the default.

Why: many tests check the engine, the CLI or a view with a small 4-class model and then assert that model's own
figures (its classes, thresholds, MACs). Reaching it through ``default_model_path()`` ties them to whichever model
is the default, so changing the default would break tests that are not about the default at all.
"""

from __future__ import annotations

from pathlib import Path

from workbench.assets import asset_path

YES_NO_MODEL = "kws_yes_no"  # 4 classes (yes, no, _unknown_, _silence_), trained by the workbench
# found as the default is (workbench.assets), not by bundled_model_file: tests of bare names compare against it
YES_NO_MODEL_FILE = f"models/{YES_NO_MODEL}.tflite"


def yes_no_model_path() -> Path:
    """The bundled ``kws_yes_no.tflite`` (raises when the bundle lacks it: a test must not silently use another)."""
    return asset_path(YES_NO_MODEL_FILE)
