"""The keys under which the window remembers a model's tuned detection parameters, and what an entry says.

Why a module of its own: which model a remembered tuning belongs to is a question of model identity (the file,
the network without its parameters, the whole file's hash of older versions), not of where settings are stored;
:mod:`workbench.gui.settings.app_settings` and :mod:`workbench.gui.settings.legacy_settings` both ask it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.core.model.model_file import LoadedModel


def tuning_key(model: "LoadedModel") -> str:
    """The key of a model's remembered tuning: its file (resolved path) together with the model without its
    parameters (``LoadedModel.identity``).

    Why both: a params-only rewrite of the same file (``kws params --in-place``) keeps the tuning, else its unsaved
    values would be lost on reopening; a file retrained or re-exported in place is another model, for which the
    old values would be stale; and a copy elsewhere with the same network (``kws params A … -o B``) is another
    file with its own values, which must not silently take A's tuning. (A model without a path: its identity.)
    A file moved or renamed finds its tuning by :func:`network_key` and the old place being gone.
    """
    if model.path is None:
        return network_key(model)
    text = f"{network_key(model)}\n{Path(model.path).resolve()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def network_key(model: "LoadedModel") -> str:
    """A hash of the model without its parameters (the whole file's hash where that is not computed): stored
    beside each tuning so that a file moved elsewhere is recognised as the one tuned
    (:meth:`~workbench.gui.settings.app_settings.AppSettings._follow_moved_file`)."""
    return model.identity or file_key(model)


def file_key(model: "LoadedModel") -> str:
    """The key older versions remembered a tuning under: a hash of the whole file (looked up when the
    model's own key has none, so a tuning kept before the key changed is not lost)."""
    return model.digest


def tuning_content(entry: dict[str, Any] | None) -> str:
    """What a tuning entry says about the values (tuned values, the file's values they were tuned from, a moved
    file's old place) as text to compare; "" for no entry. Its name and place follow from its key."""
    if entry is None:
        return ""
    return json.dumps([entry.get("params"), entry.get("from"), entry.get("moved_from")], sort_keys=True)
