"""Whether the model a run starts from (``init_from``) answers the classes the run trains, output by output.

Why: weights are imported by position (:mod:`workbench.training.model.weights_import`), so the source's first
output becomes the run's first class whatever the two are called. A run that trains other keywords than the model
it starts from -- ``kws train --spec default --keywords go,stop``, the default starting from MLTK's yes/no model --
gets yes's weights as go's. Where ``trainable_classes`` then keeps those outputs as imported, go and stop can never
learn: the run trained for minutes into a model that never says them, and nothing said why. Such a run is refused
before it trains; one whose renamed outputs all learn is told where they start.

Only the outputs are compared: with ``init_layers`` the spec takes the first layers alone and puts a new head on
them (for other classes), and a Keras file (``.h5``, ``.keras``) stores no class names.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.errors import SettingsError, WorkbenchError
from workbench.training.spec.model_spec import ModelSpec

BUNDLED_PREFIX = "bundled:"  # init_from = "bundled:models/x.tflite": a model shipped with the workbench
REMEDY = ("train other keywords with a spec that starts from no model (tflite_micro_speech or ds_cnn_small, see "
          "kws specs), or train the keywords that model has")


def init_source(text: str | None, spec: ModelSpec) -> str | None:
    """The file ``init_from`` names: a bundled asset, a path relative to the spec file, or as given.

    Here, beside the check, and not in the run's pipeline: ``kws dataset info --spec`` makes the same check, and
    needs no more of the training than the spec and the model file's parameters."""
    if not text:
        return None
    if text.startswith(BUNDLED_PREFIX):
        from workbench.assets import asset_path

        try:
            return str(asset_path(text[len(BUNDLED_PREFIX):]))
        except FileNotFoundError as exc:
            raise WorkbenchError(f"init_from {text!r}: {exc}.") from None
    path = Path(text).expanduser()
    if not path.is_absolute() and not path.exists() and spec.source is not None:
        near = spec.source.parent / path
        if near.exists():
            return str(near)
    return str(path)


def source_classes(path: str | Path) -> tuple[str, ...]:
    """The class names stored in the model at ``path``, in output order; () when it stores none or cannot be read
    (the import then says what is wrong with the file)."""
    from workbench.core.model.model_file import ARCHIVE_SUFFIX, TFLITE_SUFFIX, load_model

    if not str(path).lower().endswith((TFLITE_SUFFIX, ARCHIVE_SUFFIX)):  # (a Keras file stores no class names)
        return ()
    try:
        model = load_model(path)
    except WorkbenchError:
        return ()
    return model.classes if model.params.get("classes") else ()


def renamed_outputs(source: tuple[str, ...], classes: tuple[str, ...]) -> list[tuple[str, str]]:
    """(the run's class, the source's class) for each imported output whose names differ."""
    return [(mine, theirs) for mine, theirs in zip(classes, source) if mine != theirs]


def _pairs(renamed: list[tuple[str, str]]) -> str:
    return ", ".join(f"{mine} as its {theirs}" for mine, theirs in renamed)


def check_init_classes(path: str | Path | None, spec: ModelSpec) -> str | None:
    """Refuse (:class:`SettingsError`) a run whose renamed outputs ``trainable_classes`` would keep as imported;
    return a warning when outputs are renamed but all learn; None when the names agree or cannot be compared."""
    if not path or spec.training.init_layers is not None:
        return None
    source = source_classes(path)
    renamed = renamed_outputs(source, spec.classes) if source else []
    if not renamed:
        return None
    name = Path(path).name
    trainable = spec.training.trainable_classes
    kept = [(mine, theirs) for mine, theirs in renamed if trainable and mine not in trainable]
    if kept:
        never = " and ".join(mine for mine, _ in kept)
        raise SettingsError(
            f"the run starts from {name}, whose outputs are {', '.join(source)}, and trains "
            f"{', '.join(spec.classes)}: outputs are taken by position and trainable_classes "
            f"({', '.join(trainable)}) keeps {_pairs(kept)}, so {never} could never learn; {REMEDY}.")
    return (f"warning: the run starts from {name}, whose outputs are {', '.join(source)}: outputs are taken by "
            f"position, so these start as its other outputs and learn from there: {_pairs(renamed)}.")
