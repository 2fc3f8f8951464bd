"""How late a detection may come and still hit its keyword: the matching rule's default tolerance.

Why a module of its own: ``kws detect --help`` and ``kws calibrate --help`` print it, and
:mod:`workbench.calibration.sweep.matching`, which applies it, loads numpy; a help text must not (``kws`` imports
only what the command named needs).
"""

DEFAULT_TOLERANCE_S = 1.5  # seconds after a keyword's end (issue 16's rule: [start_s, end_s + tolerance])
