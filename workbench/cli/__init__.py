"""The ``kws`` command line: one module per command group, dispatched by :mod:`workbench.cli.main`."""
