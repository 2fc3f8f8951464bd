"""What the Training form remembers between sessions: every choice it offers -- its dataset folders (with their
weights), spec, changed settings (``--set``), keywords, epochs, seed, feature workers, starting weights, output
folder and the MLTK archive option.

Why written as they change, not only when the window closes: a window that is killed never closes, and the
next start showed an empty output folder and the keywords of an earlier session. A typed field is written a
moment after the last keystroke (:class:`SettingsAutosave`), so a path typed letter by letter is one write; the
dataset list is also put into the settings at once, as before (a weight is remembered as it is edited).

Why only the fields changed in this window are written (at close too): several windows share the settings file,
and a form written whole would put the values it showed at its start over those another window chose since --
an untouched form closed last blanked the other's output folder and epochs. A field (or the spec with its label and
changed settings, or the dataset list with its weights: each written together) is written when it differs from what
this form last restored or wrote.

Why a remembered choice that no longer fits is dropped with a sentence in the status bar, not an error box: the
spec may have been a run's ``spec.toml`` deleted since, or a file edited so that a remembered ``--set`` value is
no longer one of its settings (:class:`RememberedSettingsCheck`). The form then shows the default spec, or the
spec's own settings, and says why; the start is no moment for a dialog about last week's choice, and leaving the
choice in place would only have ``kws train`` refuse it when Train is pressed.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QSpinBox

from workbench.core.errors import SettingsError
from workbench.gui.settings.settings_autosave import SettingsAutosave
from workbench.gui.training.data_list.dataset_panel import DatasetPanel
from workbench.gui.training.data_list.dataset_weights import recalled_folders, remember_folders
from workbench.gui.training.remembered_settings_check import RememberedSettingsCheck
from workbench.gui.training.training_settings_view import AUTO, DEFAULT_SPEC, TrainingSettingsView
from workbench.spec_files import is_spec_file, resolve_spec_path

SETTINGS_PREFIX = "training/"
OUT_KEY, KEYWORDS_KEY = "out", "keywords"  # after the prefix
SPEC_KEY, SPEC_LABEL_KEY, SPEC_SETTINGS_KEY = "spec", "spec_label", "spec_settings"  # the settings: JSON {path: text}
EPOCHS_KEY, SEED_KEY, WORKERS_KEY, INIT_FROM_KEY, MLTK_ZIP_KEY = "epochs", "seed", "workers", "init_from", "mltk_zip"
TRUE_TEXTS = ("true", "1")  # a remembered True, as an INI file gives it back
DATASETS = "datasets"  # the dataset list's field: its folders and weights (dataset_weights' two keys)
SPEC_GONE = "The spec of the last session is gone ({reason}): the form shows {default} with its own settings again."


def _whole(value: object, box: QSpinBox) -> int:
    """A remembered value of ``box``, within its range (a damaged file's huge number would not fit a Qt int); AUTO
    (the spec's own) for none or a malformed one."""
    try:
        number = int(str(value))
    except ValueError:
        return AUTO
    return min(max(number, box.minimum()), box.maximum())


def _flag(value: object) -> bool:
    return str(value).lower() in TRUE_TEXTS


def _changes(value: object) -> dict[str, str]:
    """Remembered ``--set`` values ({path: TOML text}); {} for none or a malformed record."""
    try:
        changes = json.loads(str(value)) if value else {}
    except (ValueError, RecursionError):
        return {}
    if not isinstance(changes, dict) or not all(
            isinstance(path, str) and path and isinstance(text, str) for path, text in changes.items()):
        return {}
    return changes


class TrainingFormMemory(QObject):
    """Restores the form from ``settings`` and keeps it there; ``settings`` None: neither (no window settings)."""

    note = Signal(str)  # a remembered choice that no longer fits was dropped: the sentence saying so

    def __init__(self, settings: QSettings | None, datasets: DatasetPanel, form: TrainingSettingsView,
                 parent: QObject) -> None:
        super().__init__(parent)
        self._settings = settings
        self._datasets = datasets
        self._form = form
        self._restoring = False  # True while restore() fills the form: nothing is saved then
        self._held: dict[str, Any] = self._fields()  # what the settings hold of each field, as this form knows it
        self.autosave = SettingsAutosave(self.save, settings, self)
        self.check = RememberedSettingsCheck(self)
        self.check.checked.connect(self._checked)
        datasets.changed.connect(self.save)  # into the settings at once; the file is written a moment later
        datasets.changed.connect(self._changed)
        for field in (form.out, form.keywords, form.init_from):
            field.textChanged.connect(self._changed)
        for box in (form.epochs, form.seed, form.workers):
            box.valueChanged.connect(self._changed)
        form.mltk_zip.toggled.connect(self._changed)
        form.spec.activated.connect(self._changed)  # the user's choice (the spec list arriving is none)
        form.spec_settings_changed.connect(self._changed)  # the dialog's OK, another spec, a run's settings

    def _changed(self, *_args: object) -> None:
        if not self._restoring:  # what restore() shows is what the file holds already
            self.autosave.schedule()

    def restore(self, take_run_settings: Callable[[], None]) -> None:
        """Show the last session's form; then ``take_run_settings`` (a run in the output folder shows its own spec,
        keywords, settings, seed and starting weights), and check the remembered settings if they are still shown.

        Why saving is off meanwhile: setting the dataset list emits ``changed``, whose save would store the
        still empty output folder and default keywords over the remembered ones before they are read.
        """
        if self._settings is None:
            return
        self._restoring = True
        try:
            folders = recalled_folders(self._settings, SETTINGS_PREFIX)  # with their weights
            self._datasets.set_folders([f for f in folders if f.path.is_dir()])
            spec_gone = self._restore_choices()  # before the keywords: choosing the spec shows its own
            keywords = self._text(KEYWORDS_KEY)
            if keywords:
                self._form.keywords.setText(keywords)
                self._datasets.set_keywords(self._form.keyword_list())
            remembered = (self._form.spec.currentData(), dict(self._form.spec_settings))
            # after the keywords: a run in the output folder shows its own spec and keywords
            self._form.out.setText(self._text(OUT_KEY))
            take_run_settings()
        finally:
            self._restoring = False
        self._held = self._fields()  # what the form shows now is no change of this window's
        if spec_gone:
            del self._held[SPEC_KEY]  # the default spec replaces the gone one in the file too
        if remembered[1] and (self._form.spec.currentData(), self._form.spec_settings) == remembered:
            self.check.start(str(remembered[0]), remembered[1])  # a run's own settings are that run's record

    def _restore_choices(self) -> bool:
        """Show the remembered spec with its changed settings, the epochs, seed, workers, starting weights and MLTK
        option; a spec that is gone gives way to the default, and its settings go with it (they were its own).
        True when it did (the default is then to be written)."""
        form = self._form
        spec, changes = self._text(SPEC_KEY) or DEFAULT_SPEC, _changes(self._text(SPEC_SETTINGS_KEY))
        gone = False
        try:
            resolve_spec_path(spec)
        except SettingsError as exc:
            self.note.emit(SPEC_GONE.format(reason=str(exc).rstrip("."), default=DEFAULT_SPEC))
            spec, changes, gone = DEFAULT_SPEC, {}, True
            self.autosave.schedule()  # the next start need not say it again
        label = (self._text(SPEC_LABEL_KEY) or None) if is_spec_file(spec) else None  # a name's label has its MACs
        form.show_run(spec, None, label, seed=_whole(self._text(SEED_KEY), form.seed),
                      init_from=self._text(INIT_FROM_KEY) or None)
        form.set_spec_settings(changes)
        form.epochs.setValue(_whole(self._text(EPOCHS_KEY), form.epochs))
        form.workers.setValue(_whole(self._text(WORKERS_KEY), form.workers))
        form.mltk_zip.setChecked(_flag(self._text(MLTK_ZIP_KEY)))
        return gone

    def _checked(self, spec: str, given: dict[str, str], accepted: dict[str, str], sentence: str) -> None:
        """Drop the remembered settings the spec no longer takes, unless the form changed meanwhile (the user's
        choice, or a run's, stands); the drop is written a moment later (``spec_settings_changed``)."""
        if self._form.spec.currentData() != spec or self._form.spec_settings != given:
            return
        if accepted != given:
            self._form.set_spec_settings(accepted)
        if sentence:
            self.note.emit(sentence)

    def _text(self, key: str) -> str:
        """The remembered value of ``key`` (after the prefix) as text, "" for none."""
        return str(self._settings.value(SETTINGS_PREFIX + key, "") or "") if self._settings is not None else ""

    def _fields(self) -> dict[str, Any]:
        """The form's remembered fields as they are written, by field; the spec's is (spec, its changed settings).

        Why the spec's label is no field: it changes when the spec list arrives (a name gets its MACs), which is no
        choice of the user's; it is written with its spec (:meth:`save`), never alone over another window's spec.
        """
        form = self._form
        spec = (str(form.spec.currentData() or DEFAULT_SPEC), json.dumps(form.spec_settings))
        return {DATASETS: tuple(self._datasets.weighted_folders()), OUT_KEY: form.out.text(),
                KEYWORDS_KEY: form.keywords.text(), SPEC_KEY: spec, EPOCHS_KEY: form.epochs.value(),
                SEED_KEY: form.seed.value(), WORKERS_KEY: form.workers.value(), INIT_FROM_KEY: form.init_from.text(),
                MLTK_ZIP_KEY: form.mltk_zip.isChecked()}

    def save(self) -> None:
        """Put the fields changed since the form was restored or last saved into the settings (written to disk by
        the settings' own sync); the others are left as the file has them, maybe another window's since."""
        if self._settings is None or self._restoring:
            return
        fields = self._fields()
        for name, value in fields.items():
            if name in self._held and self._held[name] == value:
                continue
            if name == DATASETS:
                remember_folders(self._settings, SETTINGS_PREFIX, value)
            elif name == SPEC_KEY:
                spec, changes = value
                for key, part in ((SPEC_KEY, spec), (SPEC_LABEL_KEY, self._form.spec.currentText()),
                                  (SPEC_SETTINGS_KEY, changes)):
                    self._settings.setValue(SETTINGS_PREFIX + key, part)
            else:
                self._settings.setValue(SETTINGS_PREFIX + name, value)
        self._held = fields

    def shutdown(self) -> None:
        """Write what changed in the form, whether or not a write was pending, and end a running check."""
        self.check.stop()
        self.autosave.flush()
