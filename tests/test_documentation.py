"""Where the documentation is for this install: the checkout's docs/ from a source tree, the bundle's own docs
folder when frozen (``sys.frozen`` and ``sys._MEIPASS``, as PyInstaller sets them), and a sentence naming the
sources when an install has none -- never a path that does not exist. Help texts keep such paths whole."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import documentation
from workbench.documentation import BOARD, CITED, PathKeepingHelpFormatter, doc_path, doc_reference, see

REPO = Path(__file__).resolve().parents[1]
NARROW_COLUMNS = "34"  # narrow enough that argparse's default wrapping breaks the path below at a hyphen
INSTALLED_PATH = "/opt/kws-workbench/_internal/docs/board.md"
# A real process that believes it is the bundle whose data folder is argv[1], printing `kws ARGS --help`.
FROZEN_HELP = ("import sys; sys.frozen = True; sys._MEIPASS = sys.argv[1]; "
               "from workbench.cli.main import main; main(sys.argv[2:] + ['--help'])")


def _fake_bundle(root: Path, names: tuple[str, ...] = CITED) -> Path:
    """A bundle's data folder laid out as the packages lay it out: ``<bundle>/_internal/docs/*.md``."""
    data = root / "opt" / "kws-workbench" / "_internal"
    (data / "docs").mkdir(parents=True)
    for name in names:
        (data / "docs" / name).write_text(f"# {name}\n", encoding="utf-8")
    return data


def test_a_source_tree_cites_its_own_docs_folder() -> None:
    assert not getattr(sys, "frozen", False)
    for name in CITED:
        assert doc_path(name) == REPO / "docs" / name and (REPO / "docs" / name).is_file(), name
    assert see(BOARD) == f"See {REPO / 'docs' / 'board.md'}."


def test_a_frozen_bundle_cites_its_own_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _fake_bundle(tmp_path)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(data), raising=False)
    assert doc_path(BOARD) == data / "docs" / "board.md"
    assert see(BOARD) == f"See {data / 'docs' / 'board.md'}."


def test_a_bundle_without_docs_names_the_sources_not_a_missing_path(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data = _fake_bundle(tmp_path, names=())
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(data), raising=False)
    assert doc_path(BOARD) is None  # not the checkout this test runs from: frozen means the bundle only
    assert doc_reference(BOARD) == "docs/board.md in the KWS Workbench sources"


def test_a_wheel_install_without_docs_names_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site-packages"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "board.md").write_text("another distribution's docs folder\n", encoding="utf-8")
    monkeypatch.setattr(documentation, "__file__", str(site / "workbench" / "documentation.py"))
    assert doc_path(BOARD) is None
    assert see(BOARD) == "See docs/board.md in the KWS Workbench sources."


def test_the_installed_help_cites_the_bundles_path(tmp_path: Path) -> None:
    data = _fake_bundle(tmp_path)
    done = subprocess.run([sys.executable, "-c", FROZEN_HELP, str(data), "board"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120, env={**os.environ, "COLUMNS": NARROW_COLUMNS})
    assert done.returncode == 0, done.stderr
    assert f"{data / 'docs' / 'board.md'}." in done.stdout.split(), done.stdout  # whole, on one line


def test_help_lines_never_break_a_path_at_its_hyphens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", NARROW_COLUMNS)
    description = f"Work with a board. See {INSTALLED_PATH}."

    def lines(formatter: type[argparse.HelpFormatter]) -> list[str]:
        parser = argparse.ArgumentParser(prog="kws board", description=description, formatter_class=formatter)
        parser.add_argument("--calibrated", action="store_true", help=f"scale (see {INSTALLED_PATH})")
        return parser.format_help().split()

    assert f"{INSTALLED_PATH}." not in lines(argparse.HelpFormatter)  # what the default would print
    words = lines(PathKeepingHelpFormatter)
    assert f"{INSTALLED_PATH}." in words and f"{INSTALLED_PATH})" in words
