"""Model commands: what a model is and carries, the bundled ones, training and sweeps that make new ones."""
