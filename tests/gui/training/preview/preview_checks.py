"""What the preview's view tests look at: the index as the child wrote it, an image's grey levels, and the final
audio call recorded instead of sounding."""

from __future__ import annotations

import csv
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PySide6.QtGui import QImage

from workbench.core.audio.devices import sounddevice_module
from workbench.core.errors import DeviceError

INDEX_FILE = "index.csv"


def index_rows(folder: Path) -> list[dict[str, str]]:
    """``folder``'s index.csv as the csv module reads it (not the view's reader)."""
    with (folder / INDEX_FILE).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def grey_pixels(image: QImage) -> np.ndarray:
    """An image's grey levels as rows of pixels (whatever the image's own format and row padding)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(grey.constBits(), np.uint8).reshape(grey.height(), grey.bytesPerLine())
    return rows[:, :grey.width()].copy()


def audio_module() -> ModuleType:
    """sounddevice, or the test skipped with the reason it cannot be imported (no PortAudio)."""
    try:
        return sounddevice_module()
    except DeviceError as exc:
        pytest.skip(str(exc))


def played_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[np.ndarray, int]]:
    """sounddevice's play, the final audio call, recorded instead of sounding."""
    sounddevice = audio_module()
    calls: list[tuple[np.ndarray, int]] = []
    monkeypatch.setattr(sounddevice, "play", lambda samples, rate, *_a, **_k: calls.append((samples, rate)))
    return calls
