"""Reading a model for the live stream: the file, the detection parameters it runs with, and whether it can stream.

Why apart from :class:`~workbench.gui.session_controller.SessionController`: reading a model touches no
session -- it either fails (the file is gone, not a model, …: a ModelError whose ``reason`` names no path)
or gives a :class:`ModelLoad` the controller then adopts in one step (close the old session, re-bind the
views). Keeping the reading here keeps the controller about the stream's life cycle, and lets a model that
loads but cannot stream (an MFCC input, two outputs, an image model…) still be opened for inspection, with
the reason it cannot stream said once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError

CANNOT_RUN_LIVE = "cannot run on the live stream"

# detection parameters remembered for a model, or a function of the loaded model giving them (None: none)
SavedParams = dict[str, Any] | Callable[[Any], dict[str, Any] | None] | None


class ModelChangedOnDisk(WorkbenchError):
    """Saving into the loaded model's own file was refused: another tool rewrote the file since it was opened,
    and writing the parameters in use would undo that without a word (the window asks what to do)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path.name} changed on disk since it was opened (another tool rewrote it): nothing "
                         "saved, so those changes are kept. Reopen it, or save into another file.")
        self.path = path


@dataclass(frozen=True)
class ModelLoad:
    """A model read for the stream: what the controller adopts when it switches to it."""

    model: Any  # LoadedModel
    tuning: Any  # DetectionTuning the tuning panel edits (None: the model cannot stream)
    engine: Any  # Engine (None: the model cannot stream)
    settings: Any  # DetectionSettings in force
    problem: str | None  # why it cannot stream, its name dropped (None: it can)


def own_settings(model: Any) -> Any:
    """The detection parameters a model carries (the firmware's defaults where they are invalid): what the
    Board workspace writes into a model that is open for inspection only."""
    from workbench.core.detection.settings import DetectionSettings

    try:
        return DetectionSettings.from_params(model.params)
    except (WorkbenchError, ValueError, TypeError):
        return DetectionSettings()


def make_tuning(model: Any, defaults: Any, settings: Any) -> Any:
    """The model object the tuning panel edits (the controller connects it to the engine once adopted);
    ``defaults`` are the model's own parameters, parsed once by the caller."""
    from workbench.core.detection.tuning import DetectionTuning

    return DetectionTuning(defaults, current=settings, classes=model.classes)


def runnable(model: Any, saved_params: SavedParams) -> tuple[Any, Any]:
    """The tuning (remembered values when they still fit) and the engine for ``model``; WorkbenchError if
    it cannot run on the live stream."""
    from workbench.core.detection.settings import DetectionSettings
    from workbench.core.engine import Engine

    defaults = DetectionSettings.from_params(model.params)
    tuning = None
    if callable(saved_params):
        saved_params = saved_params(model)
    if saved_params:
        try:
            tuning = make_tuning(model, defaults, DetectionSettings.from_params({**model.params, **saved_params}))
        except (WorkbenchError, ValueError, TypeError):
            tuning = None
    tuning = tuning or make_tuning(model, defaults, defaults)
    return tuning, Engine(model, tuning.settings)


def read_model(path: str | Path, saved_params: SavedParams = None) -> ModelLoad:
    """Read ``path`` for the stream; WorkbenchError (a ModelError with its ``reason``) if it does not load.

    ``saved_params`` are detection parameters remembered for this model, or a function of the loaded model
    giving them (known only once it is read); if they no longer fit the model the model's own values are used.
    A model that loads but cannot stream comes back with ``problem`` set and no engine: it can be inspected.
    """
    from workbench.core.model.model_file import load_model

    model = load_model(Path(path))
    try:
        tuning, engine = runnable(model, saved_params)
    except WorkbenchError as exc:  # it loads, so it can be inspected; it cannot stream
        problem = str(exc).removeprefix(f"model {model.name}: ").rstrip(".")  # the sentences name it already
        return ModelLoad(model, None, None, own_settings(model), problem)
    return ModelLoad(model, tuning, engine, tuning.settings, None)


def save_tuned_model(model: Any, settings: Any, tuning: Any, path: str | Path,
                     overwrite_changes: bool = False) -> tuple[Path, Any]:
    """Write a copy of ``model`` carrying ``settings`` at ``path`` (``.tflite`` added; never a bundled model);
    the file written, and the model read again when that file is the model's own -- its values are then the
    ones in use, so ``tuning``'s model values follow and its values in force become them exactly (a gain as its
    float32) -- else None. WorkbenchError when it cannot be written; :class:`ModelChangedOnDisk` when ``path`` is
    the model's own file and another tool has rewritten it since it was loaded, unless ``overwrite_changes`` (the
    user chose to overwrite them)."""
    from dataclasses import replace

    from workbench.core.detection.tuning import save_settings_into_model
    from workbench.core.model.model_file import changed_on_disk, load_model, model_copy_path
    from workbench.output_guard import check_output_file, same_file

    target = model_copy_path(path)
    check_output_file(target, [], option=None)
    own = getattr(model, "path", None)
    is_own = own is not None and same_file(Path(own), target)
    if is_own and not overwrite_changes and changed_on_disk(model):
        raise ModelChangedOnDisk(target)
    saved = Path(save_settings_into_model(model, settings, target))
    if not is_own:
        return saved, None
    reloaded = replace(load_model(saved), name=model.name)
    if tuning is not None:  # the values as the file holds them (a gain as its float32), then in force as well
        from workbench.core.detection.settings import DetectionSettings

        tuning.replace_model_defaults(DetectionSettings.from_params(reloaded.params))
        tuning.reset_to_model()
    return saved, reloaded
