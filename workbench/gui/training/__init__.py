"""The Training workspace: data, spec and settings, a ``kws train`` child, live curves, the report."""
