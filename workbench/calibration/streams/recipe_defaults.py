"""The stream recipe's defaults and the fixed figures of its layout and noise bed, without numpy.

Why a module of its own: ``kws stream make --help`` shows them (issue 16's proportions, what an hour of whole
clips holds, the peak limit, the SNR references, the bed's ramp and largest boost) and ``kws calibrate --help``
the other words an hour; :mod:`~workbench.calibration.streams.stream_builder` and
:mod:`~workbench.calibration.streams.bed_levels`, which apply them, load numpy, and a help text must not (``kws``
imports only what the command named needs).
"""

from __future__ import annotations

# issue 16's stream, 332 keywords : 1,678 other words : 169 silences: the proportions a stream keeps (whole
# one-second clips with the default gaps fit fewer items an hour: whole_clip_hourly_counts)
KEYWORDS_PER_HOUR = 332
UNKNOWN_PER_HOUR = 1678
SILENCE_PER_HOUR = 169
SECONDS_PER_HOUR = 3600.0
DEFAULT_GAP_S = (0.3, 1.2)
LEAD_IN_S = 1.0
TAIL_S = 2.0
CLIP_S = 1.0  # a Speech Commands clip (the length of the longest item the minimum stream must hold)
PEAK_LIMIT = 0.9  # a clip's gain never takes its peak above this (full scale = 1)
ALL_SPLITS = "all"  # a stream of every clip of the datasets, whatever their split (kws stream make --split all)

# what a word's SNR is measured against (bed_levels' docstring): the noise under the word, or the file's level
SNR_WORD, SNR_FILE = "word", "file"
SNR_REFERENCES = (SNR_WORD, SNR_FILE)
LEVEL_RAMP_S = 0.05  # the level moves from one level to the next over this (at most), in a gap between items
MAX_BOOST_DB = 30.0  # the most a quiet stretch of bed is raised above its file's overall level


def whole_clip_hourly_counts(gap_s: tuple[float, float] = DEFAULT_GAP_S) -> tuple[int, int, int]:
    """About how many (keywords, other words, silences) an hour of whole one-second clips ``gap_s`` apart holds:
    the hour less the lead-in and the tail, over a clip and a mean gap an item, in issue 16's proportions."""
    items = (SECONDS_PER_HOUR - LEAD_IN_S - TAIL_S) / (CLIP_S + (gap_s[0] + gap_s[1]) / 2)
    total = KEYWORDS_PER_HOUR + UNKNOWN_PER_HOUR + SILENCE_PER_HOUR
    return (round(items * KEYWORDS_PER_HOUR / total), round(items * UNKNOWN_PER_HOUR / total),
            round(items * SILENCE_PER_HOUR / total))
