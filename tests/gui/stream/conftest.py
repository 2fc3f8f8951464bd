"""The PulseAudio virtual microphone the recording tests speak into (skips with the reason when unavailable)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from virtmic import VirtualMic, VirtualMicUnavailable  # noqa: E402


@pytest.fixture
def mic():
    from workbench.core.audio.sources import refresh_devices

    try:
        virtual = VirtualMic().start()
    except VirtualMicUnavailable as exc:
        pytest.skip(str(exc))
    refresh_devices()
    yield virtual
    virtual.stop()
    refresh_devices()
