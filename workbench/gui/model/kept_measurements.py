"""The board measurements the Profile workspace keeps for the loaded model: the last one per accelerator and clock.

Why a module of its own: a board profile takes a minute, and a user compares the MVP with the CPU only, one clock
with another; each measurement is comparable only with the estimate made for its own accelerator and clock, so
each is kept under them. They belong to the network, told by :attr:`LoadedModel.network_digest` (the model's hash
without its parameters, computed once when it was loaded): a rewrite of the parameters alone keeps them, another
network drops them all. No Qt here, and no parsing of the model: it is bookkeeping.
"""

from __future__ import annotations

from workbench.profiler.report import ProfileReport, ProfileSummary


def is_measured(report: ProfileReport) -> bool:
    """Whether a board measured anything of ``report`` (its totals or a layer)."""
    return report.summary is not None and (report.summary.measured is not None
                                           or any(layer.measured is not None for layer in report.layers))


class KeptMeasurements:
    """Board reports of one model by (accelerator, clock_hz); :meth:`follow_network` when the model may change."""

    def __init__(self) -> None:
        self._network = ""
        self._reports: dict[tuple[str, int], ProfileReport] = {}

    def follow_network(self, network_digest: str) -> None:
        """The model shown is now one of ``network_digest`` (:attr:`LoadedModel.network_digest`): another network
        drops what was kept."""
        if network_digest != self._network:
            self._reports.clear()
        self._network = network_digest

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
