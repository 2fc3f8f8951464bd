"""The Profile workspace's layer diagram: one box per layer, in execution order, shapes in and out.

Why: a reviewer reads a model's structure top to bottom faster than in the table; each box's tooltip says
where the layer runs and, when the MVP cannot take it, why -- in the words of the layer details, and with the
accelerator none nothing of the MVP.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from workbench.gui.model.layer_table_model import layer_where
from workbench.profiler.report import LayerReport


class LayerDiagram(QWidget):
    """A column of layer boxes (:meth:`set_layers`); put it in a scroll area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes_layout = QVBoxLayout(self)

    def set_layers(self, layers: list[LayerReport], mvp: bool = True) -> None:
        """One box per layer; ``mvp`` False (the accelerator none): the tooltips say nothing of the MVP."""
        while self.boxes_layout.count():
            item = self.boxes_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for layer in layers:
            box = QLabel(f"<b>{layer.index}: {escape(layer.op)}</b><br>{layer.input_shape_text} → "
                         f"{layer.output_shape_text}<br><small>{escape(layer.options_text)}</small>", self)
            box.setFrameShape(QFrame.Shape.Box)
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            where = layer_where(layer, mvp)
            box.setToolTip(where[0].upper() + where[1:])
            self.boxes_layout.addWidget(box)
        self.boxes_layout.addStretch(1)
