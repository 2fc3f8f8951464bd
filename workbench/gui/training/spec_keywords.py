"""The keywords a spec trains on by itself, as the Training workspace needs them: the spec's own, or None.

Why the GUI reads them at all: ``kws train --keywords`` overrides the spec's keywords, so a form that always
passes its Keywords field turns a spec written for up/down into a yes/no model named after the spec. The
form shows the chosen spec's keywords and passes ``--keywords`` only when the user changed them, which needs
the spec's own. They are read as ``kws train`` reads them (:mod:`workbench.spec_files`, shared with the
training): a spec file's ``[data] keywords``, else its bases', else the default.
"""

from __future__ import annotations

from pathlib import Path

from workbench.core.errors import SettingsError
from workbench.spec_files import spec_keywords as read_spec_keywords


def spec_keywords(name_or_file: str | Path) -> list[str] | None:
    """The keywords spec ``name_or_file`` (a shipped name or a file) trains on without ``--keywords``; None when
    the spec cannot be read (``kws train`` will say why): the caller then passes the field's keywords as they
    are, which is never wrong."""
    try:
        return list(read_spec_keywords(name_or_file))
    except SettingsError:
        return None
