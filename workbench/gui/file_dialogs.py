"""The window's file dialogs and its recent-files menu.

Why apart from the window: each dialog only asks for a path and hands it to the window's
``open_model`` / ``open_audio`` / ``save_parameters`` / the log's export, which are what scripts and
tests call; keeping the asking here keeps :mod:`workbench.gui.window.main_window` about wiring. After a
save it says what the board would still refuse in the copy (:func:`notify_board_problems`). Each
kind of dialog starts in the folder it last chose in (``AppSettings.last_folder``), not the working directory;
a model copy saved with the detection parameters counts as chosen there (:func:`remember_saved_model`).

File ▸ Export for firmware (C header)… asks for the header file and the array's name in one dialog
(:mod:`workbench.gui.model.firmware_export_dialog`, filled in with the model's last export by
:mod:`workbench.gui.model.firmware_export_memory`), then writes the model as its file holds it, through
``kws export-c``'s writer (:func:`workbench.firmware_header.write_firmware_header`), so the header is the command's
byte for byte, the name given as ``--name``. Why not with the tuning in use: a header is reproduced from a model file
(by ``kws export-c``, by a build script), and the board tools flash model files; a header of values that are in no
file could not be. So when the tuning differs from the model's, the dialog and the status line say it is not in the
header, and how to put it there.
"""

from __future__ import annotations

from pathlib import Path
from shlex import quote
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from workbench.bundled_models import copy_beside
from workbench.core.audio.audio_file import AUDIO_SUFFIXES
from workbench.core.detection.settings import board_problems
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import load_model, model_copy_path
from workbench.gui.settings.app_settings import AUDIO_FOLDER, LOG_FOLDER, MODEL_FOLDER
from workbench.output_guard import check_output_file

if TYPE_CHECKING:
    from workbench.firmware_header import FirmwareHeader
    from workbench.gui.model.firmware_export_dialog import FirmwareExportDialog

MODEL_FILTER = "Models (*.tflite *.mltk.zip *.zip);;All files (*)"
AUDIO_FILTER = f"Audio files ({' '.join('*' + suffix for suffix in AUDIO_SUFFIXES)});;All files (*)"
CSV_FILTER = "CSV (*.csv)"
TUNED_SUFFIX = "-tuned.tflite"
LOG_NAME = "detections.csv"
BOARD_NOTICE_NAME = "boardNotice"
UNSAVED_TUNING = ("the tuning in use is not in it (File ▸ Save parameters into model… writes it into a model copy; "
                  "export that)")
NO_MODEL_TO_EXPORT = "Open a model first (File ▸ Open model…): the header holds the window's model."
FIRMWARE_NOTICE_NAME = "firmwareNotice"


def _chosen(window: Any, kind: str, path: str) -> str:
    """``path`` as chosen; its folder is where the next dialog of ``kind`` starts."""
    if path:
        window.settings.set_last_folder(kind, Path(path).parent)
    return path


def choose_model(window: Any) -> None:
    start = window.settings.last_folder(MODEL_FOLDER)
    path, _ = QFileDialog.getOpenFileName(window, "Open model", start, MODEL_FILTER)
    if _chosen(window, MODEL_FOLDER, path):
        window.open_model(path)


def choose_audio(window: Any) -> None:
    start = window.settings.last_folder(AUDIO_FOLDER)
    path, _ = QFileDialog.getOpenFileName(window, "Open audio", start, AUDIO_FILTER)
    if _chosen(window, AUDIO_FOLDER, path):
        window.open_audio(path)


def choose_save_parameters(window: Any) -> None:
    """Ask where the copy of the model with the parameters in use goes (beside the model by default)."""
    if window.model_path is None:
        return
    suggestion = tuned_copy(window.model_path)
    path, _ = QFileDialog.getSaveFileName(window, "Save parameters into a model copy", str(suggestion),
                                          "TFLite model (*.tflite)")
    if path and window.save_parameters(path):
        notify_board_problems(window, model_copy_path(path))


def tuned_copy(model: Path) -> Path:
    """Where a copy of ``model`` with the values tuned in the window is offered: beside it (in the home folder for a
    bundled model), named after it."""
    return copy_beside(model, model.stem.replace(".mltk", "") + TUNED_SUFFIX)


def remember_saved_model(window: Any, saved: Path) -> None:
    """A model copy just saved joins File ▸ Recent, and File ▸ Open model… starts in its folder.

    Why: the copy is the model the user opens next (in the Model and Profile workspaces, on the board, in the next
    session), and it was saved where no Open dialog had been (beside the model a training run wrote, say): with
    neither it had to be looked for in the working directory."""
    window.settings.set_last_folder(MODEL_FOLDER, saved.parent)
    update_recent_menu(window, window.settings.add_recent(saved))


def notify_board_problems(window: Any, saved: Path, parent: QWidget | None = None) -> list[str]:
    """Say in a notice what the board firmware would still refuse in a model copy just saved.

    Why: a model from another tool may lack what only the board needs (class names, ``fe.*`` settings);
    the workbench runs it anyway and the save succeeds, but the board stops at start-up. The user saved
    it for the board, so the notice comes right after the save, not on the device. Returns the problems.
    ``window`` reports errors (``show_error``); the notice opens over ``parent`` (default: ``window``).
    """
    try:
        problems = board_problems(load_model(saved).params, quote(str(saved)))
    except WorkbenchError as exc:
        window.show_error(str(exc))
        return []
    if problems:
        show_notice(parent if parent is not None else window, f"Saved {saved.name}, but the board will not run it "
                    "as the workbench does:", problems, BOARD_NOTICE_NAME)
    return problems


def show_notice(parent: QWidget, heading: str, points: list[str], name: str) -> None:
    """A non-blocking information box over ``parent`` (object name ``name``): ``heading``, then a bullet a point."""
    text = heading + "\n\n" + "\n".join(f"• {point[:1].upper()}{point[1:].rstrip('.')}." for point in points)
    box = QMessageBox(QMessageBox.Icon.Information, "KWS Workbench", text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def tuning_unsaved(window: Any) -> bool:
    """Whether the detection parameters in use differ from the ones the open model's file holds."""
    tuning = window.controller.tuning  # None: a model without detection (inspection only)
    return tuning is not None and tuning.is_modified


def choose_export_firmware_header(window: Any) -> FirmwareExportDialog | None:
    """Open the dialog asking for the open model's header file and array name (the model's last export, else
    beside the model and named after it); Export writes the header and remembers both. The dialog says when the
    tuning in use is not in the header (module docstring). The dialog opened, or None without a model."""
    from workbench.gui.model.firmware_export_dialog import FirmwareExportDialog, default_choice
    from workbench.gui.model.firmware_export_memory import FirmwareExportMemory

    if window.controller.model is None or window.model_path is None:
        window.show_error(NO_MODEL_TO_EXPORT)
        return None
    source = _exported_model_file(window)
    memory = FirmwareExportMemory(window.settings.qsettings)
    note = f"The header holds the model as saved: {UNSAVED_TUNING}." if tuning_unsaved(window) else ""
    dialog = FirmwareExportDialog(memory.choice_for(source), default_choice(source).array_name, note, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def export_chosen() -> None:
        chosen = dialog.choice()  # (never None: Export is enabled only with a choice)
        if chosen is not None and export_firmware_header(window, chosen.header, chosen.array_name) is not None:
            memory.keep(source, chosen)

    dialog.accepted.connect(export_chosen)
    dialog.open()
    return dialog


def _exported_model_file(window: Any) -> Path:
    """The file the open model was read from: what the header is made of, and named after."""
    model = window.controller.model
    return Path(model.path) if getattr(model, "path", None) else window.model_path


def export_firmware_header(window: Any, path: Path, array_name: str | None = None) -> FirmwareHeader | None:
    """Write the open model, as its file holds it, as the C header ``path`` (``.h`` added to a name without a
    suffix) through ``kws export-c``'s writer, its array called ``array_name`` (checked by the caller; None: after
    the model file). The status bar says what was written, a notice the header's warnings; a failure (a read-only
    folder, a full disk, the model's own file) is one sentence."""
    from workbench.firmware_header import write_firmware_header
    from workbench.gui.model.firmware_export_dialog import header_target

    model = window.controller.model
    target = header_target(path)
    try:
        check_output_file(target, window.controller.files_in_use(), option=None)
        header = write_firmware_header(model, _exported_model_file(window), target, array_name)
    except WorkbenchError as exc:
        window.show_error(str(exc))
        return None
    written = (f"wrote {target}: array {header.array_name}, {header.model_bytes:,} bytes of model; define "
               f"{header.implementation_macro} in one file before including it")
    window.show_status(written + (f"; {UNSAVED_TUNING}" if tuning_unsaved(window) else ""))
    if header.warnings:
        show_notice(window, f"Wrote {target.name}, with warnings:", header.warnings, FIRMWARE_NOTICE_NAME)
    return header


def choose_export_log(window: Any) -> None:
    folder = window.settings.last_folder(LOG_FOLDER)
    suggestion = str(Path(folder) / LOG_NAME) if folder else LOG_NAME
    path, _ = QFileDialog.getSaveFileName(window, "Export detection log", suggestion, CSV_FILTER)
    if not _chosen(window, LOG_FOLDER, path):
        return
    try:
        check_output_file(Path(path), window.controller.files_in_use(), option=None)
        window.log.export_csv(path)
    except WorkbenchError as exc:
        window.show_error(str(exc))
    else:
        window.show_status(f"exported {len(window.log.entries)} detections to {path}")


def update_recent_menu(window: Any, recent: list[Path]) -> None:
    menu = window.recent_menu
    menu.clear()
    for path in recent:
        action = menu.addAction(path.name.replace("&", "&&"))  # a menu reads "&" as a mnemonic: "a & b" lost it
        action.setToolTip(str(path))
        action.triggered.connect(lambda _=False, p=path: open_recent(window, p))
    menu.setEnabled(bool(recent))


def open_recent(window: Any, path: Path) -> bool:
    """Open a recent file; one that is gone is said so and leaves the menu."""
    if not path.exists():
        update_recent_menu(window, window.settings.remove_recent(path))
        window.show_error(f"{path} no longer exists; removed it from the recent files")
        return False
    return window.open_path(path)
