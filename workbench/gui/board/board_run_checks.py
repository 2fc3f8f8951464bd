"""What the Board workspace checks, and asks the user, before it flashes or classifies the live stream's model.

Why apart from :mod:`workbench.gui.board.board_workspace`: the workspace runs board jobs; whether a job should
run at all is a question about the model (can the stream run it, would the classifier firmware take it) or the
image (is it MLTK's other app) that is answered before any job starts. The questions' wording and boxes are
:mod:`workbench.gui.board.board_questions`; here is when they are asked, and the one sentence Classify refuses with.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from workbench.gui.board.board_questions import (BOARD_QUESTION_TITLE, OTHER_APP_TITLE, STREAM_QUESTION_TITLE,
                                                 board_question, other_app_question, stream_question)

# asks ``(parent, title, question)``, True for Yes (the workspace's ``ask_flash``; tests answer for the user)
FlashQuestion = Callable[[QWidget, str, str], bool]


def flash_anyway(parent: QWidget, live_problem: str | None, ask: FlashQuestion) -> bool:
    """True unless the model cannot stream (``live_problem``) and the user says No (the default) to flashing it.

    Classify refuses such a model outright (:func:`classify_refusal`): its firmware feeds the model as the live
    stream does; Flash may be for the user's own firmware, which may run it.
    """
    return not live_problem or ask(parent, STREAM_QUESTION_TITLE, stream_question(live_problem))


def flash_refused_anyway(parent: QWidget, tflite: bytes, model: Any, ask: FlashQuestion) -> bool:
    """True unless the classifier firmware would refuse the image (no class names, ...) and the user says No.

    The problems name the model's file as a shell word, so the ``kws params`` command they suggest can be pasted.
    """
    from workbench.board.runs.classify_run import classifier_problems

    problems = classifier_problems(tflite, shlex.quote(str(model.path)) if model.path else model.name)
    return not problems or ask(parent, BOARD_QUESTION_TITLE, board_question(problems))


def classify_refusal(live_reason: str | None) -> str | None:
    """The one sentence Classify refuses a model the stream cannot run with (``controller.live_reason``), else
    None: the classifier firmware feeds the model as the live stream does, so it cannot run it either."""
    return f"The board's classifier cannot run this model either: {live_reason}." if live_reason else None


def flash_image_anyway(parent: QWidget, firmware: Path | None, tflite: bytes, model: Any, ask: FlashQuestion) -> bool:
    """True unless the user says No to what Flash would write: MLTK's other app's image in the Classifier image box
    (asked, naming the app and what the board does after it; Classify refuses it outright), else the model when the
    classifier firmware would refuse it (:func:`flash_refused_anyway`)."""
    app = other_app(firmware)
    if app is not None and firmware is not None:
        return ask(parent, OTHER_APP_TITLE, other_app_question(firmware.name, app))
    return flash_refused_anyway(parent, tflite, model, ask)


def other_app(firmware: Path | None) -> str | None:
    """MLTK's app other than the audio classifier that Flash's image is (the model profiler), else None
    (the published classifier, the classifier's image, or the user's own firmware: :mod:`image_app` says which)."""
    from workbench.board.firmware.catalog import CLASSIFIER_APP
    from workbench.board.firmware.image_app import image_app

    app = image_app(firmware) if firmware is not None else None
    return app if app is not None and app != CLASSIFIER_APP else None
