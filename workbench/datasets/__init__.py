"""Keyword-spotting datasets: scanning folders into clips and splits, summaries, and downloads.

Qt-free and TensorFlow-free: the CLI, the GUI and the training child process all read datasets through
this package, so they agree on which clip is in which split.
"""
