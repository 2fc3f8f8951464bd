"""The window's areas: in the centre the notice bar over the workspaces (one in front at a time), around it the
dockable side panels, with their default arrangement for each workspace.

Why a module: where each panel sits is layout, not wiring; keeping the docks' construction and their first
arrangement here keeps :mod:`workbench.gui.window.main_window` about wiring. What a user arranges afterwards is
remembered per workspace by :class:`~workbench.gui.window.workspace_layouts.WorkspaceLayouts`, which falls back
on :func:`arrange_default` the first time and after "Reset layout".

The Live columns are as wide as a number of text lines, so they grow with the font, but together never more than
leaves the live plots :data:`MIN_CENTRE_SHARE` of the window: at 16 pt in a 1280x720 window fixed widths and the
docks' minimums left the plots some 70 px. The Source column is never narrower than its panel (which scrolls up and
down, never sideways: its buttons were cut at the dock's edge); the right column gives way, its Tuning panel scrolls.

The right column is a third Detections, two thirds Tuning (:data:`RIGHT_DOCK_SHARES`), as Qt shares the column's
height in proportion to the sizes it is given. Why not the 300:500 it was: at the default 1600x960 the Tuning panel
of a seven-class model with the board-pace warning showing needed 537 px of the 536 that left it, and its controls
scrolled by a pixel; a third still shows the log's status, buttons and some six of its rows there. Why more where
the font is large: at 16 pt in 1600x960 a third showed two rows under the flashed word, the count and the buttons
(wrapped onto two rows), so the Detections dock then takes from Tuning what :data:`LOG_ROWS` rows need, up to
:data:`MAX_LOG_SHARE` of the column (:func:`give_log_rows`); the Tuning panel, which at that font scrolls anyway,
keeps its buttons in view under its scrolling controls.

An arrangement restored from the settings keeps the widths it was saved with, perhaps at a smaller font: a column
narrower than its panels now need widens to that width (:func:`widen_narrow_docks`), as far as the columns stay
within the same share of the window; a column the user made wider keeps its width.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDockWidget, QFrame, QMainWindow, QScrollArea, QSizePolicy, QStackedWidget, QStyle,
                               QToolBar, QVBoxLayout, QWidget)

from workbench.gui import theme
from workbench.gui.live.detection_log_view import DetectionLogView
from workbench.gui.widgets.small_screen import ScrollColumn

SOURCE, DETECTIONS, TUNING = "Source", "Detections", "Tuning"
# Live workspace: source column on the left, detections and tuning on the right, in lines of text (350 and 378 px
# at 9 pt, where a line is 14 px)
LIVE_DOCK_LINES = (25, 27)
MIN_CENTRE_SHARE = 0.4  # of the window's width, left to the live plots when the columns would take more
# detections above tuning: the right column's height is split in these proportions (module docstring)
RIGHT_DOCK_SHARES = (1, 2)
LOG_ROWS = 5  # rows of detections the default arrangement keeps in sight whatever the font (module docstring)
MAX_LOG_SHARE = 0.5  # of the right column's height: the most the Detections dock takes from Tuning for them
LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea


def workspace_stack(workspaces: Iterable[QWidget]) -> QStackedWidget:
    """One page per workspace, in order."""
    stack = QStackedWidget()
    for widget in workspaces:
        stack.addWidget(widget)
    return stack


def bring_to_front(stack: QStackedWidget, workspaces: Mapping[str, QWidget], key: str) -> None:
    """Show workspace ``key``; only the page in front sets the window's minimum size (the others are ignored)."""
    for name, widget in workspaces.items():
        policy = QSizePolicy.Policy.Preferred if name == key else QSizePolicy.Policy.Ignored
        widget.setSizePolicy(policy, policy)
    stack.setCurrentWidget(workspaces[key])


def central_column(notice: QWidget, workspaces: QWidget) -> QWidget:
    """The notice bar over the workspaces, which take all the height it leaves."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(notice)
    layout.addWidget(workspaces, 1)
    return column


def add_dock(window: QMainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea,
             scroll: bool = False, sideways: bool = True) -> QDockWidget:
    """A dock for ``widget``; ``scroll`` lets a panel with a tall minimum size share a short column, and one too wide
    for its dock scroll sideways unless ``sideways`` is False (then the dock is never narrower than the panel)."""
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock_{title.lower().replace(' ', '_')}")  # saveState/restoreState find docks by name
    if scroll and not sideways:
        column = ScrollColumn(widget)
        column.setAccessibleName(f"{title} panel")
        widget = column
    elif scroll:
        area_widget = QScrollArea()
        area_widget.setAccessibleName(f"{title} panel")
        # not a Tab stop of its own: Tab goes to the panel's controls, and the area scrolls to the focused one
        area_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        area_widget.setWidgetResizable(True)
        area_widget.setFrameShape(QFrame.Shape.NoFrame)
        area_widget.setWidget(widget)
        widget = area_widget
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


def build_docks(window: QMainWindow, source: QWidget, detections: QWidget,
                tuning: QWidget) -> dict[str, QDockWidget]:
    """The three side panels docked in ``window``, by title: the source on the left, the others on the right."""
    return {
        SOURCE: add_dock(window, SOURCE, source, LEFT, scroll=True, sideways=False),
        DETECTIONS: add_dock(window, DETECTIONS, detections, RIGHT),
        TUNING: add_dock(window, TUNING, tuning, RIGHT, scroll=True),
    }


def arrange_default(window: QMainWindow, docks: dict[str, QDockWidget], live: bool) -> None:
    """Live: source on the left, detections over tuning on the right. Elsewhere: the whole area."""
    for dock in docks.values():
        dock.setFloating(False)
        dock.setVisible(live)
    if not live:
        return
    window.addDockWidget(LEFT, docks[SOURCE])
    window.addDockWidget(RIGHT, docks[DETECTIONS])
    window.splitDockWidget(docks[DETECTIONS], docks[TUNING], Qt.Orientation.Vertical)
    size_live_docks(window, docks)
    if not window.isVisible():  # docks have sizes only once shown; the timer dies with the window
        QTimer.singleShot(0, window, lambda: size_live_docks(window, docks))


def size_live_docks(window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
    """The Live workspace's column widths and the right column's split."""
    source_minimum = docks[SOURCE].minimumSizeHint().width()
    widths = live_dock_widths(theme.line_px(window.font()), _docks_room(window), source_minimum)
    window.resizeDocks([docks[SOURCE], docks[DETECTIONS]], widths, Qt.Orientation.Horizontal)
    window.resizeDocks([docks[DETECTIONS], docks[TUNING]], list(RIGHT_DOCK_SHARES), Qt.Orientation.Vertical)
    QTimer.singleShot(0, window, lambda: give_log_rows(window, docks))  # once the shares are laid out


def give_log_rows(window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
    """A Detections dock too short for :data:`LOG_ROWS` rows of its log (a large font) takes the height they need
    from the Tuning dock under it, up to :data:`MAX_LOG_SHARE` of the column; one tall enough stays as it is."""
    log_dock, tuning_dock = docks[DETECTIONS], docks[TUNING]
    log = log_dock.widget()
    if (not isinstance(log, DetectionLogView) or not (log_dock.isVisible() and tuning_dock.isVisible())
            or log_dock.isFloating() or tuning_dock.isFloating()):
        return
    column = log_dock.height() + tuning_dock.height()
    wanted = min(log_dock.height() - log.height() + log.height_for_rows(LOG_ROWS), int(column * MAX_LOG_SHARE))
    if wanted > log_dock.height():
        window.resizeDocks([log_dock, tuning_dock], [wanted, column - wanted], Qt.Orientation.Vertical)


def live_dock_widths(line_px: int, room: int, source_minimum: int) -> list[int]:
    """The Source and the right column's widths: :data:`LIVE_DOCK_LINES` lines of ``line_px``, or, when they would
    take more than ``room``, shares of it in the same proportion, the Source column never below ``source_minimum``."""
    wanted = [lines * line_px for lines in LIVE_DOCK_LINES]
    if sum(wanted) <= room:
        return wanted
    source = max(source_minimum, room * wanted[0] // sum(wanted))
    return [source, max(room - source, 0)]


def widen_narrow_docks(window: QMainWindow) -> None:
    """Once the restored arrangement is laid out: widen each side column narrower than its panels need to that width.

    The columns grow together by at most what leaves the plots :data:`MIN_CENTRE_SHARE` of the window (each by the
    same share of what it lacks); none is ever made narrower."""
    QTimer.singleShot(0, window, lambda: _widen_columns(window))  # the timer dies with the window


def _widen_columns(window: QMainWindow) -> None:
    columns: dict[Qt.DockWidgetArea, list[QDockWidget]] = {LEFT: [], RIGHT: []}
    for dock in window.findChildren(QDockWidget):
        area = window.dockWidgetArea(dock)
        if area in columns and dock.isVisible() and not dock.isFloating():
            columns[area].append(dock)
    widths = {area: max((dock.width() for dock in docks), default=0) for area, docks in columns.items()}
    lacking = {area: max([needed_width(dock) - widths[area] for dock in docks] + [0])
               for area, docks in columns.items()}
    spare = _docks_room(window) - sum(widths.values())
    if spare <= 0 or not any(lacking.values()):
        return
    share = min(1.0, spare / sum(lacking.values()))
    growing = [area for area in columns if lacking[area] > 0]
    window.resizeDocks([columns[area][0] for area in growing],
                       [widths[area] + int(lacking[area] * share) for area in growing], Qt.Orientation.Horizontal)


def needed_width(dock: QDockWidget) -> int:
    """The width ``dock`` needs to show its panel without scrolling sideways: the minimum width of the panel (of a
    scroll area's contents, where the dock scrolls) and what the dock puts around it."""
    widget = dock.widget()
    contents = widget.widget() if isinstance(widget, QScrollArea) else None
    if contents is None:
        return dock.width() - widget.width() + widget.minimumSizeHint().width()
    minimum = contents.minimumSizeHint().expandedTo(contents.minimumSize()).width()
    return dock.width() - widget.viewport().width() + minimum


def _docks_room(window: QMainWindow) -> int:
    """The width the side columns may take together: what leaves the plots :data:`MIN_CENTRE_SHARE` of the window."""
    separators = 2 * window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, window)
    return round(window.width() * (1 - MIN_CENTRE_SHARE)) - _side_bars_width(window) - separators


def _side_bars_width(window: QMainWindow) -> int:
    """The width of the tool bars at the window's sides (the workspace bar): not the docks' to take."""
    sides = (Qt.ToolBarArea.LeftToolBarArea, Qt.ToolBarArea.RightToolBarArea)
    return sum(bar.width() for bar in window.findChildren(QToolBar)
               if bar.isVisible() and window.toolBarArea(bar) in sides)
