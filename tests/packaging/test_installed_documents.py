"""The installed app's help texts cite documents that are there, in the installed tree (the .deb unpacked into a
scratch root; the bundle finds itself from its executable, so its paths are under that root), Debian's
/usr/share/doc/kws-workbench/docs leads to them, the .tar.gz carries them, and the bundled example sweep file
says to copy it rather than pointing at the source repository's data."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import pytest

import workbench
from package_tools import REPO_ROOT, Installed, Packages, run, user_env

pytestmark = pytest.mark.package

CITING_COMMANDS = {("board",): "board.md", ("board", "refit"): "board.md", ("profile",): "profiler.md",
                   ("sweep",): "sweeps.md"}
EXAMPLE = Path("_internal/workbench/resources/sweeps/yes_no_speech_commands.toml")


@pytest.mark.parametrize(("command", "document"), CITING_COMMANDS.items())
def test_help_cites_an_installed_document(installed: Installed, home: Path, command: tuple[str, ...],
                                          document: str) -> None:
    done = run([installed.kws, *command, "--help"], env=user_env(home))
    assert done.returncode == 0, done.stderr
    cited = re.findall(r"(\S+\.md)\b", done.stdout)
    assert cited and all(Path(path).is_absolute() and Path(path).is_file() for path in cited), done.stdout
    assert str(installed.app / "_internal/docs" / document) in cited


def test_debians_doc_folder_leads_to_the_documents(installed: Installed) -> None:
    link = installed.root / "usr/share/doc/kws-workbench/docs"
    assert link.is_symlink()
    target = installed.root / str(link.readlink()).lstrip("/")
    assert sorted(p.name for p in target.glob("*.md")) == sorted(p.name for p in (REPO_ROOT / "docs").glob("*.md"))


def test_the_tarball_carries_the_documents(packages: Packages) -> None:
    top = f"kws-workbench-{workbench.__version__}"
    with tarfile.open(packages.tarball) as tar:
        names = set(tar.getnames())
    for document in set(CITING_COMMANDS.values()):
        assert f"{top}/_internal/docs/{document}" in names, document


def test_the_installed_example_sweep_says_to_copy_it(installed: Installed, home: Path) -> None:
    done = run([installed.kws, "sweep", installed.app / EXAMPLE], env=user_env(home), cwd=home)
    assert done.returncode == 2
    assert "copy this example sweep file somewhere of yours and set datasets in the copy" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
