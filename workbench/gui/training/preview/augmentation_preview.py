"""The Training workspace's "Preview augmentation…" button: the form's run, previewed instead of trained.

Why the form's own command: what is previewed must be what Train would train on -- the same spec, ``--set``
changes, keywords, datasets and weights, and output folder -- so the workspace hands over the very options it would
start ``kws train`` with (``command``), and the child adds ``--preview-augmentation``. A folder that already holds a
run is no refusal here, unlike for Train: the preview writes only its own ``augmentation-preview/`` subfolder into it
and leaves the run's files alone (``kws train`` refuses a folder a live run is writing).

Why a fixed number of samples (:data:`PREVIEW_SAMPLES`) and no box for it: the preview takes each class's share of
the first epoch, every class at least once, so 24 samples show a dozen classes (ten keywords, unknown words and
silence) with most of them twice, and the transforms' spread; it renders in a second or two, and a list of 24 is
read through, where a form field would be one more thing to set before seeing anything.

Progress and the outcome are sentences for the workspace's status line (``said``), the progress bar's fraction
(``progress``); a failure is one sentence there, never a message box. The samples open in a non-modal
:class:`~.augmentation_preview_view.AugmentationPreviewView`, which the next preview fills again; it is emptied
while that preview writes (the files it listed are being replaced), and stays empty when it fails.

Why a cancelled preview's samples are shown: the user who cancels a long preview has heard enough to stop, not
nothing, and the child leaves a consistent folder -- the samples it finished, an index of them, a record counting
them as written of how many. So the window lists those (saying "cancelled after K of N") and the status line says
so; it stays empty when the child said nothing of a folder (stopped before any sample, or killed), wrote no sample,
or left files that do not add up (:func:`~.preview_index_reader.check_complete`), which the status line then says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from workbench.core.errors import SettingsError
from workbench.core.wording import counted
from workbench.gui.kws_child_process import CANCELLED
from workbench.gui.training.preview.augmentation_preview_process import DONE, AugmentationPreviewProcess
from workbench.gui.training.preview.augmentation_preview_view import AugmentationPreviewView
from workbench.gui.training.preview.preview_index_reader import PreviewIndexError, read_preview_record

PREVIEW_SAMPLES = 24  # module docstring
BUTTON_TEXT = "Preview &augmentation…"
BUTTON_TIP = (f"Write {PREVIEW_SAMPLES} samples of the first epoch, augmented as Train would augment them (the "
              "spec, its changed settings and these datasets), into the output folder's augmentation-preview "
              "folder, then hear and see them; nothing is trained and a run already in the folder is left alone")
STARTING = "Augmentation preview: starting…"
STOPPING = "Stopping the augmentation preview…"
CANCELLED_TEXT = "Augmentation preview cancelled."
CANCELLED_AFTER = "Augmentation preview cancelled after {written} of {chosen}; the preview window lists them."
CANCELLED_UNSHOWN = "Augmentation preview cancelled; the samples it wrote cannot be shown: {}"
STAGE = "Augmentation preview: {}"  # the child's words on where it is (scanning, the plan's counts, rendering)
FAILED_TEXT = "Augmentation preview failed: {}"

FormCommand = Callable[[], tuple[Path, list[str]]]  # the output folder and the options Train would start a run with


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop (the child's words are a clause)."""
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


class AugmentationPreview(QObject):
    """:attr:`button` starts the preview of what ``command`` (the workspace's form) would train.

    Signals: ``said(text)`` for the workspace's status line, ``progress(fraction)`` for its progress bar and
    ``busy_changed()`` when a preview starts or ends (the workspace's buttons follow :attr:`running`).
    """

    said = Signal(str)
    progress = Signal(float)
    busy_changed = Signal()

    def __init__(self, command: FormCommand, parent: QWidget, count: int = PREVIEW_SAMPLES) -> None:
        super().__init__(parent)
        self.command = command
        self.count = count
        self.owner = parent  # the view's parent: it closes with the workspace
        self.button = QPushButton(BUTTON_TEXT)
        self.button.setToolTip(BUTTON_TIP)
        self.process = AugmentationPreviewProcess(self)
        self.view: AugmentationPreviewView | None = None
        self.button.clicked.connect(lambda: self.start())
        self.process.progress.connect(self.progress)
        self.process.message.connect(lambda text: self.said.emit(STAGE.format(text)))
        self.process.finished.connect(self._finished)

    @property
    def running(self) -> bool:
        return self.process.running

    def ready(self) -> bool:
        """Whether the form could start a run (Train's checks: spec, keywords, datasets and weights, output folder)."""
        try:
            self.command()
        except SettingsError:
            return False
        return True

    def update_button(self, free: bool) -> None:
        """Enable the button when the workspace is ``free`` (no run, no preview) and the form is :meth:`ready`."""
        self.button.setEnabled(free and not self.running and self.ready())

    def start(self) -> bool:
        """Start the preview of the form's run; False, with the reason said, when the form cannot start one."""
        if self.running:
            return False
        try:
            out, arguments = self.command()
        except SettingsError as exc:
            self.said.emit(str(exc))
            return False
        self.process.start(out, self.count, *arguments)
        if self.view is not None:  # the files it lists may be the ones the new preview replaces
            self.view.clear(STARTING)
        self.progress.emit(0.0)
        self.said.emit(STARTING)
        self.busy_changed.emit()
        return True

    def cancel(self) -> None:
        if self.running:
            self.said.emit(STOPPING)
            self.process.cancel()

    def _finished(self, status: str, message: str, folder: str) -> None:
        shown = False
        if status == DONE:
            try:
                self.open_view(Path(folder))
                shown, said = True, sentence(message)
            except PreviewIndexError as exc:
                said = FAILED_TEXT.format(sentence(str(exc)))
        elif status == CANCELLED and folder:
            shown, said = self._show_cancelled(Path(folder), message)
        else:
            said = CANCELLED_TEXT if status == CANCELLED else FAILED_TEXT.format(sentence(message))
        if not shown and self.view is not None:  # its list would name files the new preview replaced
            self.view.clear(said)
        self.progress.emit(self._shown_fraction() if shown else 0.0)
        self.said.emit(said)
        self.busy_changed.emit()

    def _shown_fraction(self) -> float:
        """How much of the preview the view shows: all, or a cancelled one's share written (its bar stays there)."""
        view = self.view
        if view is None or not view.record.interrupted or not view.record.chosen:
            return 1.0
        return len(view.rows) / view.record.chosen

    def _show_cancelled(self, folder: Path, message: str) -> tuple[bool, str]:
        """Show what the cancelled preview in ``folder`` finished (module docstring): (shown, the status line)."""
        record = read_preview_record(folder)
        if record.interrupted and not record.written:
            return False, CANCELLED_TEXT  # stopped before its first sample: nothing to show
        try:
            shown = self.open_view(folder).record
        except PreviewIndexError as exc:
            return False, CANCELLED_UNSHOWN.format(sentence(str(exc)))
        if not shown.interrupted:  # it had finished when Cancel came: the whole preview
            return True, sentence(message)
        return True, CANCELLED_AFTER.format(written=shown.written, chosen=counted(shown.chosen or 0, "sample"))

    def open_view(self, folder: Path) -> AugmentationPreviewView:
        """Show the preview in ``folder`` in the view (made on first use, deleted when closed); PreviewIndexError
        when its index cannot be read."""
        view = self.view
        if view is None:
            view = AugmentationPreviewView(self.owner)
            view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            view.destroyed.connect(self._view_gone)
        try:
            view.show_folder(folder)
        except PreviewIndexError:
            if view is not self.view:
                view.deleteLater()  # never shown: no empty window left behind
            raise
        self.view = view
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def _view_gone(self) -> None:
        self.view = None

    def shutdown(self, wait_ms: int) -> None:
        """Stop a running preview before the window goes."""
        if self.running:
            self.process.cancel()
            self.process.wait_stopped(wait_ms)
