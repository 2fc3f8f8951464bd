"""The Tuning panel's warning under the Inference interval row: the board cannot infer that often.

Why: the Live workspace runs the model every ``latency_ms`` of stream time whatever it costs, while the board runs
the frontend and the model back to back, so an interval shorter than an inference there makes the board infer less
often than the PC shows, and the averaging window and minimum count tuned here hold fewer results there. The label
says so in a line; its tooltip holds the whole sentence ``kws params`` and ``kws profile`` print
(:func:`workbench.profiler.inference_pace.board_pace`).

The model's estimate is made once per model (:meth:`InferencePaceLabel.set_model`); a slider move only compares the
interval with it (:meth:`InferencePaceLabel.show_for`), so dragging costs no profile. A change of the interval that
makes the line appear scrolls it into view (:meth:`InferencePaceLabel.reveal_if_shown`: in a short dock only its first
line was in sight, not its advice), once the slider is let go: dragged, it would scroll away from under the mouse.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSlider, QLabel, QWidget

from workbench.core.model.model_file import LoadedModel
from workbench.gui.widgets.vertical_scroll_area import VerticalScrollArea
from workbench.profiler.inference_pace import InferenceTime, board_pace, inference_time, time_text


class InferencePaceLabel(QLabel):
    """Word-wrapped, hidden while the board keeps up (or no model is known); :attr:`warning` is its text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setVisible(False)
        self._time: InferenceTime | None = None
        self._area: VerticalScrollArea | None = None
        self._slider: QAbstractSlider | None = None
        self._pending = False  # the user's change made it appear: to be scrolled into view

    @property
    def estimate(self) -> InferenceTime | None:
        """The model's estimated time per inference on the board (None: no model)."""
        return self._time

    @property
    def warning(self) -> str:
        """The line shown ("" while hidden)."""
        return self.text() if not self.isHidden() else ""

    def set_model(self, model: LoadedModel | None) -> None:
        """Estimate ``model``'s time per inference on the board (the profiler's, once); None forgets it."""
        self._time = None if model is None else inference_time(model)

    def show_for(self, latency_ms: int | None) -> None:
        """Show the warning when an inference takes longer than ``latency_ms``; None hides it (nothing tuned)."""
        time = self._time
        problem = board_pace(time, latency_ms).problem if time is not None and latency_ms is not None else None
        if time is None or latency_ms is None or problem is None:
            self.setText("")
            self.setToolTip("")
            self.setVisible(False)
            return
        self.setText(f"Too short for the board: an inference takes about {time_text(time.time_ms, latency_ms)} ms "
                     f"there (estimated, the model alone), so it infers about every {time.interval_ms} ms at best; "
                     f"{time.suggested_latency_ms} ms or more keeps up.")
        self.setToolTip(f"{problem}.")  # the whole sentence, as kws params and kws profile say it
        self.setVisible(True)

    def reveal_in(self, area: VerticalScrollArea, slider: QAbstractSlider) -> None:
        """Scroll ``area`` to this line when a change makes it appear (:meth:`reveal_if_shown`), once ``slider``
        (the Inference interval's) is let go."""
        self._area, self._slider = area, slider
        slider.sliderReleased.connect(self._reveal)

    def reveal_if_shown(self) -> None:
        """The user changed the interval, and the line was hidden before: bring it into sight if it shows now; the
        focus stays in the field typed in."""
        self._pending = bool(self.warning)
        self._reveal()

    def _reveal(self) -> None:
        if self._pending and self._area is not None and not (self._slider is not None and self._slider.isSliderDown()):
            self._pending = False
            if self.warning:  # not gone again before the slider was let go
                self._area.reveal(self)
