"""A long listening session in minutes: the window on a looped stream played as fast as the engine goes, measured
at every hour of stream time.

What a user leaving the workbench listening all night (or replaying hours of audio) cares about is what grows with
time, which no other benchmark shows: the process's memory (RSS) per hour of stream time, what the window holds
(the detections the log keeps for Export CSV…, the rows its table lists, the detections the session keeps) and the
CPU seconds each hour of stream costs, first hour against last. The stream is the one ``kws stream make`` builds from
the shared Speech Commands testing split (default 10 min, looped: some 950 detections an hour with the bundled
model, far more than a quiet room), or ``--stream``.

Expected: memory flat but for the log's own entries (under 200 bytes a detection) and the session's last 10,000
detections; the table at its listed rows; CPU per stream hour without a trend. The Qt platform is offscreen
unless a display is available.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from workbench.calibration.streams.stream_builder import StreamRecipe

from _streams import stream_to_measure  # the script's folder is on sys.path

STREAM_SEED = 1
SECONDS_PER_HOUR = 3600
KB_PER_MB = 1024
POLL_S = 0.002  # the loop hands the GUI its events this often; the window's own timer does the drawing
START_TIMEOUT_S = 30.0


def rss_mb() -> float:
    """The process's resident memory now, from /proc (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / KB_PER_MB
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=int, default=3, help="hours of stream time to play (3: a minute or two)")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the built stream that loops")
    parser.add_argument("--stream", type=Path, help="loop this audio file instead of building one")
    args = parser.parse_args()
    if args.hours < 1:
        parser.error(f"--hours must be at least 1, got {args.hours}")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = tempfile.mkdtemp(prefix="kws-bench-long-")
    os.environ["XDG_DATA_HOME"] = str(Path(scratch) / "data")  # recordings and spools: not the user's
    try:
        return measure(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(args: argparse.Namespace, scratch: str) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch)
    from workbench.assets import default_model_path
    from workbench.gui.gui_thread_gc import GuiThreadGarbageCollector
    from workbench.gui.stream.source_choice import FILE, SourceChoice
    from workbench.gui.window.main_window import MainWindow, wait_for

    stream = stream_to_measure(args.stream, scratch, StreamRecipe(minutes=args.minutes, seed=STREAM_SEED))
    if stream is None:
        return 1
    window = MainWindow()
    GuiThreadGarbageCollector(window)  # as the app: cyclic garbage is collected in the GUI thread only
    window.show()
    if not window.open_model(default_model_path()):
        raise SystemExit(f"the model did not open: {window.last_error}")
    window.controller.set_source(SourceChoice(FILE, path=stream, realtime=False, loop=True))
    if not wait_for(lambda: window.controller.running, START_TIMEOUT_S):
        raise SystemExit(f"the stream did not start: {window.last_error}")
    engine, session = window.controller.engine, window.controller.session
    print(f"{stream.name} looped as fast as the engine goes, the window on platform {app.platformName()}:")
    print(f"{'stream h':>8} {'RSS MB':>8} {'log keeps':>10} {'table rows':>10} {'session keeps':>13} {'CPU s/h':>8}")
    hour_rss: list[float] = []
    hour_cpu: list[float] = []
    last_cpu = time.process_time()
    next_hour = 1
    while next_hour <= args.hours:
        app.processEvents()
        time.sleep(POLL_S)
        if session.error or not window.controller.running:
            raise SystemExit(f"the stream stopped: {session.error or window.last_error}")
        if engine.stream_time_s >= next_hour * SECONDS_PER_HOUR:
            cpu = time.process_time()
            hour_cpu.append(cpu - last_cpu)
            hour_rss.append(rss_mb())
            last_cpu = cpu
            log = window.log
            print(f"{next_hour:>8} {hour_rss[-1]:>8.1f} {len(log.entries):>10} {log.table.rowCount():>10} "
                  f"{len(session.detections.all()):>13} {hour_cpu[-1]:>8.1f}", flush=True)
            next_hour += 1
    grown = (hour_rss[-1] - hour_rss[0]) / max(len(hour_rss) - 1, 1)  # from the first hour on: past start-up
    print(f"RSS grew {grown:.2f} MB per stream hour after the first; CPU {hour_cpu[0]:.1f} s the first stream hour, "
          f"{hour_cpu[-1]:.1f} s the last")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
