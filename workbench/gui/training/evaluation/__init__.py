"""A finished run's Evaluation tab: its report and plots, its test clips, and the comparison with another model."""
