"""Qt-free, TensorFlow-free streaming core: audio sources, frontend, model, detector, engine.

Everything here serves the CLI, the tests and the GUI alike. An import-linter contract (see
pyproject.toml) keeps PySide6, pyqtgraph and TensorFlow out of this package.
"""
