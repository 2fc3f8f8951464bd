"""Streaming calibration (issue 16): how often a model wakes by mistake, how often it misses, and which
detection parameters to ship.

Qt-free and TensorFlow-free, like :mod:`workbench.core`. The pieces, in the order a calibration uses them:
:mod:`stream_builder` / :mod:`stream_files` (labelled test streams), :mod:`labels` (labels files),
:mod:`replay` (one pass through the live engine, keeping every score), :mod:`fast_detector` (the
firmware's detector over stored scores, vectorised), :mod:`matching` (hits, false accepts, latency),
:mod:`sweep_grid` / :mod:`sweep` (the parameter grid and its figures), :mod:`pareto` (front and
recommendation), :mod:`calibration_run` (all of it, with progress and cancel), :mod:`report`,
:mod:`det_plot`, :mod:`scores_file` and :mod:`output_files` (what is written), :mod:`result_files` (reading
a calibration's folder back, as the GUI does) and :mod:`progress_output` (progress lines on stderr).
"""
