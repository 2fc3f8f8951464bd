"""The window and its open model: showing a model just loaded, reopening the last one at start-up, and asking
before the parameters in use are saved over a model file that changed on disk."""
