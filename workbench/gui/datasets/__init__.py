"""Dataset building in the GUI: the synthetic dataset builder dialog, its voice picker and clip preview."""
