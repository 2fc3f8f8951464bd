"""The trade-off a user chooses from: Pareto-best sets and the recommendation for a target FA/h.

A set is on the Pareto front when no other set has both fewer false accepts per hour and fewer false
rejects (sets with identical figures are represented once). The recommendation is the lowest FRR among
the sets at or under the target FA/h; ties go to fewer false accepts, then a shorter mean latency, then
the higher threshold, shorter window, shorter suppression and smaller count (the simpler, more
conservative set), so the same sweep always recommends the same set.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workbench.calibration.sweep.scoring import SweepTable

DEFAULT_TARGET_FA_PER_HOUR = 100.0  # issue 16's goal on its dense-speech stream (~1,600 other words an hour)


def _tie_break_keys(table: SweepTable) -> list[npt.NDArray]:
    """Secondary keys, most significant first (all "smaller is better")."""
    latency = np.nan_to_num(table.latency_mean_s, nan=np.inf)
    threshold = np.array([-(min(s.detection_threshold_list) if s.detection_threshold_list else s.detection_threshold)
                          for s in table.sets])
    window = np.array([s.average_window_duration_ms for s in table.sets])
    suppression = np.array([s.suppression_ms for s in table.sets])
    count = np.array([s.minimum_count for s in table.sets])
    order = np.arange(len(table))
    return [latency, threshold, window, suppression, count, order]


def ranked(table: SweepTable) -> npt.NDArray[np.int64]:
    """Set indices from best to worst FRR, with the deterministic tie-breaks."""
    keys = _tie_break_keys(table)
    # np.lexsort sorts by the last key first
    return np.lexsort(tuple(reversed([table.frr, table.fa_per_hour, *keys])))


def pareto_front(table: SweepTable) -> npt.NDArray[np.int64]:
    """Indices of the Pareto-best sets, by increasing FA/h (and so decreasing FRR)."""
    if len(table) == 0:
        return np.zeros(0, np.int64)
    keys = _tie_break_keys(table)
    order = np.lexsort(tuple(reversed([table.fa_per_hour, table.frr, *keys])))
    front: list[int] = []
    best_frr = np.inf
    for index in order.tolist():
        frr = float(table.frr[index])
        if frr < best_frr:
            front.append(index)
            best_frr = frr
    return np.asarray(front, dtype=np.int64)


def recommend(table: SweepTable, target_fa_per_hour: float) -> int | None:
    """The set to ship: lowest FRR at or under the target FA/h (None when no set gets there)."""
    eligible = np.flatnonzero(table.fa_per_hour <= target_fa_per_hour)
    if eligible.size == 0:
        return None
    best = ranked(table)
    allowed = np.zeros(len(table), bool)
    allowed[eligible] = True
    return int(best[allowed[best]][0])
