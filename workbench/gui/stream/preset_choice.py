"""The Tuning panel's "Values" choice: the model's own detection parameters, or one of the named presets it carries.

Why: the board firmware reads only the model's own parameters, calibrated for one place (dense speech); a model may
carry further sets for other places (a quiet room, :mod:`workbench.core.detection.presets`). Choosing one here sets
every parameter of the tuning to it in one click, per-class thresholds included, so it can be tried on the live
stream and, if it suits, saved into the model ("Save into model…"); choosing the model's own is the same as Reset.

The choice follows the tuning, not the other way round: it names the item whose values are those in force, and
"Custom" when none is (a slider moved since), so it never claims a preset whose values are no longer in force.
The presets are read once per model (:meth:`PresetChoice.set_model`), not on every change. The row is hidden when
the model has no presets; when its preset keys cannot be read, a sentence says why in its place. It also keeps which
preset the values in force were last (:attr:`PresetChoice.refined_preset`): File ▸ Save parameters as preset…
offers to replace that preset with what the user refined of it by ear.
"""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from workbench.core.detection.presets import DetectionPreset, presets_in
from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import DetectionTuning
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import LoadedModel
from workbench.gui.widgets.eliding_combo_box import ElidingComboBox
from workbench.gui.widgets.wrapping_form import wrapping_form

LABEL_TEXT = "Values:"
OWN_TEXT = "Model's own (as the board uses them)"
OWN_TIP = ("The detection parameters stored in the model itself: the ones the board firmware uses. The same as "
           "Reset to model values.")
CUSTOM_TEXT = "Custom"
CUSTOM_TIP = ("The values in force are neither the model's own nor one of its presets: tuned since. Choose an item "
              "to set every parameter to it.")
NO_DESCRIPTION_TIP = "A preset the model carries (it gives no description)."
CHOICE_TIP = "Set every detection parameter to the model's own values or to one of the presets the model carries."
# the box asks for no more than this many characters of width: a long preset name must not widen the dock
CHOICE_MIN_CHARS = 12
OWN_INDEX = 0
CUSTOM_INDEX = -1  # no item: the box shows its placeholder, "Custom"


class PresetChoice(QWidget):
    """The "Values: [choice]" row above the Detection group (see the module docstring).

    Attributes for tests: ``combo`` (item 0 the model's own, then one per preset by its shown name),
    ``problem_label`` (why the model's presets cannot be used), ``presets``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tuning: DetectionTuning | None = None
        self.presets: tuple[DetectionPreset, ...] = ()
        self._last_preset: str | None = None  # the preset whose values were last in force (None: the model's own)
        self.combo = ElidingComboBox()  # at a large font "Model's own (as the b…" rather than "(as the boa"
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(CHOICE_MIN_CHARS)
        self.combo.setPlaceholderText(CUSTOM_TEXT)
        self.combo.setAccessibleName("Detection values")
        self.combo.setAccessibleDescription(CHOICE_TIP)
        self.combo.activated.connect(self._chosen)  # the user's choice only: following the tuning sets no values
        label = QLabel(LABEL_TEXT)
        label.setToolTip(CHOICE_TIP)
        label.setBuddy(self.combo)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setVisible(False)
        self._row = QWidget()
        form = wrapping_form(self._row)  # the box goes under its label where the dock is too narrow for both
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(label, self.combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._row)
        layout.addWidget(self.problem_label)
        self.setVisible(False)

    @property
    def shown(self) -> str:
        """The item shown: the model's own, a preset's shown name, or "Custom"."""
        return self.combo.currentText() if self.combo.currentIndex() != CUSTOM_INDEX else CUSTOM_TEXT

    @property
    def refined_preset(self) -> str | None:
        """The name of the preset the values in force were last, when they were changed since ("Custom" is
        shown); None when they are a preset's or the model's own, or were the model's own last."""
        return self._last_preset if self.combo.currentIndex() == CUSTOM_INDEX else None

    def set_model(self, tuning: DetectionTuning | None, model: LoadedModel | None) -> None:
        """Offer ``model``'s presets for ``tuning`` (its tuning); hidden when there are none. The same tuning with
        its model's file read again (a preset saved into it) keeps the preset its values were last."""
        if tuning is not self._tuning:
            self._last_preset = None
        self._tuning = tuning
        self.presets, problem = (), ""
        if tuning is not None and model is not None:
            try:
                self.presets = presets_in(model.params, DetectionSettings.from_params(model.params), tuning.classes)
            except WorkbenchError as exc:
                problem = str(exc)
        self.combo.clear()
        self.combo.addItem(OWN_TEXT)
        self.combo.setItemData(OWN_INDEX, OWN_TIP, Qt.ItemDataRole.ToolTipRole)
        for preset in self.presets:
            self.combo.addItem(preset.shown_name)
            tip = preset.description or NO_DESCRIPTION_TIP
            self.combo.setItemData(self.combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.problem_label.setText(f"The model's presets cannot be offered: {problem}" if problem else "")
        self.problem_label.setVisible(bool(problem))
        self._row.setVisible(bool(self.presets))
        self.setVisible(bool(self.presets) or bool(problem))
        if self._last_preset not in {preset.name for preset in self.presets}:
            self._last_preset = None
        self.follow()

    def follow(self) -> None:
        """Show the item whose values are the tuning's in force, else "Custom"."""
        tuning = self._tuning
        if tuning is None or not self.presets:
            return
        candidates = (tuning.model_defaults, *(preset.settings for preset in self.presets))
        index = next((i for i, settings in enumerate(candidates) if settings == tuning.settings), CUSTOM_INDEX)
        self.combo.setCurrentIndex(index)
        if index != CUSTOM_INDEX:
            self._last_preset = self.presets[index - 1].name if index != OWN_INDEX else None
        tip = self.combo.itemData(index, Qt.ItemDataRole.ToolTipRole) if index != CUSTOM_INDEX else CUSTOM_TIP
        self.combo.setToolTip(f"{CHOICE_TIP}\n\n{tip}")

    def _chosen(self, index: int) -> None:
        tuning = self._tuning
        if tuning is None:
            return
        if index == OWN_INDEX:
            tuning.reset_to_model()
        elif 0 < index <= len(self.presets):
            settings = self.presets[index - 1].settings
            tuning.set(**{field.name: getattr(settings, field.name) for field in fields(settings)})
        self.follow()  # also when nothing changed (the tuning then says nothing)
