"""Counting what the live views really draw, for bench_gui.py: per view, not per timer tick.

The window's frame timer ticks 50 times a second whatever is in front, and ``LiveViews.refresh`` gives the
waveform and the spectrogram one tick each in turn, so neither ticks nor refresh calls say what was drawn.
Two counts per view do:

* redraws: ``refresh`` calls that returned new rows (a view returns how many arrived; 0 means its picture
  did not change), counted by wrapping each view's ``refresh`` on the instance;
* paints: paint events of the view's plot (its ``QGraphicsView`` viewport), i.e. what Qt really painted; a
  hidden view gets none however often it is refreshed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class Counts:
    """One view's counts since the counter was made."""

    redraws: int
    paints: int

    def __sub__(self, earlier: Counts) -> Counts:
        return Counts(self.redraws - earlier.redraws, self.paints - earlier.paints)


class ViewRedraws(QObject):
    """Counts each named view's redraws and paints from now on (wraps ``refresh``, filters the plot's paints)."""

    def __init__(self, views: dict[str, QWidget]) -> None:
        super().__init__()
        self._redraws = dict.fromkeys(views, 0)
        self._paints = dict.fromkeys(views, 0)
        self._names: dict[QObject, str] = {}
        for name, view in views.items():
            view.refresh = self._counted(name, view.refresh)  # type: ignore[method-assign]
            viewport = view.plot_widget.viewport()  # type: ignore[attr-defined]
            self._names[viewport] = name
            viewport.installEventFilter(self)

    def _counted(self, name: str, refresh: Callable[[], int]) -> Callable[[], int]:
        def counted() -> int:
            arrived = refresh()
            if arrived:
                self._redraws[name] += 1
            return arrived

        return counted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint and watched in self._names:
            self._paints[self._names[watched]] += 1
        return False

    def counts(self) -> dict[str, Counts]:
        """Every view's counts so far, by name, in the order the views were given."""
        return {name: Counts(self._redraws[name], self._paints[name]) for name in self._redraws}
