"""Data commands: datasets, synthetic keyword sets, labelled test streams, spectrograms."""
