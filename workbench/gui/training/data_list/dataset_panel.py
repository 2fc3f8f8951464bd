"""The dataset part of the Training workspace: folders, what they hold, and downloading Speech Commands.

Why the table: before minutes of training a user should see what the model will learn from -- clips
per class in the dataset's own splits (other words are ``_unknown_``), speakers per split, and
files that cannot be read -- the same figures as ``kws dataset info``, from
:func:`workbench.datasets.summary.dataset_summary`. Scanning reads every file header, so it runs in
a worker thread; downloading is ``kws dataset download`` in a child process (progress from its
output, Cancel interrupts it and keeps the partial download for a later resume).

Why the columns say they are the dataset's splits, not the samples training uses: ``kws train`` draws its
``_unknown_`` samples from these clips and generates ``_silence_`` ones, and a spec with
``validation_resplit_percent`` (the default spec has it) re-splits the non-test clips by speaker. That plan is the
training package's (:mod:`workbench.training.data.sample_plan`), which the window may not import (an
import-linter contract) and must not copy (two rules drift apart); a run's Log lists its samples per split
(its ``[plan]`` lines), and the table's tooltips and status line point there.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QObject, QProcess, Signal
from PySide6.QtWidgets import (
    QFileDialog, QHeaderView, QLabel, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from workbench.child_command import kws_command
from workbench.core.errors import WorkbenchError, closest_name
from workbench.datasets.layout import merge_datasets, scan_dataset
from workbench.datasets.summary import DatasetSummary, dataset_summary
from workbench.gui.training.data_list.dataset_folder_table import DatasetFolderTable
from workbench.gui.training.data_list.dataset_weights import DatasetFolder
from workbench.gui.widgets.flow_layout import FlowLayout

SPLITS = ("training", "validation", "testing")
DOWNLOAD_NAME = "speech_commands_v2"
PERCENT_PATTERN = re.compile(r"(\d+(?:\.\d+)?)\s*%")
ERROR_PREFIX = "kws: error: "
PERCENT = 100
WORDS_SHOWN = 12  # the words of a class listed in the table (all of them in its tooltip)
SHUTDOWN_WAIT_S = 10.0  # a scan still reading file headers when the window closes
SPLIT_TIP = ("Clips of the dataset's own {split} split (as kws dataset info counts them). Training draws its "
             "samples from them and may re-split the non-test clips (the default spec does): a run's Log lists "
             "the samples it uses")
SPLITS_NOTE = ("The columns are the dataset's own splits; a run's Log lists the samples training uses (its spec "
               "may re-split them).")
NOT_A_WORD_CUTOFF = 0.8  # a keyword this close to a word folder (case aside) is offered as "did you mean"


class SummaryWorker(QObject):
    """Scans dataset folders in a Python thread; ``ready(summary)`` or ``failed(message)``, then ``done``.

    Why a plain thread and not a ``QThread``: nothing here needs a Qt event loop, and a ``QThread``
    brings a life cycle of its own (destroyed while running aborts the process; ``wait`` from the GUI
    thread while the worker needs the interpreter lock stalls both). The signals are emitted from the
    worker thread and, since this object lives in the GUI thread, arrive there queued. The object has no
    Qt parent: the thread's own reference keeps it alive until the thread has finished with it.
    """

    ready = Signal(object)
    failed = Signal(str)
    done = Signal()

    def __init__(self, folders: Sequence[Path], keywords: Sequence[str]) -> None:
        super().__init__()
        self.folders, self.keywords = list(folders), list(keywords)
        self._thread = threading.Thread(target=self._run, name="dataset-summary", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout_s: float) -> bool:
        """True when the scan has finished (within ``timeout_s``)."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            index = merge_datasets([scan_dataset(folder) for folder in self.folders])
            self.ready.emit(dataset_summary(index, self.keywords))
        except WorkbenchError as exc:
            self.failed.emit(str(exc))
        except OSError as exc:  # a folder removed or unreadable while it was scanned
            self.failed.emit(f"Could not read the dataset: {exc}")
        finally:
            self.done.emit()


def _missing(summary: DatasetSummary) -> str:
    """The clause ``; no clips of Yes, NO (did you mean yes, no?)`` for keywords no folder holds ("" when every
    keyword has clips): the Keywords field is matched to the folders as it is written."""
    absent = [item.label for item in summary.classes if item.label in summary.keywords and not item.total]
    if not absent:
        return ""
    words = set(summary.words) - set(summary.keywords)
    guesses = [guess for name in absent if (guess := closest_name(name, words, NOT_A_WORD_CUTOFF)) is not None]
    return f"; no clips of {', '.join(absent)}" + (f" (did you mean {', '.join(guesses)}?)" if guesses else "")


class DatasetPanel(QWidget):
    """Dataset folders for training, their weights and their summary table. ``changed()`` when the list or a
    weight changes (a weight changes what training draws from the clips, not the clips: no rescan)."""

    changed = Signal()
    error = Signal(str)
    synthesize_requested = Signal()  # "Synthesize…": the workspace opens the dataset builder

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keywords: list[str] = ["yes", "no"]
        self.summary: DatasetSummary | None = None
        self._worker: SummaryWorker | None = None
        self._rescan = False
        self._download: QProcess | None = None
        self._download_error = ""

        self.list = DatasetFolderTable()  # the folders and their weights
        self.list.setAccessibleName("Dataset folders")
        self.add_button = QPushButton("Add folder…")
        self.add_button.setToolTip("Add a dataset folder: one subfolder of clips per word, like Speech Commands")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected folders from the list (the files stay on disk)")
        self.download_button = QPushButton("Download Speech Commands…")
        self.download_button.setToolTip("The official 2.3 GB archive (CC-BY-4.0), unpacked into a new folder")
        self.synth_button = QPushButton("Synthesize…")
        self.synth_button.setToolTip("Build a dataset for any keywords from the local text-to-speech voices")
        self.download_progress = QProgressBar(maximum=PERCENT)
        self.download_progress.setVisible(False)
        self.table = QTableWidget(0, 1 + len(SPLITS) + 1)
        self.table.setHorizontalHeaderLabels(["class", *SPLITS, "words"])
        for column, split in enumerate(SPLITS, start=1):
            self.table.horizontalHeaderItem(column).setToolTip(SPLIT_TIP.format(split=split))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.setAccessibleName("Clips per class in the dataset's splits")
        self.table.setWordWrap(True)
        self.status = QLabel("Add a dataset folder (one folder per word, like Speech Commands).")
        self.status.setWordWrap(True)

        buttons = FlowLayout()  # folders you have
        for button in (self.add_button, self.remove_button):
            buttons.addWidget(button)
        sources = FlowLayout()  # datasets the workbench makes: rows of their own (two at a large font)
        for button in (self.download_button, self.synth_button):
            sources.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addLayout(sources)
        layout.addWidget(self.download_progress)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self._choose_folder)
        self.remove_button.clicked.connect(self._remove_selected)
        self.list.weights_changed.connect(self.changed)  # remembered; the clips and the table stay as they are
        self.download_button.clicked.connect(self._download_clicked)
        self.synth_button.clicked.connect(self.synthesize_requested)

    # -- folders ----------------------------------------------------------------------------------
    def folders(self) -> list[Path]:
        return [folder.path for folder in self.list.folders()]

    def weighted_folders(self) -> list[DatasetFolder]:
        """The folders with their weights, as ``kws train --dataset DIR:WEIGHT`` takes them."""
        return self.list.folders()

    def set_folders(self, folders: Sequence[str | Path | DatasetFolder]) -> None:
        """Show ``folders`` (a plain path weighs 1)."""
        self.list.set_folders([f if isinstance(f, DatasetFolder) else DatasetFolder(Path(f)) for f in folders])
        self._folders_changed()

    def add_folder(self, folder: str | Path) -> None:
        if self.list.add_folder(DatasetFolder(Path(folder))):
            self._folders_changed()

    def set_keywords(self, keywords: Sequence[str]) -> None:
        if list(keywords) != self.keywords:
            self.keywords = list(keywords)
            self.refresh()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Dataset folder (one folder per word)")
        if folder:
            self.add_folder(folder)

    def _remove_selected(self) -> None:
        self.list.remove_selected()
        self._folders_changed()

    def _folders_changed(self) -> None:
        self.changed.emit()
        self.refresh()

    # -- summary ----------------------------------------------------------------------------------
    @property
    def scanning(self) -> bool:
        return self._worker is not None

    def refresh(self) -> None:
        """Rescan the folders (in a worker thread) and show the table when done."""
        folders = self.folders()
        if not folders:
            self.summary = None
            self.table.setRowCount(0)
            self.status.setText("Add a dataset folder (one folder per word, like Speech Commands).")
            return
        if self._worker is not None:
            self._rescan = True
            return
        self.status.setText("Reading the dataset…")
        worker = SummaryWorker(folders, self.keywords)
        worker.ready.connect(self._show)
        worker.failed.connect(self._failed)
        worker.done.connect(self._worker_done)
        self._worker = worker
        worker.start()

    def _worker_done(self) -> None:
        self._worker = None
        if self._rescan:
            self._rescan = False
            self.refresh()

    def _failed(self, message: str) -> None:
        self.summary = None
        self.table.setRowCount(0)
        self.status.setText(message)

    def _show(self, summary: DatasetSummary) -> None:
        self.summary = summary
        self.table.setRowCount(len(summary.classes))
        for row, item in enumerate(summary.classes):
            shown_words = item.words[:WORDS_SHOWN]
            cells = [item.label, *(str(item.counts.get(s, 0)) for s in SPLITS),
                     ", ".join(shown_words) + (" …" if len(item.words) > WORDS_SHOWN else "")]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self.table.item(row, len(cells) - 1).setToolTip(", ".join(item.words))
        self.table.resizeRowsToContents()  # the words wrap in the column's width (_unknown_ has many)
        speakers = ", ".join(f"{summary.speakers.get(s, 0)} {s}" for s in SPLITS)
        problems = f"; {len(summary.unreadable)} unreadable files are skipped" if summary.unreadable else ""
        self.status.setText(f"{summary.clips} clips, {summary.duration_s / 60:.0f} min; speakers: {speakers}; "
                            f"{summary.background_files} background noise files{problems}{_missing(summary)}. "
                            f"{SPLITS_NOTE}")

    # -- download ---------------------------------------------------------------------------------
    @property
    def downloading(self) -> bool:
        return self._download is not None

    def _download_clicked(self) -> None:
        if self._download is not None:
            self.cancel_download()
            return
        parent = QFileDialog.getExistingDirectory(self, "Download Speech Commands into a new folder inside…")
        if parent:
            self.start_download(Path(parent) / "speech_commands_v2")

    def start_download(self, dest: Path, url: str | None = None, sha256: str | None = None) -> None:
        args = ["dataset", "download", DOWNLOAD_NAME, "--dest", str(dest)]
        args += ["--url", url] if url else []
        args += ["--sha256", sha256] if sha256 else []
        program, *arguments = kws_command(*args)
        process = QProcess(self)
        process.readyReadStandardError.connect(self._download_output)
        process.finished.connect(lambda code, _status: self._download_finished(code, dest))
        self._download, self._download_error = process, ""
        self.download_progress.setValue(0)
        self.download_progress.setVisible(True)
        self.download_button.setText("Cancel download")
        process.start(program, arguments)

    def cancel_download(self) -> None:
        if self._download is None:
            return
        if sys.platform != "win32":
            import os

            os.kill(int(self._download.processId()), signal.SIGINT)  # keeps the partial file for a resume
        else:
            self._download.kill()

    def _download_output(self) -> None:
        if self._download is None:
            return
        text = bytes(self._download.readAllStandardError().data()).decode("utf-8", "replace")
        for line in re.split(r"[\r\n]+", text):
            if line.startswith(ERROR_PREFIX):
                self._download_error = line[len(ERROR_PREFIX):].strip()
            found = PERCENT_PATTERN.findall(line)
            if found:
                self.download_progress.setValue(int(float(found[-1])))
                self.download_progress.setFormat(line.split("[")[0].strip() + " %p %")

    def _download_finished(self, code: int, dest: Path) -> None:
        process, self._download = self._download, None
        if process is not None:
            process.deleteLater()
        self.download_progress.setVisible(False)
        self.download_button.setText("Download Speech Commands…")
        if code == 0:
            self.add_folder(dest)
        elif self._download_error:
            self.error.emit(self._download_error)
        else:
            self.status.setText("Download stopped; start it again to resume.")

    def shutdown(self) -> None:
        if self._download is not None:
            self._download.kill()
            self._download.waitForFinished(3000)
        if self._worker is not None:
            self._worker.wait(SHUTDOWN_WAIT_S)
