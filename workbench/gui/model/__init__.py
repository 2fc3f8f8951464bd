"""Views of the loaded model: its information and parameters, and its per-layer profile."""
