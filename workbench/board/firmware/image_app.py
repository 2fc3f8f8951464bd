"""Which MLTK app a firmware image is (model profiler, audio classifier, or unknown), before it is flashed.

Why: each run is given its own image (``kws board profile --firmware``, ``kws board classify --firmware``; the Board
tab's Profiler image and Classifier image boxes), and an image of the other app given by mistake would only fail
half a minute later, when the board prints the wrong banner. MLTK's published images are named after their app
(``mltk_model_profiler-brd2601-mvp.s37``); a build of one's own keeps the app's banner among its strings
(``Starting Model Profiler``, ``Audio Classifier``: ``FORMATS.md``). What the image holds decides: one banner names
its app, whatever the file is called. An image holding both banners is the user's own firmware and is not judged,
its name neither. Only an image whose strings say nothing (neither banner, or too large to scan) is judged by its
name, when it is named as MLTK names its images; else it is not judged either. S-record (``.s37``, ``.s19``, ... as
:mod:`~workbench.board.flashing.firmware_image` reads them) and Intel HEX images are decoded before they are
searched, so a banner split across two records is still found.
"""

from __future__ import annotations

import binascii
from pathlib import Path

from workbench.board.errors import WrongFirmware
from workbench.board.firmware.catalog import CLASSIFIER_APP, PROFILER_APP
from workbench.board.flashing.firmware_image import HEX_SUFFIXES, S37_SUFFIXES
from workbench.board.logs.classifier_log import START_MARKER as CLASSIFIER_START
from workbench.board.logs.profiler_log import START_MARKER as PROFILER_START

# what each app prints first (and so holds among its strings): the markers the profile and classify runs wait for
APP_BANNERS = {PROFILER_APP: PROFILER_START.encode("ascii"), CLASSIFIER_APP: CLASSIFIER_START.encode("ascii")}
APP_TITLES = {PROFILER_APP: "model profiler", CLASSIFIER_APP: "audio classifier"}
MAX_SCANNED_BYTES = 32 * 1024 * 1024  # larger than any image for these chips: not scanned
SREC_DATA = {"S1": 2, "S2": 3, "S3": 4}  # data record -> address bytes
HEX_DATA_RECORD = 0
HEX_HEADER_BYTES = 4  # length, address (2), type
# the command line's words (the Board tab names the run's image box: gui/board/board_outcomes.in_window_terms)
OTHER_IMAGE_HINT = "with --firmware, or leave --firmware out for the published one"


def _record_data(line: str) -> bytes:
    """The data bytes of one S-record or Intel HEX line; nothing for other records or broken lines."""
    try:
        if line[:2] in SREC_DATA:
            return binascii.unhexlify(line[2:])[1 + SREC_DATA[line[:2]]:-1]
        if line.startswith(":"):
            record = binascii.unhexlify(line[1:])
            return record[HEX_HEADER_BYTES:-1] if len(record) > HEX_HEADER_BYTES and record[3] == HEX_DATA_RECORD \
                else b""
    except (binascii.Error, ValueError):
        return b""
    return b""


def image_bytes(path: Path) -> bytes:
    """What the image puts in flash, in file order (S-records and Intel HEX decoded, anything else as it is)."""
    raw = path.read_bytes()
    if path.suffix.lower() not in S37_SUFFIXES + HEX_SUFFIXES:
        return raw
    return b"".join(_record_data(line.strip()) for line in raw.decode("ascii", "replace").splitlines())


def image_app(path: str | Path) -> str | None:
    """``PROFILER_APP``, ``CLASSIFIER_APP`` or None (the user's own firmware, or unreadable: not judged here);
    the banners decide, the name only when the image holds neither (module docstring)."""
    path = Path(path)
    try:
        if path.stat().st_size <= MAX_SCANNED_BYTES:
            data = image_bytes(path)
            found = [app for app, banner in APP_BANNERS.items() if banner in data]
            if found:
                return found[0] if len(found) == 1 else None  # both: the user's own build, whatever its name
    except OSError:
        return None  # flashing says what is wrong with the file
    named = [app for app in APP_BANNERS if path.name.lower().startswith(app)]
    return named[0] if named else None


def check_image_app(path: str | Path, app: str, run: str) -> None:
    """WrongFirmware when ``path`` is MLTK's other app than ``app``, which ``run`` ("profile", "classify") needs.

    Checked before anything is flashed; in the command line's words (the Board tab names the run's image box).
    """
    found = image_app(path)
    if found is None or found == app:
        return
    raise WrongFirmware(f"The image {Path(path).name} is MLTK's {APP_TITLES[found]} firmware, which cannot {run}: "
                        f"give the {APP_TITLES[app]}'s image {OTHER_IMAGE_HINT}.")
