"""Each workspace remembers its own arrangement of the dockable panels.

Why: the detection log and the tuning sliders belong beside the live views, but a user may also want
the log beside a board run or the sliders beside a calibration; what they arrange in one workspace
must not rearrange another. A QMainWindow has one dock layout, so on every switch the layout of the
workspace being left is saved (``QMainWindow.saveState``) and the next one's is restored — or, the
first time, its default is applied. Layouts persist in QSettings; "Reset layout" forgets them.

Switching keeps the window's size. Why it would not: the next workspace is brought to the front while the
last one's docks are still shown, and for that moment the two need more width than the window has (at 16 pt
the Model page beside the Live docks needs 1339 px); Qt widens the window to fit and never narrows it again.
So :meth:`WorkspaceLayouts.save` notes the size and :meth:`WorkspaceLayouts.restore` gives it back once the
new arrangement is in place (as far as that arrangement allows).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtWidgets import QMainWindow

from workbench.gui.window.window_areas import widen_narrow_docks

LAYOUT_KEY = "layout/{key}"
LAYOUT_VERSION = 2  # bump when the set of docks changes: older layouts are then ignored

DefaultLayout = Callable[[], None]


class WorkspaceLayouts:
    """Saves and restores ``window``'s dock layout per workspace key."""

    def __init__(self, window: QMainWindow, qsettings: QSettings, defaults: dict[str, DefaultLayout]) -> None:
        self._window = window
        self._qsettings = qsettings
        self._defaults = defaults
        self._states: dict[str, QByteArray] = {}
        self._size: QSize | None = None  # the window's size when the last arrangement was saved
        self._known: dict[str, QByteArray | None] = {}  # what the settings file held of each key, as last seen here
        for key in defaults:
            value = self._known[key] = _state(qsettings.value(LAYOUT_KEY.format(key=key)))
            if value is not None:
                self._states[key] = value

    def has_saved(self, key: str) -> bool:
        return key in self._states

    def save(self, key: str) -> None:
        """Remember the current arrangement as ``key``'s, in memory and in QSettings -- unless another window
        sharing the settings file saved its own arrangement of ``key`` since this one read or wrote it: an
        arrangement merely shown here (never touched, or its docks resized by the window) must not replace it."""
        state = self._window.saveState(LAYOUT_VERSION)
        self._states[key] = state
        self._size = self._window.size()
        name = LAYOUT_KEY.format(key=key)
        self._qsettings.sync()
        if _state(self._qsettings.value(name)) == self._known.get(key):
            self._qsettings.setValue(name, state)
            self._known[key] = state

    def restore(self, key: str) -> None:
        """Arrange the docks as ``key`` had them (a column narrower than its panels need at the current font
        widened), else as its default."""
        state = self._states.get(key)
        restored = state is not None and self._window.restoreState(state, LAYOUT_VERSION)
        if not restored:
            self._states.pop(key, None)
            self._defaults[key]()
        self._keep_size()
        if restored:
            widen_narrow_docks(self._window)

    def _keep_size(self) -> None:
        """The size the window had before the switch, once its layout has the new docks' minimum size."""
        size, self._size = self._size, None
        layout = self._window.layout()
        if size is None or size == self._window.size() or layout is None:
            return
        layout.activate()  # the minimum size of the arrangement now shown, not of the moment between
        self._window.resize(size.expandedTo(self._window.minimumSizeHint()))

    def reset(self, key: str) -> None:
        """Forget every saved arrangement and apply ``key``'s default."""
        for name in self._defaults:
            self._qsettings.remove(LAYOUT_KEY.format(key=name))
            self._known[name] = None
        self._states.clear()
        self._defaults[key]()


def _state(value: object) -> QByteArray | None:
    """A stored arrangement, or None for none (or a value that is none)."""
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None
