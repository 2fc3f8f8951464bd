"""Who is speaking: one speaker id per recorded person, shared by every engine that voices that person.

Why it matters: clips are named ``<speaker>_nohash_<n>.wav`` and the dataset split hashes the part before
``_nohash_`` (:mod:`workbench.datasets.splits`). If flite's ``kal16`` and festival's ``kal_diphone`` had
different ids, the same man's voice could be trained on and then "tested" on; with one id all his clips
land in one split. The mapping (from the voices' own documentation: both are CMU's "kal" diphone
recordings, both ``slt`` voices are CMU ARCTIC's SLT speaker):

========================================  =================  ==========================================
engine voice                              speaker id         who
========================================  =================  ==========================================
flite ``kal16``, festival ``kal_diphone``  ``kal``            Kevin A. Lenzo, CMU diphone set
festival ``ked_diphone``                  ``ked``            CMU "ked" diphone set
flite ``awb``                             ``awb``            Alan W. Black, CMU ARCTIC (Scottish English)
flite ``rms``                             ``rms``            CMU ARCTIC RMS (US male)
flite ``slt``, festival ``cmu_us_slt_…``  ``slt``            CMU ARCTIC SLT (US female)
Piper voice                               its dataset name   e.g. ``joe`` (en_US-joe-medium)
Kokoro voice                              ``kokoro-<name>``  e.g. ``kokoro-jf-alpha``
espeak-ng variant                         ``espeak-<name>``  a formant synthesiser, no recorded person:
                                                             each variant (timbre) is one "speaker",
                                                             its accents share the id
========================================  =================  ==========================================

Other voices get ``<engine>-<name>``. Ids are lower case letters, digits and ``-`` (never ``_nohash_``).
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^a-z0-9]+")

KNOWN_SPEAKERS: dict[tuple[str, str], str] = {
    ("flite", "kal16"): "kal",
    ("flite", "kal"): "kal",
    ("festival", "kal_diphone"): "kal",
    ("festival", "ked_diphone"): "ked",
    ("flite", "awb"): "awb",
    ("flite", "rms"): "rms",
    ("flite", "slt"): "slt",
    ("festival", "cmu_us_slt_arctic_hts"): "slt",
    ("festival", "cmu_us_slt_cg"): "slt",
    ("festival", "cmu_us_awb_cg"): "awb",
    ("festival", "cmu_us_rms_cg"): "rms",
}


def speaker_token(text: str) -> str:
    """``text`` as a speaker-id part: lower case, runs of anything but letters and digits become ``-``."""
    token = _UNSAFE.sub("-", text.lower()).strip("-")
    return token or "voice"


def speaker_id(engine: str, name: str) -> str:
    """The speaker id of ``engine``'s voice ``name`` (see the table in the module docstring)."""
    known = KNOWN_SPEAKERS.get((engine, name))
    if known:
        return known
    return f"{speaker_token(engine)}-{speaker_token(name)}"
