"""One training run: progress, cancellation, the epoch loop, checkpoints and the output folder."""
