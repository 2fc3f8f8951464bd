"""A wheel carries the documents the help texts cite: the build's install rule puts ``docs/*.md`` into the package
(``workbench/docs``), and ``workbench.documentation`` finds them there. Before, a pip install named files "in the
KWS Workbench sources", which its user does not have. The wheel is really built (scikit-build-core, into a
temporary build folder, never the repository's) and really unpacked."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from package_tools import REPO_ROOT

from workbench import documentation

WHEEL_BUILD_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("scikit_build_core", reason="building a wheel needs scikit-build-core (make setup has it)")
    scratch = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                           "-w", str(scratch / "dist"), f"-Cbuild-dir={scratch / 'build'}", str(REPO_ROOT)],
                          capture_output=True, text=True, timeout=WHEEL_BUILD_TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = (scratch / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(scratch / "site-packages")
    return scratch / "site-packages"


def test_the_wheel_carries_every_document_of_the_sources(unpacked_wheel: Path) -> None:
    shipped = {path.name for path in (unpacked_wheel / "workbench" / documentation.DOCS_DIR).glob("*.md")}
    assert shipped == {path.name for path in (REPO_ROOT / "docs").glob("*.md")}
    assert shipped >= set(documentation.CITED)


def test_a_wheel_install_cites_the_documents_in_its_package(unpacked_wheel: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    package = unpacked_wheel / "workbench"
    monkeypatch.setattr(documentation, "__file__", str(package / "documentation.py"))
    for name in documentation.CITED:
        assert documentation.doc_path(name) == package / documentation.DOCS_DIR / name
    assert documentation.see(documentation.BOARD) == f"See {package / 'docs' / 'board.md'}."
