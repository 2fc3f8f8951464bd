"""What the workbench remembers between runs (QSettings): window, model, device, parameters, recent files.

Why a module: the keys and their types are in one place, and everything read back is checked, so
a hand-edited or stale settings file can never stop the window from opening (a bad value is ignored).
Tests point QSettings at a temporary directory (``QSettings.setPath``) before creating the window.

Why a window writes only what it changed: several windows (processes) share the one file, and QSettings writes
every key set in a process over the file's. A value written only because the window holds it -- its geometry at
close, the per-model tuning list as it read it at start -- would undo what another window chose meanwhile. So
window state is written only when it differs from this window's copy (:meth:`AppSettings._write`), and the tuning
list is read again from the file and only this window's entries are changed in it, as the Recent list is
(:class:`~workbench.gui.settings.recent_json_list.RecentJsonList`).
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings

from workbench.core.audio.devices import DeviceIdentity
from workbench.core.detection.settings import THRESHOLD_LIST_KEY
from workbench.gui.settings.legacy_settings import migrate_legacy_tuning
from workbench.gui.settings.recent_json_list import RecentJsonList
from workbench.gui.settings.stored_values import stored_text
from workbench.gui.settings.tuning_keys import file_key, network_key, tuning_content, tuning_key

if TYPE_CHECKING:
    from workbench.core.detection.tuned_values import RememberedValues
    from workbench.core.detection.tuning import DetectionTuning
    from workbench.core.model.model_file import LoadedModel

ORGANIZATION = "KWS Workbench"
APPLICATION = "KWS Workbench"
MAX_RECENT = 8

GEOMETRY = "window/geometry"
WORKSPACE = "window/workspace"
DARK = "view/dark"
MODEL = "model/last"
DEVICE = "source/device"  # the microphone's name (the first versions: its name, or its PortAudio number)
DEVICE_HOST_API = "source/device_host_api"  # ... and its host API: with the name, its DeviceIdentity
RECENT = "files/recent"
CLIPS_FOLDER = "recording/folder"
CLIP_LABEL = "recording/label"
CLIP_SPEAKER = "recording/speaker"
# JSON list, most recent first: {"model": tuning_key, "network": network_key, "path": the resolved file, "name",
# "params": the tuned values, "from": the file's values}
TUNED = "detection/tuned"  # the first versions' one model's values are moved into it (legacy_settings)
MAX_TUNED_MODELS = 32  # models whose tuned detection parameters are remembered; the least recent is forgotten
STARTED = "app/started"  # written at start-up: proves the settings file can be saved
SYNCED = "app/synced"  # a token each check writes and reads back (AppSettings.sync_problem)
FOLDER_PREFIX = "folders/"  # + a file dialog's kind: the folder it last chose in
MODEL_FOLDER, AUDIO_FOLDER, LOG_FOLDER = "model", "audio", "log"
_NO_COPY = object()  # a key this window has neither read nor written


def _is_path_text(item: Any) -> bool:
    """An entry of the Recent list: a file's path."""
    return isinstance(item, str)


def _is_tuning_entry(item: Any) -> bool:
    """An entry of the tuning list: its model's key and tuned values (the rest is read where it is used)."""
    return isinstance(item, dict) and isinstance(item.get("model"), str) and isinstance(item.get("params"), dict)


class AppSettings:
    """Typed access to the workbench's QSettings."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.qsettings = settings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                               ORGANIZATION, APPLICATION)
        self._copies: dict[str, object] = {}  # window state: the value this window last read or wrote, by key
        self._tunings: dict[str, str] = {}  # tuning key: the entry's content as this window opened or wrote it
        self._recent = RecentJsonList(self.qsettings, RECENT, MAX_RECENT, _is_path_text)
        # the first versions' tuning is moved in at the first read (as a model opens: it may be the one moved)
        self._tuned = RecentJsonList(self.qsettings, TUNED, MAX_TUNED_MODELS, _is_tuning_entry,
                                     before_read=partial(migrate_legacy_tuning, self.qsettings, TUNED))

    def save_problem(self) -> str | None:
        """One sentence when the settings file cannot be written (a read-only or full config folder), else None.

        Why at start-up: QSettings fails silently, so every choice made in the session (model, tuning, folders,
        layout) would be lost at exit without a word.
        """
        self.qsettings.setValue(STARTED, datetime.now(timezone.utc).isoformat(timespec="seconds"))
        problem = self.sync_problem()
        return None if problem is None else f"{problem}: what you choose in this session is forgotten when the " \
                                            "window closes."

    def sync_problem(self) -> str | None:
        """Write the settings file now; the start of a sentence saying it cannot be written, or None when it was.

        Why the file is read back: QSettings keeps its first error for good, so once a full disk failed one write
        its status would say so after space was freed and the next write succeeded. A token written with this
        sync and found in the file on disk is what proves the write."""
        token = str(time.time_ns())
        self.qsettings.setValue(SYNCED, token)
        self.qsettings.sync()
        if self.qsettings.status() == QSettings.Status.NoError:
            return None
        try:  # read off the disk: QSettings objects of one file share what was set, written or not
            if token in Path(self.qsettings.fileName()).read_text(encoding="utf-8", errors="replace"):
                return None  # an earlier write failed; this one did not
        except OSError:
            pass
        return f"Settings cannot be saved in {self.qsettings.fileName()} (the folder is read-only or full)"

    def _str(self, key: str) -> str:
        return stored_text(self.qsettings, key)

    def _read(self, key: str) -> str:
        """The text of window state ``key``, kept as this window's copy (:meth:`_write`)."""
        self._copies[key] = text = self._str(key)
        return text

    def _write(self, key: str, value: object) -> None:
        """Set window state ``key`` to ``value``, unless that is this window's copy (what it last read or wrote).

        Why: a value the window only holds, unchanged since it read it, is no choice of this window; written (at
        close), it would replace the value another window chose meanwhile.
        """
        if self._copies.get(key, _NO_COPY) == value:
            return
        self.qsettings.setValue(key, value)
        self._copies[key] = value

    # -- window ---------------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self.qsettings.value(GEOMETRY)
        geometry = value if isinstance(value, QByteArray) else None
        self._copies[GEOMETRY] = geometry
        return geometry

    def save_geometry(self, geometry: QByteArray) -> None:
        """Keep the window's geometry; one unchanged since it was restored is left out (:meth:`_write`)."""
        self._write(GEOMETRY, geometry)

    def workspace(self) -> str:
        """The workspace that was in front when the window closed (dock layouts: WorkspaceLayouts)."""
        return self._read(WORKSPACE)

    def set_workspace(self, key: str) -> None:
        self._write(WORKSPACE, key)

    def dark(self) -> bool:
        return self._read(DARK) != "false"

    def set_dark(self, dark: bool) -> None:
        self._write(DARK, "true" if dark else "false")

    # -- model and source -------------------------------------------------------------------------
    def last_model(self) -> Path | None:
        path = Path(self._str(MODEL)) if self._str(MODEL) else None
        return path if path is not None and path.is_file() else None

    def set_last_model(self, path: Path) -> None:
        self.qsettings.setValue(MODEL, str(Path(path).resolve()))  # the next start may be from another folder

    def missing_last_model(self) -> Path | None:
        """The last model used when its file is gone (deleted, moved, on an unmounted drive), else None.

        Why: start-up then opens the bundled model instead, and the user must be told which one is missing.
        """
        text = self._str(MODEL)
        return Path(text) if text and not Path(text).is_file() else None

    def device(self) -> int | str | DeviceIdentity | None:
        """The microphone used last, by its identity (:func:`~workbench.core.audio.devices.find_identity`); by name or
        number as earlier versions kept it; None: the default input. Why not the name alone: Windows lists a microphone
        once per host API under one name (the first was opened), and a USB one re-plugged under other ALSA card
        numbers was not found (the default input was used, without a word)."""
        text, host_api = self._read(DEVICE), self._read(DEVICE_HOST_API)
        if not text:
            return None
        if host_api:
            return DeviceIdentity(text, host_api)
        return int(text) if text.isdigit() else text

    def set_device(self, device: int | str | DeviceIdentity | None) -> None:
        """Keep the microphone that streamed (:class:`~workbench.gui.stream.saved_microphone.SavedMicrophone`), by its
        identity; one unchanged since it was read is left out (:meth:`_write`), its name and host API together."""
        if isinstance(device, DeviceIdentity):
            name, host_api = device.name, device.host_api
        else:
            name, host_api = "" if device is None else str(device), ""
        if (self._copies.get(DEVICE, _NO_COPY), self._copies.get(DEVICE_HOST_API, "")) == (name, host_api):
            return
        for key, value in ((DEVICE, name), (DEVICE_HOST_API, host_api)):
            self.qsettings.setValue(key, value)
            self._copies[key] = value

    # -- recent files ----------------------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        return [Path(p) for p in self._recent.held_entries() if Path(p).exists()][:MAX_RECENT]

    def add_recent(self, path: Path) -> list[Path]:
        """Put ``path`` first in the list as stored now (another window's additions are kept); files gone since
        leave it. Returns the list."""
        resolved = path.resolve()

        def added(items: list[str]) -> list[str]:
            return [str(resolved), *(p for p in items if Path(p).exists() and Path(p).resolve() != resolved)]

        return [Path(p) for p in self._recent.merge(added)]

    def remove_recent(self, path: Path) -> list[Path]:
        """Forget ``path`` (e.g. it was deleted); returns the remaining list."""
        self._recent.remove(lambda p: Path(p) in (path, path.resolve()))
        return self.recent_files()

    # -- recording -----------------------------------------------------------------------------
    def clips_folder(self) -> Path | None:
        text = self._read(CLIPS_FOLDER)
        return Path(text) if text else None

    def set_clips_folder(self, folder: Path) -> None:
        self._write(CLIPS_FOLDER, str(Path(folder).resolve()))

    def clip_label(self) -> str:
        return self._read(CLIP_LABEL)

    def set_clip_label(self, label: str) -> None:
        self._write(CLIP_LABEL, label)

    def clip_speaker(self) -> str:
        return self._read(CLIP_SPEAKER)

    def set_clip_speaker(self, speaker: str) -> None:
        self._write(CLIP_SPEAKER, speaker)

    # -- detection parameters, per model ----------------------------------------------------------
    def _entry(self, model: "LoadedModel", entries: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
        """The remembered tuning of ``model``: under its own key, else an older version's (a hash of the whole file);
        ``entries``: the settings' entries already read (read here when None)."""
        entries = self._tuned.held_entries() if entries is None else entries
        keys = (tuning_key(model), file_key(model))
        return next((item for key in keys for item in entries if item["model"] == key), None)

    def _follow_moved_file(self, model: "LoadedModel") -> None:
        """Give a file opened from a new place the tuning of its old place, when it has none of its own.

        The most recent tuning of the same network whose file is gone from where it was tuned is taken: the file
        moved or was renamed. A copy, whose original is still in place, takes nothing. The entry is re-keyed at
        once (with its old place, said when the model opens), so another model opened later cannot take it.
        """
        if model.path is None or self._entry(model) is not None:
            return
        network = network_key(model)

        def moved(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
            if self._entry(model, entries) is not None:  # another window gave it one meanwhile
                return entries
            for index, item in enumerate(entries):
                old_place = item.get("path")
                if item.get("network") == network and isinstance(old_place, str) and not Path(old_place).exists():
                    entries[index] = {**item, "model": tuning_key(model), "path": str(Path(model.path).resolve()),
                                      "moved_from": old_place}
                    break
            return entries

        self._tuned.merge(moved)  # read again: only the entry re-keyed is this window's to replace

    def _remembered(self, model: "LoadedModel") -> "RememberedValues | None":
        """What the tuning remembered for ``model`` does to its file as it is now, or None (nothing remembered).

        Entries written now hold only the tuned values and the file's values they were tuned from
        (``"from"``); older ones hold every setting (``"params"`` alone) and, under a hash of the whole file,
        mean the file is unchanged since, so the values differing from it are the tuned ones. They left the
        per-class threshold list out only when there was none, so a missing key means none.
        """
        from workbench.core.detection.tuned_values import values_to_apply
        from workbench.gui.model_loader import own_settings

        entry = self._entry(model)
        if entry is None:
            return None
        moved_from = entry.get("moved_from") if isinstance(entry.get("moved_from"), str) else None
        tuned, tuned_from = dict(entry["params"]), entry.get("from")
        if not isinstance(tuned_from, dict):
            tuned_from = None
            tuned.setdefault(THRESHOLD_LIST_KEY, None)
        return replace(values_to_apply(tuned, tuned_from, own_settings(model)), moved_from=moved_from)

    def detection_params(self, model: "LoadedModel") -> dict[str, Any] | None:
        """The tuned values to lay over this model's own parameters (:func:`tuning_key`), or None (the file's
        values apply): only what the user tuned, and only where the file still holds what it was tuned from; a file
        moved or renamed since has its tuning back (:meth:`_follow_moved_file`).

        Called as the model opens: what the file holds then (another window's tuning of it among it) is this
        window's copy of the model's entry, which :meth:`remember_tuning` leaves alone unless the window changes it.
        """
        self.qsettings.sync()  # another window's tuning of this model since this one last read the file
        self._follow_moved_file(model)
        self._tunings[tuning_key(model)] = tuning_content(self._entry(model))
        remembered = self._remembered(model)
        return dict(remembered.params) if remembered is not None and remembered.params else None

    def remembered_sentence(self, model: "LoadedModel | None", tuning: "DetectionTuning | None") -> str | None:
        """What to tell the user about ``model`` just opened with ``tuning``: the remembered values in use, and
        those set aside because the file changed since they were tuned; None when nothing was remembered."""
        from workbench.core.detection.tuned_values import remembered_sentence, tuned_values

        remembered = None if model is None else self._remembered(model)
        if remembered is None:
            return None
        kept = tuned_values(tuning)[0] if tuning is not None else {}
        return remembered_sentence(model.name, kept, remembered.set_aside, remembered.moved_from)

    def remember_tuning(self, model: "LoadedModel | None", tuning: "DetectionTuning | None") -> None:
        """Keep the values tuned for ``model`` (it becomes the most recent of at most MAX_TUNED_MODELS): only those
        that differ from the file's, each with the file's value it was tuned from.

        Why forget untuned ones: values equal to the model's own need no slot; a reset model starts as the file says.
        Why only a changed entry is written: the entry as this window opened it (:meth:`detection_params`) may be
        older than another window's tuning of the same model; unchanged, it only moves to the front, as it is stored.
        """
        from workbench.core.detection.tuned_values import tuned_values

        if model is None or tuning is None:
            return
        key = tuning_key(model)
        stale = (key, file_key(model))  # an older version's entry for it is replaced by this one
        tuned, tuned_from = tuned_values(tuning)
        place = None if model.path is None else str(Path(model.path).resolve())
        entry = {"model": key, "network": network_key(model), "path": place, "name": model.name,
                 "params": tuned, "from": tuned_from} if tuned else None
        changed = self._tunings.get(key) != tuning_content(entry)

        def merged(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
            others = [item for item in entries if item["model"] not in stale]
            if changed:
                return others if entry is None else [entry, *others]
            stored = self._entry(model, entries)  # another window's tuning of it, maybe: kept as it is
            return others if stored is None else [stored, *others]

        self._tuned.merge(merged)
        self._tunings[key] = tuning_content(entry)

    # -- file dialogs ------------------------------------------------------------------------------
    def last_folder(self, kind: str) -> str:
        """Where a file dialog of ``kind`` (MODEL_FOLDER, …) last chose; "" (the working directory) at first.

        Why per kind: models, recordings and exported logs usually live in different places.
        """
        text = self._str(FOLDER_PREFIX + kind)
        return text if text and Path(text).is_dir() else ""

    def set_last_folder(self, kind: str, folder: str | Path) -> None:
        self.qsettings.setValue(FOLDER_PREFIX + kind, str(Path(folder).resolve()))

    def sync(self) -> None:
        self.qsettings.sync()
