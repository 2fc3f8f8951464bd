"""A JSON list, most recent first, in the window's settings file: File ▸ Recent, the tuning remembered per model,
each model's last firmware export.

Why one helper: several windows (processes) share the one file, and QSettings writes every key set in a process over
the file's. So such a list is read again from the file before it is changed (``sync``) and only the entries this
window changes are replaced in it, so that another window's entries written meanwhile are kept; it is written only
when it changed (a list written as this window holds it would undo another window's newer one) and at once (a second
``sync``), so that another window's next read has it. And a hand-edited file must never stop the window: text that is
no JSON, JSON that is no list, and entries of another shape than the list's are left out, never an error.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from PySide6.QtCore import QSettings

from workbench.gui.settings.stored_values import stored_text

EntryTest = Callable[[Any], bool]  # True for an entry of the list's shape (accepts) or the one looked for (same)
ListChange = Callable[[list[Any]], list[Any]]  # the list as it should be, from the list as stored now


def stored_json_list(qsettings: QSettings, key: str) -> list[Any]:
    """The JSON list stored under ``key``, its items of any shape; [] when nothing is stored, the text is no JSON
    (a hand-edited file; nested past the parser's depth) or the JSON is no list."""
    text = stored_text(qsettings, key)
    try:
        items = json.loads(text) if text else []
    except (ValueError, RecursionError):
        return []
    return items if isinstance(items, list) else []


class RecentJsonList:
    """The list under ``key`` of ``qsettings``: its entries that ``accepts`` takes, most recent first, at most
    ``maximum`` of them once this window changed it (the least recent is forgotten).

    ``before_read``: run before every read, e.g. to move an older version's values into the list first
    (:func:`~workbench.gui.settings.legacy_settings.migrate_legacy_tuning`), so that no read misses them.
    """

    def __init__(self, qsettings: QSettings, key: str, maximum: int, accepts: EntryTest,
                 before_read: Callable[[], object] | None = None) -> None:
        self._qsettings = qsettings
        self._key = key
        self._maximum = maximum
        self._accepts = accepts
        self._before_read = before_read

    def held_entries(self) -> list[Any]:
        """The entries as this window holds the file now, without reading it again: what it opened with is described
        with the values it opened with, even if another window changed them since."""
        if self._before_read is not None:
            self._before_read()
        return [item for item in stored_json_list(self._qsettings, self._key) if self._accepts(item)]

    def entries(self) -> list[Any]:
        """The entries as stored now: the file is read again first, for another window's entries since this one
        last read it."""
        self._qsettings.sync()
        return self.held_entries()

    def merge(self, change: ListChange) -> list[Any]:
        """Store the list as ``change`` makes it from the list as stored now (a copy), cut to the maximum; returns
        it."""
        return self._rewrite(change, self._maximum)

    def put_first(self, entry: Any, same: EntryTest) -> list[Any]:
        """Make ``entry`` the most recent, in place of the stored entries ``same`` takes (its older versions);
        returns the list."""
        return self.merge(lambda entries: [entry, *(item for item in entries if not same(item))])

    def remove(self, same: EntryTest) -> list[Any]:
        """Forget the stored entries ``same`` takes; returns the list.

        Why not cut to the maximum: removing never lengthens the list, and a longer one (a hand-edited file) loses
        only those entries.
        """
        return self._rewrite(lambda entries: [item for item in entries if not same(item)], None)

    def _rewrite(self, change: ListChange, maximum: int | None) -> list[Any]:
        """Read the list again, store what ``change`` makes of it (at most ``maximum`` entries; None: all) if that
        differs, and write the file at once (module docstring)."""
        self._qsettings.sync()
        stored = self.held_entries()
        entries = change(list(stored))[:maximum]
        if entries != stored:
            self._qsettings.setValue(self._key, json.dumps(entries))
        self._qsettings.sync()
        return entries
