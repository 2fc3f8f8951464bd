"""What a calibration aims for unless told otherwise: the target false accepts an hour and the matching tolerance.

Why a module of its own: ``kws calibrate --help`` (both), ``kws detect --help`` (the tolerance) and the
Calibration workspace show them, and the modules that apply them load numpy --
:mod:`workbench.calibration.sweep.pareto` recommends a set for the target, :mod:`workbench.calibration.sweep.matching`
matches detections within the tolerance; a help text must not (``kws`` imports only what the command named needs).
"""

DEFAULT_TARGET_FA_PER_HOUR = 100.0  # issue 16's goal on its dense-speech stream (~1,600 other words an hour)
DEFAULT_TOLERANCE_S = 1.5  # seconds after a keyword's end (issue 16's rule: [start_s, end_s + tolerance])
