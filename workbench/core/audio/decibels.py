"""Decibels as amplitude ratios: the one conversion the stream builder, its noise levels and the training's
augmentation share (20 dB per decade of amplitude), so that a level said in dB means the same gain everywhere."""

from __future__ import annotations

DB_PER_AMPLITUDE_DECADE = 20.0


def amplitude_ratio(db: float) -> float:
    """The amplitude gain of ``db`` decibels (6.02 dB doubles it; a negative value attenuates)."""
    return float(10.0 ** (db / DB_PER_AMPLITUDE_DECADE))
