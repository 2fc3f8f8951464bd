"""What to tell a user whose install cannot draw the reports' PNGs: one sentence, said the same way everywhere.

Why one place: the evaluation plots, the calibration's DET plot, the sweep's results plot (and any PNG added
later) all need matplotlib, which the application does not require. How to get it depends on the install:
from a source (or pip) install ``pip install matplotlib`` adds it (``plots`` is the project's extra for it,
but the project is installed from its checkout, not from a package index, so the package's own name would
send pip to look for it there); the packaged app (a PyInstaller bundle) has no pip at all, and matplotlib
comes with its training runtime, the ``kws-workbench-training`` package (``packaging/README.md``). The
bundle is told apart exactly as everywhere else: :func:`workbench.child_command.is_frozen`.

matplotlib is not imported here: a plot module imports it when it draws, and raises :func:`plot_unavailable`'s
error when that fails, so the other report files are still written.
"""

from __future__ import annotations

from workbench.child_command import is_frozen
from workbench.core.errors import WorkbenchError

MATPLOTLIB = "matplotlib"
TRAINING_PACKAGE = "kws-workbench-training"  # packaging/README.md: the training runtime's package
PIP_ADVICE = f"pip install {MATPLOTLIB}"
PACKAGED_ADVICE = f"install the {TRAINING_PACKAGE} package (the training runtime, which brings {MATPLOTLIB})"


class PlotUnavailable(WorkbenchError):
    """matplotlib cannot be imported: the figures are fine, only the PNG cannot be drawn."""


def matplotlib_advice() -> str:
    """How to get matplotlib in this install: the training runtime's package when frozen, else pip."""
    return PACKAGED_ADVICE if is_frozen() else PIP_ADVICE


def plot_unavailable(plot: str) -> PlotUnavailable:
    """The error for ``plot`` (e.g. "the DET plot", or several) when matplotlib cannot be imported; raise it
    ``from None``."""
    return PlotUnavailable(f"drawing {plot} needs {MATPLOTLIB}: {matplotlib_advice()}")
