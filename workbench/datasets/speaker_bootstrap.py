"""Drawing a test set's speakers again, with replacement: how far a figure hangs on who was recorded.

Why here: a keyword-spotting test set holds a few dozen speakers, and every figure -- a stream's FRR and
false accepts per hour (``kws calibrate``), a clip set's balanced accuracy (``kws evaluate``) -- is a sum
over them. Redrawing the speakers gives the range another group of such speakers could show; redrawing the
SAME speakers for two models gives the range of their difference. Both tools draw the same way, with a fixed
seed, so the same inputs always print the same interval.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

DRAWS = 2000
SEED = 16  # fixed, so the same inputs print the same interval
MIN_SPEAKERS = 5  # fewer speakers than this: no interval (it would mean little)
CONFIDENCE = 0.95  # the interval holds the middle 95 % of the draws


def draw_weights(speakers: int, draws: int = DRAWS, seed: int = SEED) -> npt.NDArray[np.float64]:
    """draws x speakers: how often each speaker is drawn when ``speakers`` are drawn with replacement."""
    rng = np.random.default_rng(seed)
    weights = np.zeros((draws, speakers))
    rows = np.repeat(np.arange(draws), speakers)
    np.add.at(weights, (rows, rng.integers(0, speakers, size=draws * speakers)), 1.0)
    return weights


def interval(values: npt.ArrayLike) -> tuple[float, float]:
    """The middle ``CONFIDENCE`` of the finite ``values`` (draws where a figure is undefined are NaN)."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    low, high = 50.0 * (1.0 - CONFIDENCE), 50.0 * (1.0 + CONFIDENCE)
    return float(np.percentile(finite, low)), float(np.percentile(finite, high))


def interval_side(span: tuple[float, float] | list[float]) -> int:
    """+1 when an interval of a difference lies wholly above 0, -1 wholly below, 0 when it holds 0."""
    low, high = span
    return 1 if low > 0 else -1 if high < 0 else 0
