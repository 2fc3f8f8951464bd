"""The packages carry the documentation the help texts cite, without building anything: the bundle's recipe puts
every docs/*.md (and the images a document shows) into the bundle's docs folder -- the folder
``workbench.documentation`` looks in when frozen -- and the .deb links Debian's place for it there."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from package_tools import REPO_ROOT
from workbench import documentation

sys.path.append(str(REPO_ROOT / "packaging"))
from kwspack import deb_package, documents  # noqa: E402

SPEC = REPO_ROOT / "packaging" / "kws_workbench.spec"
LINUX = REPO_ROOT / "packaging" / "linux"
ICONS = REPO_ROOT / "resources" / "icons"


def test_the_bundle_recipe_ships_every_document_where_the_frozen_app_looks() -> None:
    datas = documents.documentation_datas(REPO_ROOT)
    shipped = {Path(source).name for source, destination in datas if destination == documentation.DOCS_DIR}
    assert shipped >= {path.name for path in (REPO_ROOT / "docs").glob("*.md")}
    assert shipped >= set(documentation.CITED)  # what the help texts cite
    assert "datas += documents.documentation_datas(ROOT)" in SPEC.read_text(encoding="utf-8")


def test_images_a_document_shows_travel_with_it(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "img").mkdir(parents=True)
    (docs / "img" / "board.png").write_bytes(b"\x89PNG")
    (docs / "unshown.png").write_bytes(b"\x89PNG")
    (docs / "board.md").write_text("# Board\n![the board](img/board.png)\n![web](https://example.org/x.png)\n",
                                   encoding="utf-8")
    assert documents.documentation_datas(tmp_path) == [(str(docs / "board.md"), "docs"),
                                                       (str(docs / "img" / "board.png"), "docs/img")]
    (docs / "img" / "board.png").unlink()
    with pytest.raises(SystemExit, match="shows an image that is not there"):
        documents.documentation_datas(tmp_path)


def _fake_bundle(root: Path, with_docs: bool) -> Path:
    bundle = root / "kws-workbench"
    (bundle / "_internal").mkdir(parents=True)
    for name in deb_package.LAUNCHERS:
        (bundle / name).write_text("#!/bin/sh\n", encoding="utf-8")
    if with_docs:
        (bundle / deb_package.BUNDLE_DOCS).mkdir()
        (bundle / deb_package.BUNDLE_DOCS / "board.md").write_text("# Board\n", encoding="utf-8")
    return bundle


def test_the_deb_links_debians_doc_place_to_the_bundles_docs(tmp_path: Path) -> None:
    root = deb_package.stage_app(_fake_bundle(tmp_path, with_docs=True), LINUX, ICONS, tmp_path / "root")
    link = root / "usr/share/doc/kws-workbench/docs"
    assert link.is_symlink() and os.readlink(link) == "/opt/kws-workbench/_internal/docs"
    assert (root / os.readlink(link).lstrip("/") / "board.md").is_file()  # resolves inside the installed tree
    assert (root / "usr/share/doc/kws-workbench/copyright").is_file()


def test_a_bundle_without_docs_is_not_packaged(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="has no _internal/docs"):
        deb_package.stage_app(_fake_bundle(tmp_path, with_docs=False), LINUX, ICONS, tmp_path / "root")
