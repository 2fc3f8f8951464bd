"""The guided recorder's widgets and their layout: the session's choices, the prompt, the buttons and the takes kept.

Why a module of its own: :class:`~workbench.gui.stream.guided_recording_view.GuidedRecordingView` is the session
(its states, timers and takes); what it shows is built here once, as the Calibration workspace's layout is
(:mod:`workbench.gui.calibration.calibration_layout`), so the session's module stays about the session.

"Use for training" shows on the Done page only, when the session kept takes: the way on from recording takes is
training on them, and the window puts their folder into the Training workspace's Data list and their words into its
keywords (:func:`workbench.gui.window.panel_wiring.train_on_takes`), where they had to be added by hand before.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QVBoxLayout

from workbench.gui.stream.guided_plan import DEFAULT_TAKES
from workbench.gui.stream.recording_view import default_speaker
from workbench.gui.widgets.elided_path_label import ElidedPathLabel
from workbench.gui.widgets.whole_spin_box import WholeSpinBox

PROMPT_POINT_SIZE = 28
MAX_TAKES = 200
VIEW_SIZE_PX = (560, 520)
TRAIN_TIP = ("Add the dataset folder of the takes to the Training workspace's Data list and their words to its "
             "keywords, and show that workspace")


def build_guided_recording(view: Any) -> None:
    """Give ``view`` (a GuidedRecordingView) its fields, labels and buttons, laid out; the buttons are connected to
    its methods."""
    view.words_edit = QLineEdit()
    view.words_edit.setToolTip("The words to record, separated by commas")
    view.takes_spin = WholeSpinBox(minimum=1, maximum=MAX_TAKES, value=DEFAULT_TAKES)
    view.speaker_edit = QLineEdit(default_speaker())
    view.speaker_edit.setPlaceholderText("your name or an id")
    view.speaker_edit.setToolTip("Takes are named <speaker>_nohash_…, so a dataset split keeps all of them "
                                 "on one side (never trained and validated on the same voice). Use one "
                                 "id per person.")
    view.folder_label = ElidedPathLabel(view.folder)  # a long path is cut in its middle, never widening the dialog
    view.folder_button = QPushButton("Folder…", autoDefault=False)  # Enter in a field is Start's, never this
    view.folder_button.setToolTip("Choose the dataset folder the takes are saved in (one folder per word)")
    view.folder_button.clicked.connect(view.choose_folder)
    folder_row = QHBoxLayout()
    folder_row.addWidget(view.folder_label, 1)
    folder_row.addWidget(view.folder_button)
    form = QFormLayout()
    form.addRow("Words", view.words_edit)
    form.addRow("Takes per word", view.takes_spin)
    form.addRow("Speaker", view.speaker_edit)
    form.addRow("Dataset folder", folder_row)

    view.prompt = QLabel("")
    font = QFont(view.prompt.font())
    font.setPointSize(PROMPT_POINT_SIZE)
    font.setBold(True)
    view.prompt.setFont(font)
    view.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
    view.detail = QLabel("")
    view.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
    view.result = QLabel("")
    view.result.setAlignment(Qt.AlignmentFlag.AlignCenter)
    view.result.setWordWrap(True)
    view.saved_list = QListWidget(accessibleName="Takes kept")
    view.saved_list.setToolTip("The takes kept in this session")

    layout = QVBoxLayout(view)
    layout.addLayout(form)
    layout.addWidget(view.prompt)
    layout.addWidget(view.detail)
    layout.addWidget(view.result)
    layout.addLayout(_buttons(view))
    layout.addWidget(view.saved_list, 1)
    view.resize(*VIEW_SIZE_PX)


def _buttons(view: Any) -> QHBoxLayout:
    """Start, Retake, Skip word, Stop, and Use for training (shown on the Done page): a row of them."""
    view.start_button = QPushButton("&Start", default=True)  # the one Enter presses (when it is enabled)
    view.start_button.clicked.connect(view.start)
    view.retake_button = QPushButton("&Retake", autoDefault=False)
    view.retake_button.setToolTip("Delete the last kept take and record it again")
    view.retake_button.clicked.connect(view.retake)
    view.skip_button = QPushButton("S&kip word", autoDefault=False)
    view.skip_button.setToolTip("Leave the remaining takes of this word and go on with the next word")
    view.skip_button.clicked.connect(view.skip_word)
    view.stop_button = QPushButton("S&top", autoDefault=False)
    view.stop_button.setToolTip("End the session; the takes kept so far stay in the dataset folder")
    view.stop_button.clicked.connect(view.stop)
    view.train_button = QPushButton("&Use for training", autoDefault=False, visible=False)
    view.train_button.setToolTip(TRAIN_TIP)
    view.train_button.clicked.connect(lambda: view.use_for_training.emit(view.takes_folder))
    buttons = QHBoxLayout()
    for button in (view.start_button, view.retake_button, view.skip_button, view.stop_button, view.train_button):
        buttons.addWidget(button)
    return buttons
