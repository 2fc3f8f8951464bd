"""``kws-workbench``: start the desktop workbench, or ``--self-test`` it headless.

The one positional FILE is what the desktop entry passes (``Exec=kws-workbench %f``, with the audio MIME types it
plays): an audio file plays as ``--file`` does, anything else opens as a model (:func:`start_files`), so opening a
FLAC from the file manager plays it instead of calling it a broken model.

Start-up speed matters (a visible window in well under 1.5 s): this module imports only the standard
library at the top; Qt, pyqtgraph and the engine are imported when needed, and the window is shown
before the model is loaded and the audio device is opened.

``--self-test`` never imports Qt: it plays the bundled sample ("yes", then "no") through the same
Engine/LiveSession path the window uses and exits 0 only when both words are detected, so packaging
can check a build on a machine without a display or a sound card.

Settings go where the desktop keeps them (``$XDG_CONFIG_HOME``, else ``~/.config``), chosen here rather than
by Qt: with ``HOME`` unset Qt takes ``/`` as the home and writes ``/.config``. With neither a writable config
folder the settings live in a private temporary folder for the session, and the status bar says they are not
kept (:func:`use_settings_folder`).

A recording is copied to disk while it is made, and so is a take that could not be saved: when the workbench
dies first, its next start turns those copies into WAVs in the recordings folder and the status bar says where
(:func:`show_recovered_recordings`).

Without a display Qt aborts (a core dump) with a message that sends the user after the wrong package
("xcb-cursor0 is needed"), so on Linux the display is checked first, before Qt is imported: no
``DISPLAY``/``WAYLAND_DISPLAY``, an X server that refuses the connection (a tiny libxcb probe), or an X11
platform plugin missing a system library (loading the plugin names the library) each give one message and
exit status 2.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from workbench import __version__
from workbench.core.config_folder import can_write_into, private_folder, user_config_folder
from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMainWindow

    from workbench.gui.window.main_window import MainWindow

EXPECTED_WORDS = ("yes", "no")
SELF_TEST_TIMEOUT_S = 60.0
EXIT_NO_DISPLAY = 2
# Qt platforms that need no display server; QT_QPA_PLATFORM may list several ("wayland;xcb").
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "minimalegl", "vkkhrdisplay"})
XCB_LIBRARY = "libxcb.so.1"
XCB_PLUGIN = Path("Qt", "plugins", "platforms", "libqxcb.so")
# The desktop entry / AppStream id the packages install (packaging/linux/<id>.desktop): Wayland shells match
# the window to its menu entry and icon by it.
DESKTOP_ID = "io.github.kwsworkbench.KwsWorkbench"
ICON_GLOB = "icons/kws-workbench-*.png"
SETTINGS_PRIVATE_PREFIX = "kws-workbench-settings-"  # the temporary settings folder when no config folder is usable
NATIVE_SETTINGS_PLATFORMS = ("win32", "darwin")  # Qt keeps settings in the registry / ~/Library there: left alone
NO_CONFIG_FOLDER = "neither XDG_CONFIG_HOME nor HOME names a config folder"
SETTINGS_NOT_KEPT = ("Settings will not be kept: {why}, so they are kept in a temporary folder that is removed when "
                     "the workbench closes.")
SETTINGS_NOT_KEPT_FIELD = "Settings not kept"  # the status bar's permanent field; the sentence is its tooltip
WHAT_TO_DO = ("Start KWS Workbench from a desktop session, run it under a virtual X server "
              "(xvfb-run -a kws-workbench), or use the command line instead (e.g. kws detect --mic).")


def _debian_package(soname: str) -> str:
    """The usual Debian/Ubuntu package of a library: libxcb-icccm.so.4 -> libxcb-icccm4."""
    stem, _, version = soname.partition(".so.")
    stem = stem.lower()
    return f"{stem}{'-' if stem[-1:].isdigit() else ''}{version.split('.')[0]}"


def _missing_library(error: OSError) -> str | None:
    """The library a failed dlopen could not find ("libxcb-icccm.so.4: cannot open shared object file")."""
    text = str(error)
    return text.split(":", 1)[0].strip() if "cannot open shared object file" in text else None


def _x11_problem(display: str) -> str | None:
    try:
        xcb = ctypes.CDLL(XCB_LIBRARY)
    except OSError:
        return (f"kws-workbench: the X11 client library {XCB_LIBRARY} is missing (Debian/Ubuntu package "
                f"{_debian_package(XCB_LIBRARY)}). {WHAT_TO_DO}")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    failed = xcb.xcb_connection_has_error(connection)
    xcb.xcb_disconnect(connection)
    if failed:
        return (f"kws-workbench: cannot open the X display {display!r} (no X server is running there, or it "
                f"does not let this user in). {WHAT_TO_DO}")
    spec = importlib.util.find_spec("PySide6")
    plugin = next((Path(p) / XCB_PLUGIN for p in (spec.submodule_search_locations or []) if
                   (Path(p) / XCB_PLUGIN).is_file()), None) if spec else None
    if plugin is None:
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        library = _missing_library(exc)
        if library is None:
            return f"kws-workbench: Qt's X11 platform plugin cannot load: {str(exc).splitlines()[0]}"
        return (f"kws-workbench: Qt's X11 platform plugin cannot load because the system library {library} "
                f"is missing: install it (Debian/Ubuntu package {_debian_package(library)}).")
    return None


def display_problem(env: Mapping[str, str] = os.environ) -> str | None:
    """Why no window can open here (checked on Linux and the BSDs only), or None."""
    if sys.platform in ("win32", "darwin"):
        return None
    platforms = [p.split(":", 1)[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";") if p.strip()]
    if HEADLESS_PLATFORMS.intersection(platforms):
        return None
    x11, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if not x11 and not wayland:
        return f"kws-workbench: no display (neither DISPLAY nor WAYLAND_DISPLAY is set). {WHAT_TO_DO}"
    if wayland and (not platforms or "wayland" in platforms):
        return None  # Qt uses Wayland (and falls back to X11 by itself)
    if x11 and (not platforms or "xcb" in platforms):
        return _x11_problem(x11)
    return None


def settings_folder(env: Mapping[str, str] = os.environ) -> tuple[Path, bool]:
    """The folder the settings file goes in, and whether it outlives the session (:mod:`workbench.core.config_folder`:
    the desktop's config folder, else a private temporary one)."""
    folder = user_config_folder(env)
    if folder is not None and can_write_into(folder):
        return folder, True
    return private_folder(SETTINGS_PRIVATE_PREFIX), False


def use_settings_folder(env: Mapping[str, str] = os.environ) -> str | None:
    """Point every user-scope QSettings (the window's AppSettings among them) at :func:`settings_folder`; the
    sentence to show when the settings will not be kept, else None. Call it before the window is made."""
    if sys.platform in NATIVE_SETTINGS_PLATFORMS:
        return None
    from PySide6.QtCore import QSettings

    folder, kept = settings_folder(env)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    if kept:
        return None
    wanted = user_config_folder(env)
    return SETTINGS_NOT_KEPT.format(why=NO_CONFIG_FOLDER if wanted is None else f"{wanted} cannot be written")


def show_settings_notice(window: QMainWindow, notice: str) -> None:
    """A permanent status-bar field saying the settings are not kept (the whole sentence as its tooltip and
    description), and the sentence as the status message. Why permanent: the start-up's own messages replace
    a temporary one within a second."""
    from PySide6.QtWidgets import QLabel

    field = QLabel(SETTINGS_NOT_KEPT_FIELD)
    field.setObjectName("settings_not_kept")
    field.setToolTip(notice)
    field.setAccessibleDescription(notice)
    window.statusBar().addPermanentWidget(field)
    window.statusBar().showMessage(notice)


def show_recovered_recordings(window: MainWindow, spool_folder: Path | None = None,
                              recordings_folder: Path | None = None) -> str | None:
    """Turn the recordings a workbench that died left on disk into WAVs in the recordings folder (the one the
    window rescues unsaved takes into) and say so in the status bar: one sentence, no dialog to answer at
    start-up. Returns the sentence (None: nothing was left behind). Spools of a live workbench stay its own.
    ``recordings_folder`` stands for the default one (a test's own): the workbench's, so made when missing."""
    from workbench.core.recording.recording_spool import default_spool_folder, recover_spools
    from workbench.core.recording.recordings_folder import RecordingsFolder
    from workbench.gui.stream.recording_view import default_recordings_folder

    into = default_recordings_folder() if recordings_folder is None else recordings_folder
    recovery = recover_spools(default_spool_folder() if spool_folder is None else spool_folder,
                              RecordingsFolder.workbench_default(into))
    sentence = recovery.sentence()
    if sentence is not None:
        window.show_status(sentence)
    return sentence


class StartFilesError(WorkbenchError):
    """The command line names a model or an audio file twice (as FILE and with --model or --file)."""


@dataclass(frozen=True)
class StartFiles:
    """The model to open and the audio file to play at start-up (None: the last model, the microphone)."""

    model: Path | None
    audio: Path | None


def is_audio_file(path: Path) -> bool:
    """Whether FILE is audio to play rather than a model. By its suffix where it has one the workbench knows (the
    audio loader's list, which the file dialogs and drops use, or a model's); otherwise by its content, as the
    loader decides: audio when libsndfile, its decoder, recognises the file. A file that is neither goes to the
    model loader, whose message says what is wrong with it."""
    from workbench.core.audio.audio_file import AUDIO_SUFFIXES
    from workbench.core.model.model_file import MODEL_FILE_SUFFIXES

    suffix = path.suffix.lower()
    if suffix in AUDIO_SUFFIXES or suffix in MODEL_FILE_SUFFIXES:
        return suffix in AUDIO_SUFFIXES
    import soundfile

    try:
        soundfile.info(str(path))
    except (RuntimeError, OSError):  # soundfile.LibsndfileError is a RuntimeError: not audio, or not readable
        return False
    return True


def start_files(args: argparse.Namespace) -> StartFiles:
    """The model and the audio the command line asks for: FILE is whichever of the two it is
    (:func:`is_audio_file`); StartFilesError when FILE and --model or --file name the same thing twice."""
    given = args.file_arg
    if given is None:
        return StartFiles(args.model, args.file)
    if is_audio_file(given):
        if args.file is not None:
            raise StartFilesError("give the audio file either as FILE or with --file, not both")
        return StartFiles(args.model, given)
    if args.model is not None:
        raise StartFilesError("give the model either as FILE or with --model, not both")
    return StartFiles(given, args.file)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``kws-workbench`` (its version is the package's, as ``kws --version`` says)."""
    p = argparse.ArgumentParser(
        prog="kws-workbench",
        description="Live keyword-spotting workbench: streams the microphone (or a file) through the "
        "board's frontend, model and detection logic and shows what the model hears and decides.",
    )
    p.add_argument("file_arg", nargs="?", type=Path, metavar="FILE",
                   help="a model (.tflite or .mltk.zip) to open, or a WAV/FLAC/OGG/MP3 file to play as --file does")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--model", type=Path, help="model .tflite or .mltk.zip (default: the last one used, "
                   "else the bundled model)")
    p.add_argument("--file", type=Path, help="play this WAV/FLAC/OGG/MP3 file instead of the microphone")
    p.add_argument("--device", help="audio input device index or name (see `kws devices`)")
    p.add_argument("--self-test", action="store_true",
                   help="headless check: detect 'yes' and 'no' in the bundled sample, exit 0 if found")
    return p


def self_test(out: object = None) -> int:
    """Play the bundled sample through Engine + LiveSession (fast file source); 0 if yes and no are found."""
    from workbench.assets import default_model_path, sample_audio_path
    from workbench.core.audio.sources import FileSource
    from workbench.core.engine import Engine
    from workbench.core.errors import WorkbenchError
    from workbench.core.live_session import LiveSession
    from workbench.core.model.model_file import load_model

    stream = out or sys.stdout
    try:
        model = load_model(default_model_path())
        session = LiveSession(Engine(model), FileSource(sample_audio_path(), realtime=False))
        session.start()
        finished = session.wait(SELF_TEST_TIMEOUT_S)
        session.close()
    except WorkbenchError as exc:
        print(f"self-test: error: {exc}", file=stream)
        return 1
    if not finished or session.error:
        print(f"self-test: the engine did not finish: {session.error or 'timeout'}", file=stream)
        return 1
    labels = []
    for event in session.detections.all():
        d = event.detection
        labels.append(d.label)
        print(f"{d.time_s:8.3f}s  detected  {d.label:<12} score={d.score}", file=stream)
    missing = [w for w in EXPECTED_WORDS if w not in labels]
    verdict = "FAIL: missing " + ", ".join(missing) if missing else "OK"
    print(f"self-test: model {model.name}, {session.engine.stream_time_s:.2f} s of "
          f"{sample_audio_path().name}, {counted(len(labels), 'detection')}: {verdict}", file=stream)
    return 1 if missing else 0


def _window_icon() -> QIcon:
    from PySide6.QtGui import QIcon

    from workbench.assets import resources_root

    icon = QIcon()
    for png in sorted(resources_root().glob(ICON_GLOB)):
        icon.addFile(str(png))
    return icon


def start_window(window: MainWindow, files: StartFiles, device_text: str | None) -> None:
    """Load the model and start the stream the command line asks for (the file, else the device, else the
    remembered device); a device given as digits is an index, as in ``kws devices``."""
    device: int | str | None = int(device_text) if device_text is not None and device_text.isdigit() else device_text
    window.start_up(model=files.model, audio=files.audio, device=device)


def start_application() -> QApplication:
    """The QApplication, named as the settings and the desktop know it, in the window's locale: right after Qt
    set the C library's locale to the system's, :func:`~workbench.gui.app_locale.use_window_locale` gives
    messages and numbers back to "C" (English OS errors, '.' decimals), before any widget is made."""
    from PySide6.QtWidgets import QApplication

    from workbench.gui.settings import app_settings
    from workbench.gui.app_locale import use_window_locale

    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    use_window_locale()
    app.setOrganizationName(app_settings.ORGANIZATION)
    app.setApplicationName(app_settings.APPLICATION)
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(_window_icon())
    return app


def run_gui(args: argparse.Namespace, files: StartFiles) -> int:
    from PySide6.QtCore import QTimer

    app = start_application()
    settings_notice = use_settings_folder()  # before the window reads its settings
    from workbench.gui.gui_thread_gc import GuiThreadGarbageCollector
    from workbench.gui.window.main_window import MainWindow
    from workbench.gui.terminal_signals import TerminalSignals

    window = MainWindow()
    GuiThreadGarbageCollector(window)  # no widget is ever collected in a worker thread
    TerminalSignals(window)  # Ctrl+C / SIGTERM: close as the close button does (a child of the window)
    window.show()
    QTimer.singleShot(0, lambda: start_window(window, files, args.device))
    if settings_notice is not None:  # after the start-up's own messages
        QTimer.singleShot(0, lambda: show_settings_notice(window, settings_notice))
    QTimer.singleShot(0, lambda: show_recovered_recordings(window))  # last: where the recovered files went
    return app.exec()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        files = start_files(args)
    except StartFilesError as exc:
        parser.error(str(exc))  # "kws-workbench: error: ..." and exit status 2
    if args.self_test:
        return self_test()
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    return run_gui(args, files)


if __name__ == "__main__":
    sys.exit(main())
