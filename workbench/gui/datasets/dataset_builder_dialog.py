"""Build a keyword dataset from the local voices: words, negatives, voices, takes, folder; Build, Cancel, preview.

Why a dialog around ``kws dataset synth``: the build runs minutes in worker processes; as a child
process (:class:`~workbench.gui.kws_child.KwsChild`) it never blocks the window, Cancel
interrupts it at once (clips written so far stay, and "Continue" finishes the same build later), and its
progress lines drive the bar. The preview lists the clips as they appear: play one, see its spectrogram.
The finished folder trains as it is (``kws train --dataset FOLDER --keywords …``); ``built(path)`` tells the
Training workspace where it is. :func:`open_dataset_builder` is the entry point a workspace calls.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import SettingsError, WorkbenchError
from workbench.gui.kws_child import KwsChild
from workbench.gui.datasets.build_folder import built_line, check_new_folder, full_path, output_folder, resumable
from workbench.gui.datasets.build_status_view import BuildStatusView
from workbench.gui.datasets.clip_preview_view import ClipPreviewView
from workbench.gui.datasets.form_words import form_words, keyword_list
from workbench.gui.datasets.voice_picker_view import VoicePickerView
from workbench.gui.widgets.small_screen import first_window_size
from workbench.gui.widgets.whole_spin_box import WholeSpinBox
from workbench.gui.window.window_closing import ask_yes_no
from workbench.synthesis.build_plan import check_word
from workbench.synthesis.negatives import default_sound_alikes
from workbench.synthesis.synthesis_processes import WORKER_DIED

PROGRESS_STEPS = 1000
# the boxes each option of kws dataset synth comes from: the child's messages name the box instead
BUILDER_BOXES = {"--words": "Keywords", "--negatives": "Negative words", "--negatives-from": "Negatives from",
                 "--similar": "Sound-alikes per keyword", "--takes": "Takes per voice",
                 "--negative-takes": "Takes per negative word", "--sample-ms": "Clip length", "--seed": "Seed",
                 "--out": "Output folder", "--resume": "Continue"}
PREVIEW_REFRESH_MS = 1500
DEFAULT_CLIP_MS = 1000
SAMPLES_PER_MS = 16
AUTO_SIMILAR = -1  # the sound-alike spin box's "auto": --similar left out, kws dataset synth decides
FIRST_SIZE_PX = (1100, 720)  # the form beside a preview that shows a spectrogram; never more than the screen holds


def _ask_user(parent: QWidget, question: str) -> bool:
    return ask_yes_no(parent, "Dataset build in progress", question)


class DatasetBuilderDialog(QDialog):
    """The builder (module docstring). ``host``: the window's :class:`~workbench.gui.window.workspace_host.WorkspaceHost`."""

    built = Signal(str)  # the dataset folder, after a finished build

    def __init__(self, host: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ask = _ask_user  # replaceable (tests answer for the user)
        self.setWindowTitle("Build a keyword dataset from local voices")
        self.child = KwsChild("the dataset build", self, boxes=BUILDER_BOXES)
        self.child.progress.connect(self._on_progress)
        self.child.message.connect(self._on_message)
        self.child.succeeded.connect(self._on_succeeded)
        self.child.failed.connect(self._on_failed)
        self.child.cancelled.connect(self._on_cancelled)
        self._since_refresh = QElapsedTimer()
        self.last_command: list[str] = []
        self._one_worker = False  # a worker process died (out of memory?): Continue runs with one
        self._build_ui()
        self._use_model_settings()
        self.voices.failed.connect(self._on_voices_failed)
        self.voices.loaded.connect(
            lambda: self.status.show_text(f"{len(self.voices.selected_ids())} voices installed"))
        self.voices.refresh()
        self._update_buttons()

    # -- construction ----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.words_edit = QLineEdit()
        self.words_edit.setPlaceholderText("hey lamp, stop")
        self.words_edit.setToolTip("The keywords, separated by commas. Each becomes a folder (and a class): "
                                   "'hey lamp' → hey_lamp.")
        self.negatives_edit = QLineEdit()
        self.negatives_edit.setPlaceholderText("optional: other words the model must ignore")
        self.negatives_from = QLineEdit(accessibleName="Negatives from")  # its label names the row, not the field
        self.negatives_from.setPlaceholderText("optional: a dataset folder whose words are negatives")
        self.negatives_button = QPushButton("Folder…", accessibleName="Browse for the negatives folder")
        self.negatives_button.clicked.connect(self._choose_negatives)
        self.similar_spin = WholeSpinBox(minimum=AUTO_SIMILAR, maximum=60, value=AUTO_SIMILAR)
        self.similar_spin.setSpecialValueText("auto")
        self.similar_spin.setToolTip("Words that sound like each keyword (CMU dictionary), trained as unknown. "
                                     "auto: none when other negative words are given (beside them, synthetic "
                                     f"sound-alikes cost recall on real speakers), else {default_sound_alikes(False)}.")
        self.takes_spin = WholeSpinBox(minimum=1, maximum=100, value=5)
        self.takes_spin.setToolTip("How often each voice says each keyword (varied rate, pitch and accent).")
        self.negative_takes_spin = WholeSpinBox(minimum=0, maximum=20, value=1)
        self.clip_ms_spin = WholeSpinBox(minimum=300, maximum=5000, value=DEFAULT_CLIP_MS, singleStep=100, suffix=" ms")
        self.clip_ms_spin.setToolTip("Clip length: the model's sample length (taken from the loaded model).")
        self.seed_spin = WholeSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        self.seed_spin.setToolTip("The same seed and settings give the same dataset.")
        self.room_check = QCheckBox("Make clips sound recorded (room, microphone, noise floor)")
        self.curated_check = QCheckBox("Only the 26 most distinct espeak-ng variants (a smaller dataset)")
        self.curated_check.setToolTip("All usable espeak-ng variants make better models; the curated set is "
                                      "quicker to build and train.")
        self.curated_check.toggled.connect(lambda on: self.voices.refresh("curated" if on else "all"))
        self.out_edit = QLineEdit(accessibleName="Output folder")
        self.out_edit.setPlaceholderText("a new, empty folder")
        self.out_button = QPushButton("Browse…", accessibleName="Browse for the output folder")
        self.out_button.clicked.connect(self._choose_out)
        for edit in (self.words_edit, self.out_edit):
            edit.textChanged.connect(self._update_buttons)

        form = QFormLayout()
        form.addRow("Keywords", self.words_edit)
        form.addRow("Negative words", self.negatives_edit)
        negatives_row = QHBoxLayout()
        negatives_row.addWidget(self.negatives_from, 1)
        negatives_row.addWidget(self.negatives_button)
        form.addRow("Negatives from", negatives_row)
        form.addRow("Sound-alikes per keyword", self.similar_spin)
        form.addRow("Takes per voice", self.takes_spin)
        form.addRow("Takes per negative word", self.negative_takes_spin)
        form.addRow("Clip length", self.clip_ms_spin)
        form.addRow("Seed", self.seed_spin)
        form.addRow("", self.room_check)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.out_button)
        form.addRow("Output folder", out_row)

        self.voices = VoicePickerView()
        voices_box = QGroupBox("Voices")
        voices_layout = QVBoxLayout(voices_box)
        voices_layout.addWidget(self.voices)
        voices_layout.addWidget(self.curated_check)

        self.build_button = QPushButton("&Build")
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.build)
        self.continue_button = QPushButton("C&ontinue")  # Alt+C is Close's
        self.continue_button.setToolTip("Finish a cancelled or failed build of the same settings in the same folder")
        self.continue_button.clicked.connect(lambda: self.build(resume=True))
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.close)
        self.progress = QProgressBar(maximum=PROGRESS_STEPS)
        self.status = BuildStatusView()
        buttons = QHBoxLayout()
        for button in (self.build_button, self.continue_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.close_button)

        self.form_panel = QWidget()  # every setting of the build: disabled while one runs (it builds what it shows)
        left_layout = QVBoxLayout(self.form_panel)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addWidget(voices_box, 1)
        self.preview = ClipPreviewView()
        self.preview.clip_list.setAccessibleName("Clips built so far")
        self.preview.error.connect(self.host.show_error)
        preview_box = QGroupBox("Preview")
        QVBoxLayout(preview_box).addWidget(self.preview)
        splitter = QSplitter()
        splitter.addWidget(self.form_panel)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.resize(first_window_size(FIRST_SIZE_PX, self.screen().availableGeometry()))  # room for a title bar

    def _use_model_settings(self) -> None:
        """Clip length and spectrogram settings of the loaded model, when there is one."""
        model = getattr(getattr(self.host, "controller", None), "model", None)
        if model is None:
            return
        from workbench.core.frontend_settings import FrontendSettings

        try:
            settings = FrontendSettings.from_params(model.params)
        except (WorkbenchError, ValueError, TypeError):
            return
        self.clip_ms_spin.setValue(settings.sample_length // SAMPLES_PER_MS)
        self.preview.set_frontend(settings)

    # -- choosing folders (methods so tests can answer them) ---------------------------------------
    def _ask_folder(self, title: str, start: str) -> str:
        return QFileDialog.getExistingDirectory(self, title, start)

    def _choose_out(self) -> None:
        chosen = self._ask_folder("Folder for the new dataset", self.out_edit.text())
        if chosen:
            self.out_edit.setText(chosen)

    def _choose_negatives(self) -> None:
        chosen = self._ask_folder("Dataset whose words are negatives", self.negatives_from.text())
        if chosen:
            self.negatives_from.setText(chosen)

    # -- the command ---------------------------------------------------------------------------------
    def command_args(self, resume: bool = False) -> list[str]:
        """The ``kws dataset synth`` arguments of the form; SettingsError (one sentence) when it is incomplete."""
        words = keyword_list(self.words_edit.text())
        if not words:
            raise SettingsError("Type at least one keyword.")
        out = str(output_folder(self.out_edit.text()))
        if not resume:
            check_new_folder(Path(out))
        if self.voices.loading:
            raise SettingsError("The installed voices are still being listed; try again in a moment.")
        ids = self.voices.selected_ids()
        if not ids:
            raise SettingsError("Tick at least one voice.")
        args = ["dataset", "synth", "--words", ",".join(words), "--out", out,
                "--takes", str(self.takes_spin.value()), "--negative-takes", str(self.negative_takes_spin.value()),
                "--seed", str(self.seed_spin.value()),
                "--sample-ms", str(self.clip_ms_spin.value()), "--progress", "jsonl",
                "--engines", ",".join(self.voices.selected_engines())]
        if not self.voices.all_selected():
            args += ["--voices", ",".join(ids)]
        if self.curated_check.isChecked():
            args += ["--espeak-variants", "curated"]
        negatives = [check_word(w) for w in form_words(self.negatives_edit.text())]
        if negatives:
            args += ["--negatives", ",".join(negatives)]
        if self.negatives_from.text().strip():
            negatives_from = full_path(self.negatives_from.text(), "\u201cNegatives from\u201d",
                                       "\u201cFolder\u2026\u201d", "would be looked for in")
            args += ["--negatives-from", str(negatives_from)]
        if self.similar_spin.value() != AUTO_SIMILAR:
            args += ["--similar", str(self.similar_spin.value())]
        if self.room_check.isChecked():
            args.append("--room")
        if resume:
            args.append("--resume")
            if self._one_worker:
                args += ["--workers", "1"]
        return args

    def build(self, resume: bool = False) -> bool:
        """Start the build (False, with a message, when the form is incomplete or a build runs)."""
        if self.child.running:
            return False
        if not resume:
            self._one_worker = False
        try:
            args = self.command_args(resume)
        except WorkbenchError as exc:
            self.host.show_error(str(exc))
            return False
        self.last_command = args
        folder = Path(args[args.index("--out") + 1])
        self.preview.set_folder(folder)
        self.progress.setValue(0)
        self.status.clear_warnings()
        self.status.show_text("kws " + " ".join(shlex.quote(a) for a in args))
        self._since_refresh.start()
        self.child.start(*args)
        self._update_buttons()
        return True

    def cancel(self) -> None:
        if self.child.running:
            self.status.show_text("cancelling…")
            self.child.cancel()

    # -- child events ----------------------------------------------------------------------------------
    def _on_progress(self, phase: str, fraction: float) -> None:
        self.progress.setValue(int(round(fraction * PROGRESS_STEPS)))
        if phase == "clips" and self._since_refresh.elapsed() >= PREVIEW_REFRESH_MS:
            self._since_refresh.restart()
            self.preview.refresh()

    def _on_message(self, text: str) -> None:
        """A line of the build: warnings stay under the status line until the next build (BuildStatusView)."""
        self.status.add_message(text)

    def _on_succeeded(self) -> None:
        """The last line says whether the set can train (the warnings above it say why not)."""
        self.progress.setValue(PROGRESS_STEPS)
        self.preview.refresh()
        self._update_buttons()
        folder = self.preview.folder
        if folder is None:
            return
        keywords = self.last_command[self.last_command.index("--words") + 1].split(",")
        line, trainable = built_line(folder, keywords)
        self.status.show_text(line)
        self.host.show_status(f"dataset built in {folder}" if trainable
                              else f"dataset built in {folder}; it cannot train a model (no negative words)")
        self.built.emit(str(folder))

    def _on_failed(self, message: str) -> None:
        if message.startswith(WORKER_DIED):  # the command line's advice names --workers, which the form has not
            self._one_worker = True
            message = f"{WORKER_DIED}: Continue finishes the build with one worker process."
        self.progress.setValue(0)  # a failed build is not "100 %", even when it failed at the very end
        self.status.show_error(message)
        self.host.show_error(message)
        self._update_buttons()

    def _on_cancelled(self) -> None:
        self.preview.refresh()
        folder = self.preview.folder
        if folder is not None and resumable(folder):
            self.status.show_text("Cancelled: the clips made so far are kept; Continue finishes the build.")
        else:  # stopped before the build wrote anything
            self.status.show_text("Cancelled before the build wrote anything; Build starts it again.")
        self._update_buttons()

    def _on_voices_failed(self, message: str) -> None:
        self.status.show_error(message)
        self.host.show_error(message)

    def _out_folder(self) -> Path | None:
        """The output folder of the form, None while there is none (or a relative one, which Build refuses)."""
        try:
            return output_folder(self.out_edit.text())
        except SettingsError:
            return None

    def _update_buttons(self) -> None:
        running = self.child.running
        ready = bool(form_words(self.words_edit.text())) and bool(self.out_edit.text().strip())
        self.build_button.setEnabled(ready and not running)
        folder = self._out_folder()
        self.continue_button.setEnabled(ready and not running and folder is not None and resumable(folder))
        self.cancel_button.setEnabled(running)
        self.form_panel.setEnabled(not running)

    # -- closing -----------------------------------------------------------------------------------
    def confirm_close(self) -> bool:
        """Ask before a running build is stopped (the dialog's Close, or the window closing over it).

        Why ask: a build runs for minutes; stopping keeps its clips, but the user should choose that.
        """
        if not self.child.running:
            return True
        return self.ask(self, "A dataset build is running. Stop it (the clips made so far are kept, Continue "
                              "finishes it later) and close?")

    def shutdown(self) -> None:
        if self.child.running:
            self.child.cancel()
            self.child.wait_stopped()
        self.voices.stop()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        if not self.confirm_close():
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    def reject(self) -> None:
        """Escape: as Close (QDialog would only hide the dialog, leaving its build running unseen)."""
        if self.confirm_close():
            self.shutdown()
            super().reject()


def open_dataset_builder(host: Any, parent: QWidget | None = None) -> DatasetBuilderDialog:
    """Open the builder over ``parent`` (non-modal, deleted when closed; a running build is cancelled then).

    ``host`` is the window's :class:`~workbench.gui.window.workspace_host.WorkspaceHost` (messages, the loaded
    model's clip length). Connect the returned dialog's ``built(folder)`` to add the new dataset, e.g. to
    the Training workspace's dataset list.
    """
    dialog = DatasetBuilderDialog(host, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
