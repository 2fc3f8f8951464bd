"""Evaluating keyword models on dataset clips: scores through the device's path, MLTK's figures, reports.

Qt-free and TensorFlow-free, like :mod:`workbench.datasets`: the CLI, the GUI and the training child all
use it.
"""
