"""The menu entry's MimeType line: the file manager offers KWS Workbench for exactly the audio the workbench plays
(every suffix the audio loader reads has its type there, and every type there is one of those), so "Open with"
on a FLAC hands it to ``kws-workbench %f``, which plays it. Qt's MIME database (shared-mime-info's data) names
the types."""

from __future__ import annotations

from PySide6.QtCore import QMimeDatabase

from package_tools import REPO_ROOT
from workbench.core.audio.audio_file import AUDIO_SUFFIXES
from workbench.gui.app import DESKTOP_ID

DESKTOP_FILE = REPO_ROOT / "packaging" / "linux" / f"{DESKTOP_ID}.desktop"


def _desktop_mime_types() -> list[str]:
    lines = [line for line in DESKTOP_FILE.read_text().splitlines() if line.startswith("MimeType=")]
    assert len(lines) == 1, "the menu entry has no MimeType line (or more than one)"
    return [name for name in lines[0].removeprefix("MimeType=").split(";") if name]


def test_the_entry_takes_a_file_and_names_the_audio_types_it_plays() -> None:
    assert "Exec=kws-workbench %f\n" in DESKTOP_FILE.read_text()
    database = QMimeDatabase()
    listed = {database.mimeTypeForName(name).name() for name in _desktop_mime_types()}  # aliases -> the type
    for suffix in AUDIO_SUFFIXES:
        found = database.mimeTypeForFile(f"clip{suffix}", QMimeDatabase.MatchMode.MatchExtension)
        assert found.name() in listed, f"{suffix} ({found.name()}) is not in the menu entry's MimeType"
    for name in _desktop_mime_types():
        mime = database.mimeTypeForName(name)
        assert mime.isValid() and name.startswith("audio/"), name
        assert {f".{s}" for s in mime.suffixes()} & set(AUDIO_SUFFIXES), f"{name}: no file of it plays"
