"""The board measurements the Profile workspace keeps for the loaded model: the last one per accelerator and clock.

Why a module of its own: a board profile takes a minute, and a user compares the MVP with the CPU only, one clock
with another; each measurement is comparable only with the estimate made for its own accelerator and clock, so
each is kept under them. They belong to the network, told by the model's identity (its hash without its
parameters, :attr:`LoadedModel.identity`): a rewrite of the parameters alone keeps them, another network drops
them all. No Qt here: it is bookkeeping.
"""

from __future__ import annotations

from workbench.core.errors import WorkbenchError
from workbench.core.model.model_params import read_params_and_identity
from workbench.profiler.report import ProfileReport, ProfileSummary


def model_identity(tflite: bytes) -> str:
    """The model's hash without its parameters, as :attr:`LoadedModel.identity` holds it ("" if unreadable)."""
    try:
        return read_params_and_identity(tflite)[1]
    except WorkbenchError:
        return ""  # the profiler says what is wrong with it


def is_measured(report: ProfileReport) -> bool:
    """Whether a board measured anything of ``report`` (its totals or a layer)."""
    return report.summary is not None and (report.summary.measured is not None
                                           or any(layer.measured is not None for layer in report.layers))


class KeptMeasurements:
    """Board reports of one model by (accelerator, clock_hz); :meth:`follow_model` when the model may change."""

    def __init__(self) -> None:
        self._identity = ""
        self._reports: dict[tuple[str, int], ProfileReport] = {}

    def follow_model(self, tflite: bytes, identity: str = "") -> None:
        """The model shown is now ``tflite`` (``identity``: its LoadedModel's, else computed): another network
        drops what was kept; an unreadable one too, as nothing says it is the same."""
        identity = identity or model_identity(tflite)
        if not identity or identity != self._identity:
            self._reports.clear()
        self._identity = identity

    def keep(self, report: ProfileReport) -> None:
        """Keep ``report`` if a board measured it, in place of an earlier one at its accelerator and clock."""
        if is_measured(report) and report.summary is not None:
            self._reports[(report.summary.accelerator, report.summary.clock_hz)] = report

    def at(self, accelerator: str, clock_hz: int) -> ProfileReport | None:
        """The board report compared with the estimate for ``accelerator`` at ``clock_hz``, if one is kept."""
        return self._reports.get((accelerator, clock_hz))

    def others(self, shown: ProfileReport) -> list[ProfileSummary]:
        """The summaries of the kept reports other than ``shown``, to say where they can be seen."""
        return [r.summary for r in self._reports.values() if r is not shown and r.summary is not None]
