"""Why a recommended set that detects none of the stream's keywords is no setting to ship, in one sentence.

Why one sentence for the report, ``--apply-to`` and the GUI's status: the recommendation is the set with the
fewest misses at or under the target, so when every set there misses every keyword one of them is still
"recommended" -- the model's own set wins that tie -- and the report said "nothing to change" just before
``--apply-to`` refused the set and advised raising the target, which cannot help when no set tried hits a
keyword at all. What does help depends on what the other sets do:

* some set hits keywords, above the target: raising the target reaches it;
* no set hits a keyword but some detect one elsewhere: the labels do not mark the keywords where they are heard;
* no set detects anything: the model never scores a keyword above any threshold tried -- its classes are not
  the stream's keywords, or the thresholds tried are too high for it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import numpy.typing as npt

ALL_MISSED = 1.0  # an FRR of 100 %


def keyword_misses_reason(frr: npt.ArrayLike, fa_per_hour: npt.ArrayLike, recommended_frr: float | None,
                          target_fa_per_hour: float, keywords: Sequence[str]) -> str | None:
    """Why the recommended set (FRR ``recommended_frr``) is no setting to ship, given every set's FRR and FA/h;
    None when it detects some of the stream's keywords, or when nothing is recommended."""
    if recommended_frr is None or recommended_frr < ALL_MISSED:
        return None
    frr, fa_per_hour = np.asarray(frr, np.float64), np.asarray(fa_per_hour, np.float64)
    if frr.size and frr.min() < ALL_MISSED:
        return (f"the recommended set detects none of the stream's keywords (FRR 100 %): every set that detects "
                f"some gives more than {target_fa_per_hour:g} false accepts per hour; raise the target")
    if fa_per_hour.size and np.nanmax(fa_per_hour) > 0:
        return ("no parameter set hits a keyword: every set tried detects none of the stream's keywords (FRR "
                "100 %), though some detect keywords where the labels mark none; check that the labels mark the "
                "keywords where the stream's audio has them")
    return ("no parameter set detects any keyword: every set tried detects none of the stream's keywords (FRR "
            "100 %) and nothing else (0 FA/h), as the model never scores a keyword above any threshold tried; "
            f"check that the model's classes ({', '.join(keywords) or 'none'}) match the stream's labels, or lower "
            "the threshold range (--thresholds)")
