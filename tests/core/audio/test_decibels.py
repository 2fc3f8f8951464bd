"""Decibels convert to the amplitude gains the stream builder and the augmentation apply."""

from __future__ import annotations

import math

import pytest

from workbench.core.audio.decibels import amplitude_ratio


@pytest.mark.parametrize("db, ratio", [(0.0, 1.0), (20.0, 10.0), (-40.0, 0.01), (20 * math.log10(2), 2.0)])
def test_decibels_are_twenty_per_decade_of_amplitude(db: float, ratio: float) -> None:
    assert amplitude_ratio(db) == pytest.approx(ratio, rel=1e-12)
