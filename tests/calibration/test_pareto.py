"""Pareto front and recommendation on a small table with known figures."""

from __future__ import annotations

import numpy as np

from workbench.calibration.sweep.pareto import pareto_front, ranked, recommend
from workbench.calibration.sweep.scoring import SweepTable
from workbench.calibration.sweep.grid import ParameterSet

CLASSES = ("yes", "_unknown_")
KEYWORDS = 10


def table(rows: list[tuple[int, int, float, int]]) -> SweepTable:
    """rows: (hits, false accepts in one hour, mean latency, threshold)."""
    n = len(rows)
    hits = np.array([[h, 0] for h, _, _, _ in rows], np.int64)
    false = np.array([f for _, f, _, _ in rows], np.int64)
    return SweepTable(
        sets=tuple(ParameterSet(t, 1000, 750, 3) for *_, t in rows), classes=CLASSES, keywords_per_class=(KEYWORDS, 0),
        stream_hours=1.0, background_hours=0.0, hits_per_class=hits,
        false_accepts_per_class=np.stack([false, np.zeros(n, np.int64)], axis=1), false_accepts_speech=false,
        false_accepts_background=np.zeros(n, np.int64), latency_mean_s=np.array([r[2] for r in rows]),
        latency_p95_s=np.array([r[2] for r in rows]))


ROWS = [
    (2, 0, 0.5, 250),  # 0: front (fewest false accepts)
    (5, 10, 0.5, 220),  # 1: front
    (5, 20, 0.5, 210),  # 2: dominated by 1
    (8, 100, 0.6, 180),  # 3: front, meets 100 FA/h
    (8, 100, 0.4, 175),  # 4: same figures, shorter latency: preferred over 3
    (9, 300, 0.5, 150),  # 5: front
    (7, 300, 0.5, 150),  # 6: dominated
]


def test_front_is_non_dominated_and_ordered() -> None:
    assert pareto_front(table(ROWS)).tolist() == [0, 1, 4, 5]


def test_recommendation_is_lowest_frr_under_target_with_tie_breaks() -> None:
    t = table(ROWS)
    assert recommend(t, 100.0) == 4
    assert recommend(t, 99.9) == 1
    assert recommend(t, 1000.0) == 5
    assert recommend(table(ROWS[1:]), 5.0) is None


def test_the_model_own_set_wins_a_tie_on_both_figures_in_the_front_and_the_recommendation() -> None:
    t = table(ROWS)
    assert recommend(t, 100.0, preferred=3) == 3  # 3 and 4 have the same figures; 3 is the model's own
    assert pareto_front(t, preferred=3).tolist() == [0, 1, 3, 5]
    assert recommend(t, 100.0, preferred=2) == 4  # more false accepts at the same FRR: no tie


def test_excluded_sets_are_never_recommended() -> None:
    t = table(ROWS)
    assert recommend(t, 100.0, preferred=3, excluded=[3]) == 4
    assert recommend(t, 100.0, excluded=[3, 4]) == 1
    assert recommend(t, 5.0, excluded=[0]) is None  # the only set under the target can never detect


def brute_force_front(frr: np.ndarray, fa: np.ndarray, tie_order: list[int]) -> list[int]:
    """The front by its definition: the sets no other set beats on one figure without losing on the other,
    one per distinct pair of figures (the first in ``tie_order``), by increasing FA/h."""
    front = []
    for figures in sorted(set(zip(fa.tolist(), frr.tolist()))):
        a, r = figures
        if any((fa_j <= a and frr_j <= r) and (fa_j < a or frr_j < r) for fa_j, frr_j in zip(fa, frr)):
            continue
        front.append(next(i for i in tie_order if (fa[i], frr[i]) == figures))
    return front


def test_the_vectorised_front_equals_the_brute_force_front_on_random_tables() -> None:
    rng = np.random.default_rng(5)
    for trial in range(20):
        n = int(rng.integers(1, 300))
        # few distinct figures, so that ties and duplicates are common
        rows = [(int(rng.integers(0, KEYWORDS + 1)), int(rng.integers(0, 30)), float(rng.choice([0.3, 0.5, np.nan])),
                 int(rng.integers(100, 256))) for _ in range(n)]
        rows = [(h, f, 0.5 if np.isnan(lat) else lat, t) for h, f, lat, t in rows] if trial % 2 else rows
        t = table(rows)
        preferred = int(rng.integers(0, n)) if trial % 3 else None
        tie_order = ranked(t, preferred).tolist()  # the deterministic tie-breaks among identical figures
        expected = brute_force_front(t.frr, t.fa_per_hour, tie_order)
        assert pareto_front(t, preferred).tolist() == expected
        target = float(rng.integers(0, 30))
        best = recommend(t, target, preferred)
        under = [i for i in range(n) if t.fa_per_hour[i] <= target]
        assert (best is None) == (not under)
        if best is not None:  # the recommendation: the fewest misses under the target, and a front set
            assert t.frr[best] == min(t.frr[i] for i in under) and best in expected
