"""The stderr filter's line rule: native libraries' diagnostics go, every other byte stays, in order."""

from __future__ import annotations

from workbench.core.native_noise import LineFilter


def test_line_filter_drops_library_lines_and_keeps_everything_else() -> None:
    lines = LineFilter()
    kept = lines.feed(b"first\nExpression 'ret' failed in 'src/hostapi/alsa/pa_linux_alsa.c', line: 1812\n")
    kept += lines.feed(b"ALSA lib pcm_pulse.c:758:(pulse_prepare) PulseAudio: Unable to create stream\n\n")
    kept += lines.feed(b"Expression is a word\npartial")
    kept += lines.feed(b" line\nALSA lib half")
    kept += lines.feed(b" a diagnostic\n\nINFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
    kept += lines.feed(b"INFO:root:a Python log line\nlast\n")
    assert kept == b"first\nExpression is a word\npartial line\nINFO:root:a Python log line\nlast\n"
