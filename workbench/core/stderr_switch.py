"""The one lock for switching file descriptor 2.

Why: fd 2 is process-wide. The model runner points it at a temporary file while LiteRT prints its
``INFO:`` lines (:mod:`workbench.core.model.inference`), and the microphone source points it at a filtering
pipe while PortAudio may print its diagnostics (:mod:`workbench.core.audio.native_noise`). Two switches
overlapping would restore the wrong descriptor, so every switch of fd 2 and its restoring hold this lock.
"""

from __future__ import annotations

import threading

STDERR_SWITCH_LOCK = threading.Lock()
