"""The one reader of a text the settings file stores.

Why one: QSettings gives back whatever the file holds under a key -- a string, but also a list or a number when the
file was edited by hand or written by another version, or None on some platforms -- and every place that reads a
path, a name or a serial number must treat anything but a string as nothing stored, the same way.
"""

from __future__ import annotations

from typing import Any


def stored_text(qsettings: Any, key: str) -> str:
    """The string ``qsettings`` (a QSettings) holds under ``key``; "" when none is stored or the value is no string."""
    value = qsettings.value(key, "")
    return value if isinstance(value, str) else ""
