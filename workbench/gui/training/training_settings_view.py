"""The key settings of a training run: spec, keywords, changed settings, epochs, seed, feature workers, starting
weights, output folder.

Why the spec list comes from a child (``kws specs --json``): each spec shows its MACs, so a user can trade
compute for accuracy, and they come from the training package's layer shapes, which the GUI never imports
(it would pull TensorFlow's world closer to the window; an import-linter contract forbids it). The child
answers in well under a second; until it does, the seed spec is offered.

Why the Keywords field follows the spec: :mod:`workbench.gui.training.keywords_field`, which holds it; ``--keywords``
is passed only when it differs from the spec's. A run folder chosen as the output folder puts its own spec,
keywords and settings in the form (:meth:`TrainingSettingsView.show_run`).

Why the spec's settings are changed in a dialog (:class:`SpecSettingsDialog`) and kept as ``--set`` values, not
written into a spec file: a user who wants a stronger augmentation for one run should not have to write TOML,
and the run's ``run.json`` then records exactly what was changed. Choosing another spec drops the changes: the
other spec may not have those settings (another layer list, say), and its own values are what the user chose.
The spec's ``data.keywords`` setting belongs to the Keywords field: the dialog shows the field's keywords there,
and a change of it there changes the field -- two places for the classes would train one list while the form
and the Data table showed the other.

Why the fields a resumed run keeps are locked while the output folder holds a stopped run
(:meth:`TrainingSettingsView.lock_to_run`): ``kws train --resume`` repeats the stored run's spec, keywords,
settings, seed and starting weights; a field left editable there would be edited for nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QProcess, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton, QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QToolButton, QWidget,
)

from workbench.child_command import kws_command
from workbench.core.errors import SettingsError
from workbench.core.toml_file import toml_value
from workbench.gui.datasets.build_folder import output_folder
from workbench.gui.training import training_settings_words as words
from workbench.gui.training.keywords_field import KEYWORDS_SETTING, KeywordsField, keyword_setting_list
from workbench.gui.training.spec_settings_dialog import ASSIGNMENT, SET_OPTION, SpecSettingsDialog
from workbench.gui.widgets.whole_spin_box import WholeSpinBox

DEFAULT_SPEC = "tflite_micro_speech"
MAX_EPOCHS = 10_000
MAX_WORKERS = 256
AUTO = 0  # spin box value meaning "the spec's own value"
SUMMARY_MIN_CHARS = 8  # an elided summary keeps at least "2 chan…"


class ElidedLabel(QLabel):
    """A one-line label that shows what fits and ends with "…"; its whole text is in :meth:`text`.

    Why: the settings summary may list many changes, and the form's column has a fixed width.
    """

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), SUMMARY_MIN_CHARS * self.fontMetrics().averageCharWidth()), hint.height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(painter, rect, int(self.alignment()), self.palette(), self.isEnabled(), text,
                                  QPalette.ColorRole.WindowText)

    def elided(self) -> bool:
        """Whether the text does not fit as it is laid out now."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()


class TrainingSettingsView(QWidget):
    """``arguments()`` gives the ``kws train`` options; ``specs_loaded()`` once the list is known."""

    specs_loaded = Signal()
    keywords_changed = Signal(list)
    out_chosen = Signal()  # the output folder was chosen (Browse, or its field edited and left), not typed half-way
    spec_settings_changed = Signal()  # set_spec_settings ran: the changes, or the spec they belong to, changed
    spec_settings_accepted = Signal()  # the user accepted "Change…": its settings are theirs, even ones unchanged

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs: list[dict[str, Any]] = []
        self.spec = QComboBox()
        self.spec.addItem(DEFAULT_SPEC, DEFAULT_SPEC)
        self.spec.setToolTip(words.SPEC_TIP)
        self.keywords = KeywordsField(self.chosen_spec)
        self.epochs = WholeSpinBox(minimum=AUTO, maximum=MAX_EPOCHS)
        self.epochs.setSpecialValueText(words.EPOCHS_AUTO)
        self.epochs.setToolTip(words.EPOCHS_TIP)
        self.seed = WholeSpinBox(minimum=AUTO, maximum=2**31 - 1)
        self.seed.setSpecialValueText(words.SEED_AUTO)
        self.seed.setToolTip(words.SEED_TIP)
        self.workers = WholeSpinBox(minimum=AUTO, maximum=MAX_WORKERS)
        self.workers.setSpecialValueText(words.WORKERS_AUTO)
        self.workers.setToolTip(words.WORKERS_TIP)
        self.init_from = QLineEdit()
        self.init_from.setPlaceholderText(words.INIT_FROM_PLACEHOLDER)
        self.init_from.setToolTip(words.INIT_FROM_TIP)
        # a tool button, as wide as its text: a push button is never under 80 px
        self.init_button = QToolButton(text=words.BROWSE_LABEL)
        self.init_from.setAccessibleName(words.INIT_FROM_ROW)  # in a row with its button: not the form label's buddy
        self.init_button.setAccessibleName(words.INIT_BUTTON_NAME)
        self.init_button.setToolTip(words.INIT_BUTTON_TIP)
        self.out = QLineEdit()
        self.out.setPlaceholderText(words.OUT_PLACEHOLDER)
        self.out.setToolTip(words.OUT_TIP)
        self.out_button = QToolButton(text=words.BROWSE_LABEL)
        self.out.setAccessibleName(words.OUT_ROW)
        self.out_button.setAccessibleName(words.OUT_BUTTON_NAME)
        self.out_button.setToolTip(words.OUT_BUTTON_TIP)
        self.mltk_zip = QCheckBox(words.MLTK_ZIP_LABEL)
        self.mltk_zip.setToolTip(words.MLTK_ZIP_TIP)
        self.spec_settings: dict[str, str] = {}  # {path: TOML text}: kws train --set PATH=TEXT for each
        self._settings_spec = DEFAULT_SPEC  # the spec the changes belong to
        self.settings_summary = ElidedLabel(words.SPEC_OWN_SETTINGS)
        self.settings_summary.setAccessibleName(words.SETTINGS_SUMMARY_NAME)
        self.settings_button = QPushButton(words.SETTINGS_BUTTON_LABEL)
        self.settings_button.setAccessibleName(words.SETTINGS_BUTTON_NAME)
        self.settings_button.setToolTip(words.SETTINGS_BUTTON_TIP)
        self.resume_note = QLabel(words.RESUME_KEEPS, wordWrap=True)
        self.resume_note.setVisible(False)
        self._kept_by_run: tuple[QWidget, ...] = (self.spec, self.keywords, self.settings_button, self.seed,
                                                  self.init_from, self.init_button)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        # the column is a few hundred pixels wide: at a large font a field goes under its label, not squeezed
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.resume_note)
        form.addRow(words.SPEC_ROW, self.spec)
        form.addRow(words.KEYWORDS_ROW, self.keywords)
        form.addRow(words.SETTINGS_ROW, self._with_button(self.settings_summary, self.settings_button))
        form.addRow(words.EPOCHS_ROW, self.epochs)
        form.addRow(words.SEED_ROW, self.seed)
        form.addRow(words.WORKERS_ROW, self.workers)
        form.addRow(words.INIT_FROM_ROW, self._with_button(self.init_from, self.init_button))
        form.addRow(words.OUT_ROW, self._with_button(self.out, self.out_button))
        form.addRow(self.mltk_zip)  # the whole row: its label is longer than the fields' column at a large font
        for field in (self.epochs, self.seed, self.init_from, self.out):  # the row's name says what its field says
            (form.labelForField(field) or form.labelForField(field.parentWidget())).setToolTip(field.toolTip())
        self.init_button.clicked.connect(self._choose_init)
        self.out_button.clicked.connect(self._choose_out)
        self.keywords.listed.connect(self.keywords_changed)
        self.out.editingFinished.connect(self.out_chosen.emit)
        self.spec.activated.connect(lambda _index: self._spec_chosen())
        self.settings_button.clicked.connect(self.open_spec_settings)
        self._process: QProcess | None = None

    @staticmethod
    def _with_button(edit: QWidget, button: QAbstractButton) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(button)
        return box

    # -- spec list ------------------------------------------------------------------------------
    def load_specs(self) -> None:
        """Ask ``kws specs --json`` for the shipped specs (asynchronously)."""
        if self._process is not None:
            return
        program, *arguments = kws_command("specs", "--json")
        process = QProcess(self)
        process.finished.connect(self._specs_done)
        self._process = process
        process.start(program, arguments)

    def _specs_done(self, code: int, _status: QProcess.ExitStatus) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        output = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        process.deleteLater()
        try:
            specs = json.loads(output) if code == 0 else []
        except json.JSONDecodeError:
            specs = []
        if specs:
            self.set_specs(specs)
        self.specs_loaded.emit()

    def set_specs(self, specs: list[dict[str, Any]]) -> None:
        """Offer ``specs`` (``kws specs --json`` rows); a spec file chosen meanwhile stays chosen."""
        current, current_text = self.spec.currentData(), self.spec.currentText()
        self.specs = specs
        self.spec.clear()
        for row in specs:
            per_member = " per member" if row.get("ensemble_members", 1) > 1 else ""
            self.spec.addItem(f"{row['name']} — {row['macs'] / 1000:,.0f}k MACs{per_member}", row["name"])
            self.spec.setItemData(self.spec.count() - 1, row.get("description", ""), 3)  # tooltip role
        index = self.spec.findData(current)
        if index < 0 and current:
            self.spec.addItem(current_text, current)
            index = self.spec.count() - 1
        self.spec.setCurrentIndex(max(index, 0))

    def select_spec(self, name_or_file: str) -> None:
        """Choose a spec (a shipped name or a .toml file); the Keywords field shows its keywords."""
        self._choose(name_or_file)
        self._spec_chosen()

    def show_run(self, spec: str, keywords: list[str] | None, label: str | None = None,
                 settings: Mapping[str, Any] | None = None, seed: int | None = None,
                 init_from: str | None = None) -> None:
        """Show the spec, keywords, changed settings, seed and starting weights a run trained with (``keywords``,
        ``seed``, ``init_from`` None: the spec's own; ``settings``: run.json's {path: value}), so training again
        repeats that run and a locked form (:meth:`lock_to_run`) shows what Resume keeps; ``label`` names a spec
        file in the list."""
        self._choose(spec, label)
        if keywords is None:
            self.keywords.follow_spec()
        else:
            self.set_keywords(keywords)
        self.set_spec_settings({str(path): toml_value(value) for path, value in (settings or {}).items()})
        self.seed.setValue(seed if seed is not None else AUTO)
        self.init_from.setText(init_from or "")

    def _choose(self, name_or_file: str, label: str | None = None) -> None:
        index = self.spec.findData(name_or_file)
        if index < 0:
            self.spec.addItem(label or Path(name_or_file).name, name_or_file)
            index = self.spec.count() - 1
        elif label:
            self.spec.setItemText(index, label)
        self.spec.setCurrentIndex(index)

    def chosen_spec(self) -> str:
        """The spec the form trains: a shipped name or a .toml file."""
        return str(self.spec.currentData() or DEFAULT_SPEC)

    def spec_keywords(self) -> list[str] | None:
        """The chosen spec's own keywords (what it trains on without --keywords); None when it cannot be read."""
        return self.keywords.spec_keywords()

    def _spec_chosen(self) -> None:
        """Another spec was chosen: its keywords in the field, and the changed settings dropped."""
        if self.spec.currentData() != self._settings_spec:
            self.set_spec_settings({})
        self.keywords.follow_spec()

    def take_built_keywords(self, folder: str) -> None:
        """The field after a dataset was built in ``folder`` for its words (:meth:`KeywordsField.take_built`)."""
        self.keywords.take_built(folder)

    def set_keywords(self, keywords: list[str]) -> None:
        """Show ``keywords`` in the field, as if typed (the Data table counts them at once)."""
        self.keywords.set_keywords(keywords)

    # -- the spec's settings ----------------------------------------------------------------------
    def set_spec_settings(self, changes: Mapping[str, str]) -> None:
        """Train the chosen spec with ``changes`` ({path: TOML text}; empty: the spec's own settings); a change of
        ``data.keywords`` goes into the Keywords field instead (module docstring)."""
        changes = dict(changes)
        keywords = keyword_setting_list(changes.get(KEYWORDS_SETTING))
        if keywords is not None:
            del changes[KEYWORDS_SETTING]
            self.set_keywords(keywords)
        self.spec_settings = changes
        self._settings_spec = self.chosen_spec()
        summary = words.settings_summary(self.spec_settings)
        self.settings_summary.setText(summary)
        self.settings_summary.setToolTip(summary if self.spec_settings else words.NO_SETTINGS_CHANGED_TIP)
        self.spec_settings_changed.emit()

    def open_spec_settings(self) -> SpecSettingsDialog:
        """Open the settings of the chosen spec, the current changes filled in; its OK sets them."""
        spec = self.chosen_spec()
        changes = dict(self.spec_settings if spec == self._settings_spec else {})
        if self.keyword_list() != self.spec_keywords():  # the field's keywords, as the dialog writes a list
            changes[KEYWORDS_SETTING] = toml_value(self.keyword_list())
        dialog = SpecSettingsDialog(spec, changes, self, notes={KEYWORDS_SETTING: words.KEYWORDS_NOTE})
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._settings_accepted(spec, dialog.changes()))
        dialog.open()
        return dialog

    def _settings_accepted(self, spec: str, changes: dict[str, str]) -> None:
        if spec != self.spec.currentData():  # the spec changed meanwhile: the changes were for another
            return
        if KEYWORDS_SETTING not in changes:  # the dialog gave data.keywords the spec's value (again)
            self.keywords.follow_spec()
        self.set_spec_settings(changes)
        self.spec_settings_accepted.emit()

    # -- values ---------------------------------------------------------------------------------
    def keyword_list(self) -> list[str]:
        return self.keywords.keyword_list()

    def out_folder(self) -> Path | None:
        """The output folder the form names; None for none, or for a relative path (:meth:`checked_out_folder`)."""
        try:
            return self.checked_out_folder()
        except SettingsError:
            return None

    def checked_out_folder(self) -> Path:
        """The output folder (``~`` expanded); SettingsError, one sentence, when there is none or it is relative.

        Why a relative path is refused, as the dataset builder refuses it (the same sentence): ``kws train``
        would resolve it against the app's working folder, which the user never chose."""
        if not self.out.text().strip():
            raise SettingsError(words.NO_OUT_FOLDER)
        return output_folder(self.out.text())

    def check_keywords(self) -> None:
        """SettingsError when the Keywords field lists no keyword (:meth:`KeywordsField.check`)."""
        self.keywords.check()

    def lock_to_run(self, locked: bool) -> None:
        """Lock the fields a resumed run keeps (module docstring), and say why, while ``locked``."""
        for widget in self._kept_by_run:
            widget.setEnabled(not locked)
        self.resume_note.setVisible(locked)

    def arguments(self) -> list[str]:
        """``kws train`` options for these settings (without --dataset, --out and --progress)."""
        args = ["--spec", self.chosen_spec()]
        if self.keyword_list() and self.keyword_list() != self.spec_keywords():  # else the spec's own
            args += ["--keywords", ",".join(self.keyword_list())]
        for path, text in self.spec_settings.items():
            args += [SET_OPTION, f"{path}{ASSIGNMENT}{text}"]
        if self.epochs.value() != AUTO:
            args += ["--epochs", str(self.epochs.value())]
        if self.seed.value() != AUTO:
            args += ["--seed", str(self.seed.value())]
        args += self._workers_arguments()
        if self.init_from.text().strip():
            args += ["--init-from", self.init_from.text().strip()]
        if self.mltk_zip.isChecked():
            args.append("--mltk-zip")
        return args

    def resume_arguments(self) -> list[str]:
        """What a resumed run may change: the epoch limit, the feature workers and the MLTK archive (everything
        else, --set values too, is the stored run's; ``kws train --resume`` refuses them, :meth:`lock_to_run`)."""
        epochs = ["--epochs", str(self.epochs.value())] if self.epochs.value() != AUTO else []
        return epochs + self._workers_arguments() + (["--mltk-zip"] if self.mltk_zip.isChecked() else [])

    def _workers_arguments(self) -> list[str]:
        """``--workers N`` when chosen (a run that died of memory is resumed with fewer), else the default."""
        return ["--workers", str(self.workers.value())] if self.workers.value() != AUTO else []

    def _choose_init(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, words.INIT_DIALOG_TITLE, "", words.MODEL_FILTER)
        if path:
            self.init_from.setText(path)

    def _choose_out(self) -> None:
        """Why it starts beside the current output folder (remembered between sessions by the workspace):
        a new run needs a new folder, usually next to the last one."""
        current = self.out_folder()
        start = str(current.parent) if current is not None else ""
        folder = QFileDialog.getExistingDirectory(self, words.OUT_DIALOG_TITLE, start)
        if folder:
            self.choose_out_folder(Path(folder))

    def choose_out_folder(self, folder: Path) -> None:
        """Make ``folder`` the output folder, as chosen (:attr:`out_chosen`): a run it holds sets the form."""
        self.out.setText(str(folder))
        self.out_chosen.emit()

    def shutdown(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.waitForFinished(3000)
