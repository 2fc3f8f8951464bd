"""What each Board-tab button runs on the :class:`~workbench.gui.board.board_task.BoardTask` thread.

Why apart from the workspace: the workspace decides whether a job may start and shows what it reports; the
work itself is a few calls into :mod:`workbench.board` on a snapshot of the options, taken when the button is
pressed (later edits of the controls never touch a running job). No Qt here.
"""

from __future__ import annotations

from typing import Any, Callable

from workbench.board.runs.classify_run import ClassifyHandlers
from workbench.board.runs.job import BoardCallbacks, BoardOptions

Work = Callable[[BoardCallbacks, ClassifyHandlers], Any]


def info_work(commander: str | None, serialno: str | None) -> Work:
    """Ask the chip what it is."""
    def work(callbacks: BoardCallbacks, _handlers: ClassifyHandlers) -> Any:
        from workbench.board.commander import Commander

        return Commander.find(commander, serialno=serialno).device_info(cancel=callbacks.cancel)
    return work


def flash_work(options: BoardOptions, tflite: bytes, name: str) -> Work:
    """Flash the firmware (default: the audio classifier) and the tuned model, then reset the board."""
    def work(callbacks: BoardCallbacks, _handlers: ClassifyHandlers) -> Any:
        from workbench.board.firmware.catalog import CLASSIFIER_APP
        from workbench.board.runs.job import BoardJob

        job = BoardJob(options, callbacks)
        result = job.program(CLASSIFIER_APP, tflite, model_name=name)
        job.reset()
        return result
    return work


def profile_work(options: BoardOptions, tflite: bytes, name: str) -> Work:
    """Flash the model profiler (unless "Don't flash") and read the per-layer cycles and times it measures."""
    def work(callbacks: BoardCallbacks, _handlers: ClassifyHandlers) -> Any:
        from workbench.board.runs.profile_run import profile_on_board

        return profile_on_board(tflite, name, options, callbacks)
    return work


def classify_work(options: BoardOptions, tflite: bytes, name: str) -> Work:
    """Flash the audio classifier (unless "Don't flash") and report its detections until cancelled."""
    def work(callbacks: BoardCallbacks, handlers: ClassifyHandlers) -> Any:
        from workbench.board.runs.classify_run import classify_on_board

        return classify_on_board(tflite, options, callbacks, handlers, name=name)
    return work


def console_work(options: BoardOptions) -> Work:
    """The board's serial output until cancelled (the port given, else the chosen debugger's)."""
    def work(callbacks: BoardCallbacks, _handlers: ClassifyHandlers) -> Any:
        from workbench.board.ports import choose_port, list_serial_ports
        from workbench.board.runs.console import read_console

        port = options.port or choose_port(list_serial_ports(), options.serialno)
        return read_console(port, callbacks, baudrate=options.baudrate)
    return work

