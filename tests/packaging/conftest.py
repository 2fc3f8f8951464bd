"""The packaging tests' fixtures live in package_tools.py (a module name of its own, importable by the tests)."""

from __future__ import annotations

import pytest

from package_tools import deb, home, installed, packages  # noqa: F401  (fixtures)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "package: builds and runs the installable packages (minutes)")
