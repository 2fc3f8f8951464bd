"""What the window shows when a model is opened: its name everywhere, and whether it can stream.

Why a module: a model that loads but cannot run on the live stream (an MFCC input, two outputs, an image
model…) is still opened for inspection -- the Model and Profile workspaces describe any model, as
``kws info`` and ``kws profile`` do -- and then every stream control must say why it does nothing. Keeping
that in one place keeps :mod:`workbench.gui.window.main_window` about wiring, and makes opening a model
that can stream undo exactly what was done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError
from workbench.gui.session_controller import CANNOT_RUN_LIVE
from workbench.gui.window.stream_indicator_view import INSPECT_ONLY
from workbench.gui.window.window_menus import SAVE_PARAMETERS_TIP, SAVE_PRESET_TIP, START_TIP

TITLE = "KWS Workbench"


def live_notice(name: str, problem: str) -> str:
    """The one sentence that stands where the live plots are: why model ``name`` cannot stream (the
    controller's ``live_problem``), and where it shows."""
    return f"{name} {CANNOT_RUN_LIVE}, so only the Model and Profile workspaces show it: {problem}."


def shown_name(model: Any) -> str:
    """``model`` as the window names it, in its title and status bar: its file's name, then the name its parameters
    give when that differs (``kws_yes_no-calibrated.tflite (kws_yes_no)``).

    Why the file: a model and the copy Save into model… made of it carry the same name in their parameters, so that
    name alone said the same for both; the file is what the user opened and will open again."""
    path = getattr(model, "path", None)
    shown = Path(path).name if path is not None else model.name
    if path is not None and not shown.startswith(model.name + "."):  # kws_yes_no.tflite names kws_yes_no already
        shown += f" ({model.name})"
    return shown


def window_title(model: Any, inspect_reason: str | None = None) -> str:
    """The window's title for ``model``: :func:`shown_name`, and whether it is open for inspection only."""
    return f"{TITLE} — {shown_name(model)}" + (f" ({INSPECT_ONLY})" if inspect_reason else "")


def show_model(window: Any, model: Any) -> None:
    """Show ``model`` (just loaded by ``window.controller``) in the title, status bar, Model, Profile and Live."""
    name = model.name
    reason = window.controller.live_reason
    window.indicator.set_model(shown_name(model), reason, getattr(model, "path", None))
    window.setWindowTitle(window_title(model, reason))
    window.model_view.set_model(model, window.controller.tuning)
    try:  # a static graph walk: milliseconds
        window.profile_view.show_loaded_model(model)  # parsed once, at load: profiled without parsing it again
    except WorkbenchError as exc:
        window.show_status(f"cannot profile {name}: {exc}")
    problem = window.controller.live_problem
    window.live.show_notice(live_notice(name, problem) if problem is not None else None)
    window.start_action.setEnabled(reason is None)
    window.start_action.setToolTip(reason or START_TIP)
    window.source_panel.set_unavailable(reason)  # the Record action follows the panel's Record button
    window.tuning_panel.set_unavailable(reason)
    # the sliders are the last streamable model's, never tried on this one: saved into it they would pass for its own
    window.save_parameters_action.setEnabled(reason is None)
    window.save_parameters_action.setStatusTip(reason or SAVE_PARAMETERS_TIP)
    window.save_preset_action.setEnabled(reason is None)  # as Save parameters into model…, for the same reason
    window.save_preset_action.setStatusTip(reason or SAVE_PRESET_TIP)
