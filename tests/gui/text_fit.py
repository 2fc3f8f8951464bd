"""Find text a user cannot read in full: labels, buttons, group titles, table columns, plot legends, axis titles and
tick labels, and legends drawn over the curves they name.

Used by the layout tests: a widget tree is walked as laid out on screen and every visible piece of text
is compared with the room it was given (Qt's own size hints and font metrics, no pixel guessing).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetricsF, QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QGroupBox, QHeaderView, QLabel, QTableView,
                               QTreeView, QWidget)

SLACK_PX = 1  # rounding between size hints and geometry


def _visible(widget: QWidget) -> bool:
    return widget.isVisibleTo(widget.window()) and widget.width() > 0


def cut_off_texts(root: QWidget) -> list[str]:
    """One line per piece of text in ``root`` that does not fit the space it has."""
    problems: list[str] = []
    for label in root.findChildren(QLabel):
        if not _visible(label) or not label.text():
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.contentsRect().width() + label.contentsMargins().left()
                                          + label.contentsMargins().right())
            if needed > label.height() + SLACK_PX:
                problems.append(f"label {label.text()[:60]!r}: {label.height()} px high, needs {needed}")
        elif label.minimumSizeHint().width() > label.width() + SLACK_PX:
            problems.append(f"label {label.text()[:60]!r}: {label.width()} px wide, "
                            f"needs {label.minimumSizeHint().width()}")
    for button in root.findChildren(QAbstractButton):
        if _visible(button) and button.text() and button.sizeHint().width() > button.width() + SLACK_PX:
            problems.append(f"button {button.text()!r}: {button.width()} px wide, needs {button.sizeHint().width()}")
    for box in root.findChildren(QGroupBox):
        if not _visible(box) or not box.title():
            continue
        needed = box.fontMetrics().horizontalAdvance(box.title())
        if needed > box.width():
            problems.append(f"group {box.title()!r}: {box.width()} px wide, the title needs {needed}")
    for view in root.findChildren(QAbstractItemView):
        if isinstance(view, (QTableView, QTreeView)) and _visible(view):
            problems += _columns_cut_off(view)
    return problems


def _columns_cut_off(view: QTableView | QTreeView) -> list[str]:
    header: QHeaderView = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    model = view.model()
    if model is None:
        return []
    problems = []
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            continue
        title = model.headerData(column, header.orientation())
        width = header.sectionSize(column)
        needed = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
        if needed > width + SLACK_PX:
            problems.append(f"column {title!r} of {type(view).__name__}: {width} px wide, needs {needed}")
    if view.horizontalScrollBar().maximum() > 0:
        problems.append(f"{type(view).__name__} with columns {header.length()} px wide in a "
                        f"{view.viewport().width()} px view: the user must scroll sideways")
    return problems


def legend_cut_off(plot_widget: object) -> list[str]:
    """Legend entries of a pyqtgraph PlotWidget whose text is clipped by the legend or the plot."""
    plot_item = plot_widget.getPlotItem()  # type: ignore[attr-defined]
    legend = plot_item.legend
    if legend is None:
        return []
    problems = []
    view_rect = plot_item.vb.sceneBoundingRect()
    legend_rect = legend.sceneBoundingRect()
    if not view_rect.contains(legend_rect):
        problems.append(f"legend {legend_rect} sticks out of the plot {view_rect}")
    for _sample, label in legend.items:
        text_width = label.item.boundingRect().width()
        if text_width > label.boundingRect().width() + SLACK_PX:
            problems.append(f"legend entry {label.text!r}: {label.boundingRect().width():.0f} px for "
                            f"{text_width:.0f} px of text")
    return problems


def axis_labels_cut_off(plot_widget: object) -> list[str]:
    """Axis titles of a pyqtgraph PlotWidget that stick out of their axis (clipped by the plot's edge)."""
    plot_item = plot_widget.getPlotItem()  # type: ignore[attr-defined]
    problems = []
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)
        if not axis.isVisible() or not axis.label.isVisible() or not axis.labelText:
            continue
        along = axis.sceneBoundingRect()
        text = axis.label.sceneBoundingRect()
        vertical = name in ("left", "right")
        start, end = (text.top(), text.bottom()) if vertical else (text.left(), text.right())
        low, high = (along.top(), along.bottom()) if vertical else (along.left(), along.right())
        if start < low - SLACK_PX or end > high + SLACK_PX:
            problems.append(f"{name} axis title {axis.labelText!r}: {end - start:.0f} px of text at {start:.0f}.."
                            f"{end:.0f} on an axis spanning {low:.0f}..{high:.0f}")
    return problems


def cut_off_words(root: QWidget) -> list[str]:
    """:func:`cut_off_texts` of labels, buttons and group titles only (a table may scroll sideways)."""
    return [p for p in cut_off_texts(root) if p.startswith(("label ", "button ", "group "))]


def painted_axis_specs(plot_widget: object, name: str) -> tuple[list, list, list] | None:
    """What the axis ``name`` paints when painted afresh: pyqtgraph's (axis line, tick marks, tick labels)."""
    axis = plot_widget.getPlotItem().getAxis(name)  # type: ignore[attr-defined]
    drawn: list = []
    paint_specs = axis.generateDrawSpecs

    def recording(painter):  # type: ignore[no-untyped-def]
        specs = paint_specs(painter)
        drawn.append(specs)
        return specs

    axis.generateDrawSpecs = recording
    try:
        axis.picture = None
        axis.update()  # also drops the pixmap a cached axis (the live plots' value axes) would paint from
        plot_widget.grab()  # type: ignore[attr-defined]
    finally:
        del axis.generateDrawSpecs
    return drawn[-1] if drawn else None


def painted_tick_labels(plot_widget: object, name: str) -> list[tuple[QRectF, str]]:
    """(rect in the axis' coordinates, text) of each tick label the axis ``name`` draws when painted afresh.

    pyqtgraph gives each rect 0.8 of the text's height ("usually an overestimate") and draws the text
    unclipped around it: centred on the tick beside a vertical axis, from the rect's top under a horizontal one."""
    specs = painted_axis_specs(plot_widget, name)
    return [] if specs is None else [(rect, text) for rect, _flags, text in specs[2]]


def _text_height(metrics: QFontMetricsF, text: str) -> float:
    return metrics.lineSpacing() * text.count("\n") + metrics.height()


def tick_labels_cut_off(plot_widget: object, name: str) -> list[str]:
    """Tick labels of the vertical axis ``name`` that reach past the plot widget's edge (the top "1.0")."""
    axis = plot_widget.getPlotItem().getAxis(name)  # type: ignore[attr-defined]
    metrics = QFontMetricsF(axis.style.get("tickFont") or axis.font())
    shown = QRectF(plot_widget.viewport().rect())  # type: ignore[attr-defined]
    painted = painted_tick_labels(plot_widget, name)
    if not painted:
        return [f"{name} axis painted no tick label"]
    problems = []
    for rect, text in painted:
        whole = QRectF(rect)
        whole.setHeight(_text_height(metrics, text))
        whole.moveCenter(rect.center())  # drawn centred on its tick
        on_screen = QRectF(plot_widget.mapFromScene(axis.mapRectToScene(whole)).boundingRect())  # type: ignore
        if on_screen.top() < shown.top() - SLACK_PX or on_screen.bottom() > shown.bottom() + SLACK_PX:
            problems.append(f"{name} tick label {text!r} at {on_screen.top():.0f}..{on_screen.bottom():.0f} in a "
                            f"plot {shown.height():.0f} px high")
    return problems


def tick_labels_on_axis_title(plot_widget: object, name: str = "bottom") -> list[str]:
    """Tick labels of the horizontal axis ``name`` whose text runs into the axis title under them."""
    axis = plot_widget.getPlotItem().getAxis(name)  # type: ignore[attr-defined]
    title = axis.label
    if not title.isVisible() or not axis.labelText:
        return []
    metrics = QFontMetricsF(axis.style.get("tickFont") or axis.font())
    title_top = title.mapRectToParent(title.boundingRect()).top() + title.document().documentMargin()
    problems = []
    for rect, text in painted_tick_labels(plot_widget, name):
        bottom = rect.top() + _text_height(metrics, text)  # drawn from the rect's top down
        if bottom > title_top + SLACK_PX:
            problems.append(f"{name} tick label {text.strip()!r} reaches {bottom:.0f}, the title "
                            f"{axis.labelText!r} starts at {title_top:.0f}")
    return problems


def legend_over_curves(plot_widget: object) -> list[str]:
    """Curves of a pyqtgraph PlotWidget that pass under its legend (their line, or their dots)."""
    legend = plot_widget.getPlotItem().legend  # type: ignore[attr-defined]
    if legend is None:
        return []
    box = QPainterPath()
    box.addRect(legend.sceneBoundingRect())
    problems = []
    for sample, label in legend.items:
        item = sample.item
        xs, ys = item.getData()
        if xs is None:
            continue
        points = [item.mapToScene(QPointF(float(x), float(y))) for x, y in zip(xs, ys) if math.isfinite(y)]
        if not points:
            continue
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        stroker = QPainterPathStroker()
        pen = item.opts["pen"]
        stroker.setWidth((pen.widthF() if pen is not None else 0) + (item.opts["symbolSize"] if item.opts["symbol"]
                                                                      else 0))
        if stroker.createStroke(path).intersects(box) or any(box.contains(point) for point in points):
            problems.append(f"legend at {legend.sceneBoundingRect()} covers the curve {label.text!r}")
    return problems
