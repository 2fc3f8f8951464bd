"""The status bar's view of the stream, visible in every workspace.

Why: the stream keeps running while the user trains, calibrates or profiles, so a glance must tell
whether it is still listening, to what, what it heard last, and what it costs — without going back
to the Live workspace. The figures change twice a second at most and a label is only touched when
its text changes, because every repaint of the status bar costs CPU while streaming.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QStatusBar

from workbench.gui import theme

RUNNING_DOT, STOPPED_DOT = "●", "○"
RUNNING_COLOR, STOPPED_COLOR = "#3fb950", "#8b949e"
PERCENT = 100.0
MS_PER_S = 1000.0
S_PER_MIN, S_PER_HOUR = 60.0, 3600.0
INSPECT_ONLY = "inspection only"
STREAM_FIGURES = ("overflows", "lag", "time")  # figures of the stream itself, blank without one
FIELDS = ("state", "model", "heard", "cpu", "overflows", "lag", "time")
TIPS = {
    "state": "Audio source: listening (filled dot) or stopped (hollow dot)",
    "model": "Loaded model",
    "heard": "The last detection: label, score and how long ago",
    "cpu": "CPU used by the whole workbench (one core = 100 %); the tooltip gives the engine thread's share",
    "overflows": "Audio blocks lost because the engine fell behind (should stay 0)",
    "lag": "Audio waiting for the engine",
    "time": "Stream time: audio processed (seconds; after an hour, hours:minutes:seconds)",
}


class StreamIndicatorView:
    """Permanent labels in ``bar``: source and state, model, last detection, CPU, overflows, lag, time."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self._last_heard: Any = None
        self.labels: dict[str, QLabel] = {}
        for key in FIELDS:
            label = QLabel()
            label.setToolTip(TIPS[key])
            bar.addPermanentWidget(label)
            self.labels[key] = label
        self._source_text = ""
        self._running = False
        self._last_wall = time.monotonic()
        self._last_cpu = time.process_time()
        self._cpu_percent = 0.0
        self.set_running(False)

    # -- inputs -----------------------------------------------------------------------------------
    def set_source(self, text: str) -> None:
        self._source_text = text
        self._show_state()

    def set_running(self, running: bool) -> None:
        self._running = running
        self._show_state()

    def set_dark(self, dark: bool) -> None:
        """The palette switched: the last detection's label is recoloured for the new background."""
        self._show_heard(self._last_heard)

    def set_model(self, name: str, inspect_reason: str | None = None, path: str | Path | None = None) -> None:
        """The loaded model, as the title names it; ``inspect_reason`` (why it cannot stream) marks it as open for
        inspection only; the tooltip says where its file is (two copies of a model may share a file name)."""
        self._set("model", f"model: {name}" + (f" ({INSPECT_ONLY})" if inspect_reason else ""))
        where = f"{TIPS['model']}: {path}" if path is not None else TIPS["model"]
        self.labels["model"].setToolTip(inspect_reason or where)

    def update(self, session: Any) -> None:
        """Refresh from the session's statistics and detections (call twice a second)."""
        now_wall, now_cpu = time.monotonic(), time.process_time()
        elapsed = now_wall - self._last_wall
        if elapsed > 0:
            self._cpu_percent = (now_cpu - self._last_cpu) / elapsed * PERCENT
        self._last_wall, self._last_cpu = now_wall, now_cpu
        if session is None:  # no stream (e.g. a model open for inspection only): no stale figures
            for key in STREAM_FIGURES:
                self._set(key, "")
            return
        stats = session.stats()
        self._set("cpu", f"CPU {self._cpu_percent:.0f} %")
        self.labels["cpu"].setToolTip(f"{TIPS['cpu']}: engine {stats.cpu_load * PERCENT:.1f} %")
        self._set("overflows", f"overflows: {stats.overflows}")
        self._set("lag", f"lag: {stats.lag_s * MS_PER_S:.0f} ms")
        self._set("time", stream_time_text(stats.stream_time_s))
        self._show_heard(session.detections.last())

    # -- drawing ----------------------------------------------------------------------------------
    def _set(self, key: str, text: str) -> None:
        label = self.labels[key]
        if label.text() != text:  # an unchanged label is not repainted
            label.setText(text)

    def _show_state(self) -> None:
        dot, color = (RUNNING_DOT, RUNNING_COLOR) if self._running else (STOPPED_DOT, STOPPED_COLOR)
        self._set("state", f"<span style='color:{color}'>{dot}</span> {self._source_text or 'no source'}")

    def _show_heard(self, event: Any) -> None:
        self._last_heard = event
        if event is None:
            self._set("heard", "heard: —")
            return
        detection = event.detection
        ago = max(0.0, time.time() - event.wall_time)
        background = self.bar.palette().color(QPalette.ColorRole.Window)
        color = theme.class_text_color(detection.class_index, background).name()  # same hue, readable
        self._set("heard", f"heard: <b style='color:{color}'>{detection.label}</b> {detection.score} · "
                           f"{_ago_text(ago)}")

    def text(self, key: str) -> str:
        return self.labels[key].text()


def recording_text(session: Any) -> str:
    """The status bar's line while ``session`` records: how long the take is, and once it is full (the session keeps
    no more than ``max_recording_s``) that later audio is not recorded and how to save the take, instead of a
    "recording…" that would stand still at the limit all night."""
    seconds = session.recorded_seconds
    if not session.recording_full:
        return f"recording… {seconds:.1f} s"
    return (f"recording full at {seconds:.1f} s (a take keeps up to {session.max_recording_s:g} s; later audio is not "
            "recorded): Stop recording saves it")


def stream_time_text(seconds: float) -> str:
    """The stream's time: ``  123.4 s`` in its first hour, then ``10:00:00`` (hours:minutes:seconds) -- a session
    left listening overnight read ``36000.0 s``, which no one reads as ten hours at a glance."""
    if seconds < S_PER_HOUR:
        return f"{seconds:7.1f} s"
    hours, rest = divmod(int(seconds), int(S_PER_HOUR))
    minutes, whole_seconds = divmod(rest, int(S_PER_MIN))
    return f"{hours}:{minutes:02d}:{whole_seconds:02d}"


def _ago_text(seconds: float) -> str:
    """``3 s ago``, ``2 min ago``: coarse on purpose, so the label changes rarely."""
    if seconds < S_PER_MIN:
        return f"{seconds:.0f} s ago"
    if seconds < S_PER_HOUR:
        return f"{seconds / S_PER_MIN:.0f} min ago"
    return f"{seconds / S_PER_HOUR:.0f} h ago"
