"""Measuring commands: clip accuracy, streaming calibration, and the profile on the board's budget."""
