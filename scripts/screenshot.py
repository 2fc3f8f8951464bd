"""Drive the real microphone path end to end and save a screenshot of the live window.

Starts a private PulseAudio server with a virtual microphone (``tests/virtmic.py``), opens the
workbench on the default input (so PortAudio captures through ALSA's pulse plugin exactly as from a
real microphone), injects the bundled "yes … no" sample into the virtual source, waits until both
words are in the detection log, and saves ``window.grab()`` as a PNG. Exit code 0 only when both
words were detected from the microphone. Run it under a real X server for a faithful picture::

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshot.py \
        --out docs/screenshot.png --shot profile=docs/profile.png

``--shot WORKSPACE=PNG`` (repeatable) also saves another workspace, taken while the stream still runs;
``--size WxH`` sets the window size (default 1600x960).
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

WINDOW_SIZE = (1600, 960)
START_TIMEOUT_S = 20.0
DETECT_TIMEOUT_S = 30.0
SETTLE_S = 1.0  # let the traces scroll a little past "no" before the picture
EXPECTED = ("yes", "no")


def _scratch_folder(prefix: str) -> str:
    """A temporary folder removed when the program exits (a screenshot or benchmark run leaves nothing behind)."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="PNG file to write")
    parser.add_argument("--wav", type=Path, help="audio to speak into the virtual microphone "
                        "(default: the bundled yes/no sample)")
    parser.add_argument("--shot", action="append", default=[], metavar="WORKSPACE=PNG",
                        help="also save this workspace (e.g. profile=docs/profile.png)")
    parser.add_argument("--size", default="x".join(map(str, WINDOW_SIZE)), help="window size WxH")
    args = parser.parse_args()
    shots = [tuple(item.split("=", 1)) for item in args.shot]
    if any(len(shot) != 2 for shot in shots):
        parser.error("--shot takes WORKSPACE=PNG")
    width, _, height = args.size.partition("x")

    from virtmic import VirtualMic  # noqa: E402 (tests/ on sys.path)

    with VirtualMic() as mic:  # before PortAudio is initialised, so it sees the pulse server
        return run(mic, args.out, args.wav, [(key, Path(png)) for key, png in shots], (int(width), int(height)))


def half_level_sample() -> Path:
    """The bundled sample at half level: the model's volume_gain (2) is applied to the microphone as the
    board applies it (an integer multiply that wraps), so full-level audio would come out distorted."""
    import numpy as np

    from workbench.assets import sample_audio_path
    from workbench.core.audio.audio_file import load_audio, save_wav

    path = Path(_scratch_folder("kws-shot-audio-")) / "half_level.wav"
    save_wav(path, (load_audio(sample_audio_path()).samples // 2).astype(np.int16), 16000)
    return path


def run(mic: object, out: Path, wav: Path | None, shots: list[tuple[str, Path]],
        size: tuple[int, int] = WINDOW_SIZE) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from workbench.gui.app_locale import use_window_locale

    app = QApplication(sys.argv[:1])
    use_window_locale()  # numbers as the window shows them when kws-workbench starts it
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, _scratch_folder("kws-shot-"))
    from workbench.gui.window.main_window import MainWindow, wait_for

    window = MainWindow(dark=True)
    window.resize(*size)
    window.show()
    window.start_up()  # bundled model, default microphone
    source = getattr(window.controller.session, "source", None)
    print(f"platform {app.platformName()}, source: {type(source).__name__} {getattr(source, 'name', '')}",
          flush=True)
    if type(source).__name__ != "MicrophoneSource" or not wait_for(lambda: window.controller.running,
                                                                    START_TIMEOUT_S):
        print(f"the microphone did not start: {window.last_error}", file=sys.stderr)
        return 1
    wait_for(lambda: window.controller.session.stats().stream_time_s > 0.5, START_TIMEOUT_S)
    player = mic.play(wav or half_level_sample(), wait=False)  # type: ignore[attr-defined]
    found = wait_for(lambda: all(w in window.log.labels() for w in EXPECTED), DETECT_TIMEOUT_S)
    player.wait(timeout=DETECT_TIMEOUT_S)
    settle_until = time.monotonic() + SETTLE_S
    wait_for(lambda: time.monotonic() > settle_until, SETTLE_S * 2)
    stats = window.controller.session.stats()
    for entry in window.log.entries:
        print(f"{entry.stream_time_s:8.3f}s  detected  {entry.label:<12} score={entry.score}")
    print(f"stream {stats.stream_time_s:.2f} s, overflows {stats.overflows}, detections {window.log.labels()}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        print(f"could not write {out}", file=sys.stderr)
        return 1
    print(f"screenshot: {out}")
    for key, png in shots:
        window.show_workspace(key)
        shown_until = time.monotonic() + SETTLE_S
        wait_for(lambda: time.monotonic() > shown_until, SETTLE_S * 2)
        png.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(png)):
            print(f"could not write {png}", file=sys.stderr)
            return 1
        print(f"screenshot of {key}: {png}")
    window.close()
    return 0 if found else 1


if __name__ == "__main__":
    raise SystemExit(main())
