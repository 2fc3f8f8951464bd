"""The tuned detection values the first versions of the workbench remembered, moved into today's per-model list.

Why: the first versions remembered the tuning of one model only, in two keys -- ``detection/model`` (the file's
resolved path) and ``detection/params`` (every detection setting, as JSON) -- and laid those values over whatever
file was at that path. Later versions keep a list with one entry per model (``AppSettings``' ``detection/tuned``)
and only deleted the two keys, so the values a user had tuned were lost without a word at the first start after
the upgrade.

The entry is moved in the shape the second version gave its entries: every setting, under a hash of the whole file
(``tuning_keys.file_key``). The first versions took the file at that path to be the one tuned, so its values now
are the base the tuned ones differ from, as for any entry of that shape (``AppSettings._remembered``); the file's
network and place go with it, so that a file moved since still finds its tuning. The two keys are removed only once
the entry is in the list; while the file is missing (on a drive not mounted now) they are kept for a later start,
as no entry could be keyed to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import load_model
from workbench.gui.settings.recent_json_list import stored_json_list
from workbench.gui.settings.stored_values import stored_text

LEGACY_MODEL = "detection/model"  # the first versions' tuned model file (its resolved path)
LEGACY_PARAMS = "detection/params"  # every detection setting it was tuned to (JSON)
LEGACY_DETECTION_KEYS = (LEGACY_MODEL, LEGACY_PARAMS)


def migrate_legacy_tuning(qsettings: QSettings, tuned_key: str) -> None:
    """Move the first versions' tuning, if the settings hold one, into the list under ``tuned_key``, then remove
    its keys.

    It goes last in the list (most recent first): it is older than any entry there. An entry already there for the
    same file is kept as it is (another window moved it first, or the second version tuned the file since). Written
    at once, so that another window reads the list with the entry in it.
    """
    if not any(qsettings.contains(key) for key in LEGACY_DETECTION_KEYS):
        return
    place = stored_text(qsettings, LEGACY_MODEL)
    if place and not Path(place).is_file():
        return  # kept for a later start: the file may be back then
    entry = legacy_entry(Path(place), stored_text(qsettings, LEGACY_PARAMS)) if place else None
    if entry is not None:
        entries = stored_json_list(qsettings, tuned_key)  # items of other shapes kept: reading it skips them
        if not any(isinstance(item, dict) and item.get("model") == entry["model"] for item in entries):
            qsettings.setValue(tuned_key, json.dumps([*entries, entry]))
    for key in LEGACY_DETECTION_KEYS:
        qsettings.remove(key)
    qsettings.sync()


def legacy_entry(path: Path, params_text: str) -> dict[str, Any] | None:
    """The tuning list's entry for the first versions' values ``params_text`` (JSON) of the model file ``path``;
    None when the text holds no values or the file is no model (nothing could ever take them)."""
    try:
        params = json.loads(params_text)
    except json.JSONDecodeError:
        return None
    if not isinstance(params, dict) or not params:
        return None
    try:
        model = load_model(path)
    except (WorkbenchError, OSError):
        return None
    # digest: the whole file's hash (tuning_keys.file_key); network_digest: tuning_keys.network_key
    return {"model": model.digest, "network": model.network_digest, "path": str(path.resolve()),
            "name": model.name, "params": params}
