"""Where this install's documentation (``docs/*.md``) and bundled examples are, for help texts to cite.

Why: a help text that says "see docs/board.md" points nowhere for someone who installed the .deb, the
.tar.gz or the Windows/macOS package -- there is no ``docs/`` beside their working directory. The packages
carry the documents inside the bundle (``_internal/docs``, which is ``sys._MEIPASS/docs``; see
packaging/README.md), a wheel inside the package (``workbench/docs``, put there by the build's install
rule), a source checkout in ``<repo>/docs``; :func:`see` names the file that exists for THIS install. An
install without them gets a sentence naming the file in the project's sources. Qt-free and import-light:
every ``kws`` parser is built with these sentences.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from workbench.child_command import bundle_data_folder, is_frozen

DOCS_DIR = "docs"  # in the repository, and in the bundle's data folder (sys._MEIPASS)
BOARD = "board.md"
PROFILER = "profiler.md"
SWEEPS = "sweeps.md"
CALIBRATION = "calibration.md"
TRAINING = "training.md"
LIVE = "live.md"  # the Live workspace and the Tuning panel (Help menu only: no command's help cites it)
CITED = (BOARD, PROFILER, SWEEPS, TRAINING)  # the documents the program's own texts refer to
# A source checkout is recognised by its project file beside the docs (a site-packages "docs" folder of some
# other distribution must not be taken for ours).
CHECKOUT_MARKER = "pyproject.toml"
SWEEP_EXAMPLE = "sweeps/yes_no_speech_commands.toml"  # in the bundled resources (workbench.assets)


def docs_dir() -> Path | None:
    """The folder holding this install's documents, or None when it carries none.

    Frozen (a PyInstaller bundle): the bundle's own ``docs`` folder only -- never a checkout that happens
    to sit elsewhere. Otherwise the package's own ``docs`` (a wheel install), else the repository the
    package was imported from, when it is a checkout (an editable install).
    """
    if is_frozen():
        bundle_data = bundle_data_folder()
        candidate = bundle_data / DOCS_DIR if bundle_data is not None else None
        return candidate if candidate is not None and candidate.is_dir() else None
    package = Path(__file__).resolve().parent
    if (package / DOCS_DIR).is_dir():
        return package / DOCS_DIR
    checkout = package.parent
    if (checkout / CHECKOUT_MARKER).is_file() and (checkout / DOCS_DIR).is_dir():
        return checkout / DOCS_DIR
    return None


def doc_path(name: str) -> Path | None:
    """The absolute path of document ``name`` (``board.md``) in this install, or None when it has none."""
    folder = docs_dir()
    path = folder / name if folder is not None else None
    return path if path is not None and path.is_file() else None


def doc_reference(name: str) -> str:
    """How a text names document ``name``: its absolute path here, else where it is in the project's sources."""
    path = doc_path(name)
    return str(path) if path is not None else f"{DOCS_DIR}/{name} in the KWS Workbench sources"


def see(name: str) -> str:
    """The help texts' closing sentence, e.g. ``See /opt/kws-workbench/_internal/docs/board.md.``"""
    return f"See {doc_reference(name)}."


class PathKeepingHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, except that a line never breaks inside a word: argparse's default breaks at
    hyphens, which cut ``/opt/kws-workbench/...`` in two, and a path a user cannot copy cites nothing."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(self._whitespace_matcher.sub(" ", text).strip(), width,
                             break_on_hyphens=False, break_long_words=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(self._whitespace_matcher.sub(" ", text).strip(), width, initial_indent=indent,
                             subsequent_indent=indent, break_on_hyphens=False, break_long_words=False)


def sweep_example_path() -> Path | None:
    """The bundled example sweep file, or None when the resources lack it (help texts must not fail)."""
    from workbench.assets import resources_root

    try:
        path = resources_root() / SWEEP_EXAMPLE
    except FileNotFoundError:
        return None
    return path if path.is_file() else None
