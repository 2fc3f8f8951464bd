"""A calibration's results: the report, its files (JSON, CSV, DET plot, scores) and reading them back."""
