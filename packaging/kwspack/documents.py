"""The documentation the packages carry: ``docs/*.md`` and the images they show, into the bundle's ``docs/``.

Why: the program's help texts cite these documents (``kws board --help``: "See .../docs/board.md."), and an
installed app has no source tree to look in. They go into the bundle as PyInstaller data files, so one rule
places them on every platform: ``<bundle>/_internal/docs`` (Linux, Windows), ``Contents/Resources/docs`` in
the macOS ``.app`` -- both are ``sys._MEIPASS/docs``, where ``workbench.documentation`` looks when frozen.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCS_DIR = "docs"  # in the repository, and the destination inside the bundle's data folder
DOCUMENT_PATTERN = "*.md"
# Markdown images, ![alt](target "title"): the pictures a document shows travel with it.
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(\s*([^)\s]+)")


def shown_images(document: Path) -> list[Path]:
    """The local image files ``document`` shows (web addresses left out), as paths beside it."""
    targets = IMAGE_LINK.findall(document.read_text(encoding="utf-8"))
    return [(document.parent / target).resolve() for target in targets if "://" not in target]


def documentation_files(root: Path) -> list[Path]:
    """Every file of ``root/docs`` that ships (absolute): the documents and the images they show, sorted, once each."""
    documents = sorted((root / DOCS_DIR).resolve().glob(DOCUMENT_PATTERN))
    if not documents:
        raise SystemExit(f"no documentation found in {root / DOCS_DIR}: the help texts would cite nothing")
    images = {image for document in documents for image in shown_images(document)}
    missing = sorted(str(image) for image in images if not image.is_file())
    if missing:
        raise SystemExit(f"a document shows an image that is not there: {missing[0]}")
    return sorted({*documents, *images})


def documentation_datas(root: Path) -> list[tuple[str, str]]:
    """The spec's ``datas`` entries, ``(source, destination folder)``, that put the documentation in the bundle.

    Each file keeps its place relative to ``docs/`` (an image in ``docs/img/`` lands in ``<bundle docs>/img/``),
    so the documents' relative links still work.
    """
    base = (root / DOCS_DIR).resolve()
    datas = []
    for path in documentation_files(root):
        if not path.is_relative_to(base):
            raise SystemExit(f"a document shows an image outside {base}: {path}")
        datas.append((str(path), Path(DOCS_DIR, path.parent.relative_to(base)).as_posix()))
    return datas
