"""The ``--dataset`` folders a run learns nothing from: every clip of theirs is in the validation or testing split.

Why: a person's own takes (the guided recorder names them ``<speaker>_nohash_…``) are one speaker, and a speaker's
clips share one split (:mod:`workbench.datasets.splits`): with the default percentages a quarter of the speakers land
wholly in validation or testing. Added to a synthetic set, even with a weight (``--dataset takes:2``), such a folder
changes nothing the model learns, and the plan's totals per class do not show it; the run says so before it trains.
The remedy for one person's folder is its own split lists: with a ``validation_list.txt`` and a
``testing_list.txt`` that name none of its clips, every clip of it trains.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from workbench.core.wording import counted, listed, plural
from workbench.training.data.sample_plan import SamplePlan

MAX_SPEAKERS_NAMED = 3


def untrained_dataset_warnings(roots: Sequence[Path], plan: SamplePlan) -> list[str]:
    """One warning per folder of ``roots`` whose clips are all held out of training (module docstring)."""
    trained = [sample.path for sample in plan.training if sample.path is not None]
    trained += [path for paths in plan.unknown_pool.values() for path in paths]  # training clips not drawn yet
    held_out = [*plan.validation_clips, *plan.testing]
    warnings = []
    for root in roots:  # a clip's path starts with its root as the scan was given it: no resolving needed
        if any(path.is_relative_to(root) for path in trained):
            continue
        clips = [clip for clip in held_out if clip.path.is_relative_to(root)]
        if not clips:
            continue
        speakers = sorted({clip.speaker for clip in clips})
        named = listed(speakers[:MAX_SPEAKERS_NAMED] + ([f"{len(speakers) - MAX_SPEAKERS_NAMED} more"]
                                                        if len(speakers) > MAX_SPEAKERS_NAMED else []))
        splits = sorted({clip.split for clip in clips})
        where = f"{listed(splits)} {plural(len(splits), 'split')}"
        warnings.append(f"warning: {root} gives the run no training samples: its {counted(len(clips), 'clip')} "
                        f"({plural(len(speakers), 'speaker')} {named}) are all in the {where}, since a speaker's "
                        "clips stay in one split; to train on them, record more speakers into it, or put an empty "
                        "validation_list.txt and testing_list.txt into it (every clip not listed trains).")
    return warnings
