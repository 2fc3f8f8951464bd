"""The questions the Board workspace asks: before it flashes a model the board's audio classifier will not run as
the workbench does, and before a running board job is stopped. Yes / No, No the default: Enter never flashes such
a model, nor stops a job.

Why ask rather than refuse: Flash cannot tell which firmware the image is for (a user's own firmware may run the
model), and a user may want to see the classifier's own refusal or put MLTK's profiler on the board; but a flash
takes half a minute and ends on a board that stops at start-up or does not classify, so the user is told first, in
one sentence, what the board would do.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from workbench.board.firmware.catalog import PROFILER_APP
from workbench.board.firmware.image_app import APP_TITLES
from workbench.gui.window.window_closing import ask_yes_no

RUNNING_JOB_TITLE = "Board job running"
STREAM_QUESTION_TITLE = "Flash a model the stream cannot run"
BOARD_QUESTION_TITLE = "Flash a model the board would refuse"
OTHER_APP_TITLE = "Flash another app's firmware"
# what the board does after Flash put MLTK's app there (Flash is for the audio classifier)
AFTER_FLASH = {PROFILER_APP: "profiles the model once at start-up, prints its figures on the serial port and "
                             "classifies nothing"}


def ask_about_running_job(parent: QWidget, question: str) -> bool:
    """Whether to stop the board job that is running (closing the window, another job)."""
    return ask_yes_no(parent, RUNNING_JOB_TITLE, question)


def running_job_question(task: str, flashing: str | None) -> str:
    """Asked before closing over the board job ``task``; ``flashing`` is its flashing step when it is in one.

    Why the step: a job that flashes first (Profile, Classify) is named by what it is for, but a stop during the
    flash is what matters -- it leaves the board half-flashed, and the user must know to flash it again.
    """
    if flashing:
        doing = flashing if flashing.startswith(task) else f"{task}: {flashing}"  # Flash's step repeats its name
        return (f"The board is being flashed ({doing}). Stopping now leaves it half-flashed: it must be "
                "flashed again before it is used. Stop it and close?")
    return f"The board is busy ({task}). Stop it and close?"


def ask_to_flash(parent: QWidget, title: str, question: str) -> bool:
    """The question box, No its default button."""
    return ask_yes_no(parent, title, question)


def stream_question(problem: str) -> str:
    """Asked before flashing a model open for inspection only (``controller.live_problem``)."""
    return f"The stream cannot run this model: {problem}. Flash it anyway?"


def board_question(problems: list[str]) -> str:
    """Asked before flashing an image the classifier firmware would refuse or read differently
    (:func:`~workbench.board.runs.classify_run.classifier_problems`), each problem a sentence of its own."""
    said = " ".join(f"{problem[:1].upper()}{problem[1:]}." for problem in problems)
    return f"The board's audio classifier would not run this model as the workbench does. {said} Flash it anyway?"


def other_app_question(image: str, app: str) -> str:
    """Asked before Flash writes ``image``, MLTK's ``app`` (not the audio classifier Flash is for): what the board
    will do after it, as Profile and Classify refuse such an image outright (they need their own app)."""
    return (f"The image {image} is MLTK's {APP_TITLES[app]} firmware, not the audio classifier: after the flash the "
            f"board {AFTER_FLASH.get(app, 'runs that app')}. Flash it anyway?")
