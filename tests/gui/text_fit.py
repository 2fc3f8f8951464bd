"""Find text a user cannot read in full: labels, buttons, group titles, table columns, plot legends.

Used by the layout tests: a widget tree is walked as laid out on screen and every visible piece of text
is compared with the room it was given (Qt's own size hints and font metrics, no pixel guessing).
"""

from __future__ import annotations

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
