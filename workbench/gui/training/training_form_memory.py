"""What the Training form remembers between sessions: its dataset folders (with their weights), keywords and
output folder.

Why written as they change, not only when the window closes: a window that is killed never closes, and the
next start showed an empty output folder and the keywords of an earlier session. A typed field is written a
moment after the last keystroke (:class:`SettingsAutosave`), so a path typed letter by letter is one write; the
dataset list is also put into the settings at once, as before (a weight is remembered as it is edited).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QSettings

from workbench.gui.settings_autosave import SettingsAutosave
from workbench.gui.training.dataset_panel import DatasetPanel
from workbench.gui.training.dataset_weights import recalled_folders, remember_folders
from workbench.gui.training.training_settings_view import TrainingSettingsView

SETTINGS_PREFIX = "training/"
OUT_KEY, KEYWORDS_KEY = "out", "keywords"  # after the prefix


class TrainingFormMemory(QObject):
    """Restores the form from ``settings`` and keeps it there; ``settings`` None: neither (no window settings)."""

    def __init__(self, settings: QSettings | None, datasets: DatasetPanel, form: TrainingSettingsView,
                 parent: QObject) -> None:
        super().__init__(parent)
        self._settings = settings
        self._datasets = datasets
        self._form = form
        self._restoring = False  # True while restore() fills the form: nothing is saved then
        self.autosave = SettingsAutosave(self.save, settings, self)
        datasets.changed.connect(self.save)  # into the settings at once; the file is written a moment later
        datasets.changed.connect(self._changed)
        for field in (form.out, form.keywords):
            field.textChanged.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        if not self._restoring:  # what restore() shows is what the file holds already
            self.autosave.schedule()

    def restore(self, take_run_settings: Callable[[], None]) -> None:
        """Show the last session's datasets, keywords and output folder; then ``take_run_settings`` (a run in the
        output folder shows its own spec and keywords).

        Why saving is off meanwhile: setting the dataset list emits ``changed``, whose save would store the
        still empty output folder and default keywords over the remembered ones before they are read.
        """
        if self._settings is None:
            return
        self._restoring = True
        try:
            folders = recalled_folders(self._settings, SETTINGS_PREFIX)  # with their weights
            self._datasets.set_folders([f for f in folders if f.path.is_dir()])
            keywords = str(self._settings.value(SETTINGS_PREFIX + KEYWORDS_KEY, "") or "")
            if keywords:
                self._form.keywords.setText(keywords)
                self._datasets.set_keywords(self._form.keyword_list())
            # after the keywords: a run in the output folder shows its own spec and keywords
            self._form.out.setText(str(self._settings.value(SETTINGS_PREFIX + OUT_KEY, "") or ""))
            take_run_settings()
        finally:
            self._restoring = False

    def save(self) -> None:
        """Put the form's remembered fields into the settings (written to disk by the settings' own sync)."""
        if self._settings is None or self._restoring:
            return
        remember_folders(self._settings, SETTINGS_PREFIX, self._datasets.weighted_folders())
        self._settings.setValue(SETTINGS_PREFIX + OUT_KEY, self._form.out.text())
        self._settings.setValue(SETTINGS_PREFIX + KEYWORDS_KEY, self._form.keywords.text())
