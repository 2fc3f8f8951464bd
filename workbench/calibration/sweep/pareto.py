"""The trade-off a user chooses from: Pareto-best sets and the recommendation for a target FA/h.

A set is on the Pareto front when no other set has both fewer false accepts per hour and fewer false
rejects (sets with identical figures are represented once). The recommendation is the lowest FRR among
the sets at or under the target FA/h; ties go to fewer false accepts, then to the ``preferred`` set (the
model's own parameters: with the same figures there is nothing to change), then a shorter mean latency,
then the higher threshold, shorter window, shorter suppression and smaller count (the simpler, more
conservative set), so the same sweep always recommends the same set. The front picks its representative
of identical figures by the same order, so the recommendation is always one of the front's sets.

Why vectorised: a per-class sweep holds well over 100,000 sets; the front is one sort (by FA/h, then FRR,
then the tie-breaks) and a running minimum of FRR, O(n log n) in numpy, not a Python loop per set.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.sweep.scoring import SweepTable


def _tie_break_keys(table: SweepTable, preferred: int | None) -> list[npt.NDArray]:
    """Secondary keys, most significant first (all "smaller is better")."""
    not_preferred = np.ones(len(table), np.int8)
    if preferred is not None:
        not_preferred[preferred] = 0
    latency = np.nan_to_num(table.latency_mean_s, nan=np.inf)
    threshold = np.fromiter((-(min(s.detection_threshold_list) if s.detection_threshold_list
                               else s.detection_threshold) for s in table.sets), np.int64, len(table))
    window = np.fromiter((s.average_window_duration_ms for s in table.sets), np.int64, len(table))
    suppression = np.fromiter((s.suppression_ms for s in table.sets), np.int64, len(table))
    count = np.fromiter((s.minimum_count for s in table.sets), np.int64, len(table))
    order = np.arange(len(table))
    return [not_preferred, latency, threshold, window, suppression, count, order]


def ranked(table: SweepTable, preferred: int | None = None) -> npt.NDArray[np.int64]:
    """Set indices from best to worst FRR, with the deterministic tie-breaks (module docstring)."""
    keys = _tie_break_keys(table, preferred)
    # np.lexsort sorts by the last key first
    return np.lexsort(tuple(reversed([table.frr, table.fa_per_hour, *keys])))


def pareto_front(table: SweepTable, preferred: int | None = None) -> npt.NDArray[np.int64]:
    """Indices of the Pareto-best sets, by increasing FA/h (and so decreasing FRR)."""
    if len(table) == 0:
        return np.zeros(0, np.int64)
    keys = _tie_break_keys(table, preferred)
    order = np.lexsort(tuple(reversed([table.fa_per_hour, table.frr, *keys])))
    frr = table.frr[order]
    # a set is on the front when its FRR is below every FRR before it (all of which have fewer or as many FA/h)
    best_before = np.concatenate([[np.inf], np.minimum.accumulate(frr)[:-1]])
    return order[frr < best_before].astype(np.int64)


def recommend(table: SweepTable, target_fa_per_hour: float, preferred: int | None = None,
              excluded: Sequence[int] = ()) -> int | None:
    """The set to ship: lowest FRR at or under the target FA/h (None when no set gets there); ``preferred``
    (the model's own set) wins a tie on both figures. ``excluded`` sets are never recommended: sets that can
    never detect anything score 0 FA/h, which would otherwise make them "the best" under any target."""
    allowed = table.fa_per_hour <= target_fa_per_hour
    allowed[list(excluded)] = False
    if not allowed.any():
        return None
    best = ranked(table, preferred)
    return int(best[allowed[best]][0])
