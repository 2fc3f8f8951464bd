"""What File ▸ Export for firmware (C header)… remembers of a model's last export, between runs: its array name and
its header file, by the model's name (the window's settings, ``firmware/exports``).

Why: firmware code refers to the array by its name (``g_model``) and includes the header from its own source folder;
a retrained model exported again must get the same name in the same place, or the firmware no longer builds. Why by
the model's name (its file's, without ``.tflite`` or ``.mltk.zip``: :func:`workbench.firmware_header.model_file_name`)
and not by its path or for every model: ``kws train`` names the model after its spec, so a retrained model has the
same name in whichever run folder it lands, while its path changes with the folder; and a name remembered for every
model would give a second model the first one's array, and two headers of one array name do not build into one
firmware. Why a header that was written beside its model is remembered as such: the retrained model's header then
goes beside the new model, not into the old run folder. Only a header written is remembered: a refused or cancelled
export was no choice to repeat. A remembered name the export would refuse (a hand-edited settings file) or a header
whose folder is gone is not offered; the model's defaults are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from workbench.bundled_models import copy_beside
from workbench.core.model.c_array import array_name_refusal
from workbench.firmware_header import model_file_name
from workbench.gui.model.firmware_export_dialog import FirmwareExportChoice, default_choice
from workbench.gui.settings.recent_json_list import RecentJsonList

SETTINGS_KEY = "firmware/exports"  # JSON list, most recent first: {"model", "array", "header", "beside_model"}
MAX_REMEMBERED_MODELS = 32  # models whose last export is remembered; the least recent is forgotten


def _is_export_entry(item: Any) -> bool:
    """An entry of the list's shape; anything else (a hand-edited file) is left out."""
    return (isinstance(item, dict) and all(isinstance(item.get(key), str) for key in ("model", "array", "header"))
            and isinstance(item.get("beside_model"), bool))


class FirmwareExportMemory:
    """The last export of each model (at most :data:`MAX_REMEMBERED_MODELS`), kept in ``qsettings``."""

    def __init__(self, qsettings: QSettings) -> None:
        self._exports = RecentJsonList(qsettings, SETTINGS_KEY, MAX_REMEMBERED_MODELS, _is_export_entry)

    def choice_for(self, source: Path) -> FirmwareExportChoice:
        """What the dialog offers for the model read from ``source``: the header file and array name of its last
        export (module docstring), else :func:`default_choice`."""
        default = default_choice(source)
        model = model_file_name(source)
        # read again: another window's export since this one last read the file
        entry = next((item for item in self._exports.entries() if item["model"] == model), None)
        if entry is None:
            return default
        name = entry["array"] if array_name_refusal(entry["array"]) is None else default.array_name
        header = Path(entry["header"])
        if entry["beside_model"]:
            header = copy_beside(source, header.name)
        elif not header.parent.is_dir():
            header = default.header
        return FirmwareExportChoice(header, name)

    def keep(self, source: Path, written: FirmwareExportChoice) -> None:
        """Remember the header just ``written`` for the model read from ``source`` (it becomes the most recent).

        Why the list is read again first: another window may have remembered another model's export meanwhile;
        only this model's entry is this window's to replace. Written at once, so that another window's next
        export of the model has it."""
        model = model_file_name(source)
        header = written.header.resolve()
        entry = {"model": model, "array": written.array_name, "header": str(header),
                 "beside_model": copy_beside(source, header.name).resolve() == header}
        self._exports.put_first(entry, same=lambda item: item["model"] == model)
