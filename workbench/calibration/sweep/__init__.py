"""The parameter sweep: the detector over stored scores, matching to labels, the grid, the Pareto front."""
