"""Pareto front and recommendation on a small table with known figures."""

from __future__ import annotations

import numpy as np

from workbench.calibration.sweep.pareto import pareto_front, recommend
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
