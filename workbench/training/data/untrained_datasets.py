"""The ``--dataset`` folders a run learns nothing from: every clip of theirs is in the validation or testing split.

Why: a person's own takes (the guided recorder names them ``<speaker>_nohash_…``) are one speaker, and a speaker's
clips share one split (:mod:`workbench.datasets.splits`): with the default percentages a quarter of the speakers land
wholly in validation or testing. Added to a synthetic set, even with a weight (``--dataset takes:2``), such a folder
changes nothing the model learns, and the plan's totals per class do not show it; the run says so before it trains.
The remedy for one person's folder is its own split lists: with a ``validation_list.txt`` and a
``testing_list.txt`` that name none of its clips, every clip of it trains.

Why from the clips' splits, not from the plan's training samples: a folder's training clips can be missing from the
plan for reasons the warning does not name and its remedy does not mend -- a weight below 1 or
``data.max_clips_per_word`` drew none of them, ``silence_clips = false`` left its ``_silence_`` clips out -- and a
folder whose own lists hold its clips out of training does so on purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Collection, Sequence

from workbench.core.wording import counted, listed, plural
from workbench.datasets.splits import TRAINING
from workbench.training.data.sample_plan import SamplePlan

MAX_SPEAKERS_NAMED = 3


def untrained_dataset_warnings(roots: Sequence[Path], listed_roots: Collection[Path], plan: SamplePlan) -> list[str]:
    """One warning per folder of ``roots`` whose clips all fall outside the training split of ``plan`` (its clips'
    splits before any cap, re-split included: module docstring); none for a folder of ``listed_roots``, split by
    its own lists."""
    warnings = []
    for root in roots:  # a clip's path starts with its root as the scan was given it: no resolving needed
        if root in listed_roots:
            continue
        own = [clip for clip in plan.assigned if clip.path.is_relative_to(root)]
        if not own or any(clip.split == TRAINING for clip in own):
            continue
        speakers = sorted({clip.speaker for clip in own})
        named = listed(speakers[:MAX_SPEAKERS_NAMED] + ([f"{len(speakers) - MAX_SPEAKERS_NAMED} more"]
                                                        if len(speakers) > MAX_SPEAKERS_NAMED else []))
        splits = sorted({clip.split for clip in own})
        where = f"{listed(splits)} {plural(len(splits), 'split')}"
        are = "is in" if len(own) == 1 else "are all in"
        warnings.append(f"warning: {root} gives the run no training samples: its {counted(len(own), 'clip')} "
                        f"({plural(len(speakers), 'speaker')} {named}) {are} the {where}, since a speaker's "
                        "clips stay in one split; to train on them, record more speakers into it, or put an empty "
                        "validation_list.txt and testing_list.txt into it (every clip not listed trains).")
    return warnings
