"""GUI cost: cold start to a visible window, process CPU while streaming, and what the live views draw.

Figures printed:
* cold start: wall time from launching a fresh Python process to the main window being shown and
  painted (median of a few runs), and to the bundled model loaded and streaming; goal <= 1.5 s.
* streaming: the bundled sample looped in real time through a FileSource for ``--seconds`` (default
  60) per workspace, first with the Live workspace in front (every live view updating), then with
  another one (``--workspaces``; the stream runs on behind it); CPU of the whole process (GUI thread +
  engine thread + audio pacing) as a share of one core, the GUI thread alone, and audio overflows; goal
  <= 15 % of one core and zero overflows. Baseline in the same run: the same stream through the same
  LiveSession without any window, so "window adds" is the GUI's own cost.
* what is drawn, per live view (waveform, spectrogram, scores), per second: redraws (refreshes that brought new
  rows) and paints (Qt paint events of the view's plot); none are expected while another workspace is in front.
  The frame timer's ticks are a line of their own: it ticks 50 times a second whatever is drawn.

Runs on the offscreen Qt platform unless a display is available (DISPLAY set), where the cost
includes the X server round trips.
"""

from __future__ import annotations

import argparse
import atexit
import os
import statistics
import subprocess
import shutil
import sys
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _view_redraws import Counts

STARTUP_RUNS = 3
CPU_GOAL = 0.15
START_GOAL_S = 1.5
READY_TIMEOUT_S = 30.0
BASELINE_MAX_S = 20.0
SETTLE_S = 1.0
MEANING = {"redraws": "refreshes that brought new rows", "paints": "Qt paint events of each view's plot"}


def _scratch_folder(prefix: str) -> str:
    """A temporary folder removed when the program exits (a screenshot or benchmark run leaves nothing behind)."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _platform_env() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _isolated_settings(tmp: str) -> None:
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)


def child_startup(t0: float) -> int:
    """Runs in the child: show the window, report when painted and when streaming, then quit."""
    tmp = _scratch_folder("kws-bench-")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    _isolated_settings(tmp)
    from workbench.assets import sample_audio_path
    from workbench.gui.window.main_window import MainWindow, wait_for

    window = MainWindow()
    window.show()

    def shown() -> None:
        print(f"visible {time.time() - t0:.4f}", flush=True)
        window.start_up(audio=sample_audio_path())
        wait_for(lambda: window.controller.running, READY_TIMEOUT_S)
        print(f"streaming {time.time() - t0:.4f}", flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, shown)
    app.exec()
    return 0


def measure_startup() -> tuple[list[float], list[float]]:
    visible, streaming = [], []
    for _ in range(STARTUP_RUNS):
        t0 = time.time()
        out = subprocess.run([sys.executable, __file__, "--child-startup", f"{t0:.6f}"], env=_platform_env(),
                             capture_output=True, text=True, timeout=120)
        times = dict(line.split() for line in out.stdout.splitlines() if line.split()[:1] in (["visible"], ["streaming"]))
        if "visible" not in times:
            raise SystemExit(f"start-up child failed:\n{out.stderr[-2000:]}")
        visible.append(float(times["visible"]))
        streaming.append(float(times.get("streaming", "nan")))
    return visible, streaming


def measure_streaming(seconds: float, baseline: float, workspaces: list[str],
                      size: tuple[int, int] | None = None) -> None:
    """Stream through the window with each workspace in front in turn, ``seconds`` each, one app."""
    os.environ.update(_platform_env())
    tmp = _scratch_folder("kws-bench-")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    _isolated_settings(tmp)
    from workbench.assets import default_model_path, sample_audio_path
    from workbench.gui.window.main_window import LIVE, MainWindow, wait_for
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    from _view_redraws import ViewRedraws

    window = MainWindow()
    if size is not None:
        window.resize(*size)
    window.show()
    views = ViewRedraws({"waveform": window.live.waveform, "spectrogram": window.live.spectrogram,
                         "scores": window.live.scores})
    window.open_model(default_model_path())
    window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    if not wait_for(lambda: window.controller.running, READY_TIMEOUT_S):
        raise SystemExit("the stream did not start")
    results: list[dict] = []
    pending = list(workspaces)
    start: dict = {}

    def begin() -> None:
        window.show_workspace(pending[0])
        QTimer.singleShot(int(SETTLE_S * 1000), mark)  # past the switch's one-off redraws

    def mark() -> None:
        start.update(ticks=window._frames, views=views.counts(), wall=time.monotonic(), cpu=time.process_time(),
                     gui=time.thread_time())
        QTimer.singleShot(int(seconds * 1000), finish)

    def finish() -> None:  # read everything before quitting: Qt 6 closes the windows on quit
        results.append(dict(workspace=pending.pop(0), wall=time.monotonic() - start["wall"],
                            cpu=time.process_time() - start["cpu"], gui=time.thread_time() - start["gui"],
                            stats=window.controller.session.stats(), detections=len(window.log.entries),
                            ticks=window._frames - start["ticks"],  # the frame timer's ticks, drawn or not
                            views={name: c - start["views"][name] for name, c in views.counts().items()}))
        if pending:
            begin()
        else:
            app.quit()

    QTimer.singleShot(0, begin)
    app.exec()
    window.close()
    for r in results:
        wall, stats = r["wall"], r["stats"]
        share = r["cpu"] / wall
        print(f"streaming {wall:.0f} s with the {r['workspace']} workspace in front (looped sample, real time, "
              f"platform {app.platformName()}):")
        print(f"  process CPU   : {share * 100:6.1f} % of one core   goal <= {CPU_GOAL * 100:.0f} %: "
              f"{'met' if share <= CPU_GOAL else 'NOT met'}")
        print(f"  GUI thread    : {r['gui'] / wall * 100:6.1f} % of one core")
        print(f"  window adds   : {(share - baseline) * 100:6.1f} % of one core over the baseline")
        print(f"  engine thread : {stats.cpu_load * 100:6.1f} % of one core (last second)")
        print(f"  timer ticks   : {r['ticks'] / wall:6.1f} per second (the window's frame timer, drawn or not)")
        _print_views(r["views"], wall, live=r["workspace"] == LIVE)
        print(f"  overflows     : {stats.overflows}   stream time {stats.stream_time_s:.1f} s, "
              f"{r['detections']} detections so far")


def _print_views(counts: dict[str, Counts], wall: float, live: bool) -> None:
    """Redraws and paints per view per second; behind another workspace, whether nothing was drawn."""
    for what in ("redraws", "paints"):
        figures = ", ".join(f"{name} {getattr(c, what) / wall:.1f}" for name, c in counts.items())
        drawn = sum(getattr(c, what) for c in counts.values())
        expected = "" if live else f"   none expected while hidden: {'met' if drawn == 0 else 'NOT met'}"
        print(f"  {what:<14}: {figures} per second ({MEANING[what]}){expected}")


def measure_core(seconds: float) -> float:
    """Baseline in the same run: the same stream through the same LiveSession with no window at all.

    What the GUI adds is the streaming figure minus this one (the engine's own cost is in both)."""
    from workbench.assets import default_model_path, sample_audio_path
    from workbench.core.engine import Engine
    from workbench.core.audio.file_source import FileSource
    from workbench.core.live_session import LiveSession
    from workbench.core.model.model_file import load_model

    session = LiveSession(Engine(load_model(default_model_path())),
                          FileSource(sample_audio_path(), realtime=True, loop=True))
    session.start()
    time.sleep(1.0)  # past start-up
    wall0, cpu0 = time.monotonic(), time.process_time()
    time.sleep(seconds)
    share = (time.process_time() - cpu0) / (time.monotonic() - wall0)
    session.close()
    return share


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to stream (default 60)")
    parser.add_argument("--skip-startup", action="store_true", help="only measure streaming CPU")
    parser.add_argument("--workspaces", default="live,profile",
                        help="workspaces to put in front in turn while streaming (default live,profile)")
    parser.add_argument("--size", help="window size WxH (default: the window's own default)")
    parser.add_argument("--child-startup", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_startup is not None:
        return child_startup(args.child_startup)
    if not args.skip_startup:
        visible, streaming = measure_startup()
        v = statistics.median(visible)
        print(f"cold start to visible window : {v:.2f} s median of {len(visible)} "
              f"(runs {', '.join(f'{x:.2f}' for x in visible)})   goal <= {START_GOAL_S} s: "
              f"{'met' if v <= START_GOAL_S else 'NOT met'}")
        print(f"cold start to streaming      : {statistics.median(streaming):.2f} s median")
    core = measure_core(min(args.seconds, BASELINE_MAX_S))
    print(f"baseline: the same stream without a window (LiveSession only): {core * 100:.1f} % of one core")
    size = tuple(int(v) for v in args.size.split("x")) if args.size else None
    measure_streaming(args.seconds, core, args.workspaces.split(","), size)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
