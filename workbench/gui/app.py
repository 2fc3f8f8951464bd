"""``kws-workbench``: start the desktop workbench, or ``--self-test`` it headless.

Start-up speed matters (a visible window in well under 1.5 s): this module imports only the standard
library at the top; Qt, pyqtgraph and the engine are imported when needed, and the window is shown
before the model is loaded and the audio device is opened.

``--self-test`` never imports Qt: it plays the bundled sample ("yes", then "no") through the same
Engine/LiveSession path the window uses and exits 0 only when both words are detected, so packaging
can check a build on a machine without a display or a sound card.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXPECTED_WORDS = ("yes", "no")
SELF_TEST_TIMEOUT_S = 60.0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kws-workbench",
        description="Live keyword-spotting workbench: streams the microphone (or a file) through the "
        "board's frontend, model and detection logic and shows what the model hears and decides.",
    )
    p.add_argument("model_arg", nargs="?", type=Path, metavar="MODEL", help="model .tflite or .mltk.zip")
    p.add_argument("--model", type=Path, help="model .tflite or .mltk.zip (default: the last one used, "
                   "else the bundled model)")
    p.add_argument("--file", type=Path, help="play this WAV/FLAC/OGG file instead of the microphone")
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
          f"{sample_audio_path().name}, {len(labels)} detection(s): {verdict}", file=stream)
    return 1 if missing else 0


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from workbench.gui import app_settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(app_settings.ORGANIZATION)
    app.setApplicationName(app_settings.APPLICATION)
    from workbench.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    device: int | str | None = args.device
    if isinstance(device, str) and device.isdigit():
        device = int(device)
    model = args.model or args.model_arg
    QTimer.singleShot(0, lambda: window.start_up(model=model, audio=args.file, device=device))
    return app.exec()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.model is not None and args.model_arg is not None:
        build_parser().error("give the model either as MODEL or with --model, not both")
    if args.self_test:
        return self_test()
    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
