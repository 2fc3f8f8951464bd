"""The PySide6 desktop workbench: views over the streaming core, no processing of its own.

Nothing here is imported by :mod:`workbench.core`; the entry point is :func:`workbench.gui.app.main`
(``kws-workbench``), which imports Qt lazily so ``--self-test`` runs without it.
"""
