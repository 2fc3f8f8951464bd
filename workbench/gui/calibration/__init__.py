"""The Calibration workspace: FA/h against FRR on a labelled stream, and the parameters to ship (issue 16)."""
