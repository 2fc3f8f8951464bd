"""``kws devices`` against what PortAudio really sees: nothing, then a PulseAudio virtual microphone."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Iterator

import pytest

from workbench.cli import devices_command
from workbench.core.audio.devices import refresh_devices
from workbench.core.errors import DeviceError

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from virtmic import VirtualMic, running_or_skip  # noqa: E402


def run_devices(*argv: str) -> tuple[int, str]:
    """Parse ``argv`` with the command's own sub-parser (as `kws` does) and run it."""
    parser = argparse.ArgumentParser(prog="kws")
    devices_command.register(parser.add_subparsers())
    args = parser.parse_args(["devices", *argv])
    out = io.StringIO()
    code = args.func(args, out=out)
    return code, out.getvalue()


@pytest.fixture
def virtmic() -> Iterator[VirtualMic]:
    with running_or_skip(sink_name="kws_devices_sink") as mic:
        yield mic
    refresh_devices()


def test_lists_the_virtual_microphone(virtmic: VirtualMic) -> None:
    code, text = run_devices()
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["#", "name"]
    pulse = [line for line in lines if " pulse " in f" {line} "]
    assert pulse, text
    assert sum(line.startswith(devices_command.DEFAULT_MARK) for line in lines) == 1

    code, text = run_devices("--json")
    assert code == 0
    devices = json.loads(text)
    assert "pulse" in [d["name"] for d in devices]
    assert set(devices[0]) == {"index", "name", "host_api", "max_input_channels", "default_samplerate",
                               "is_default"}
    assert all(d["max_input_channels"] > 0 for d in devices)


def test_no_devices_is_a_message_and_exit_0() -> None:
    """Without a sound server (this machine has no sound card) PortAudio sees no input at all."""
    try:
        refresh_devices()
        from workbench.core.audio.devices import list_input_devices

        if list_input_devices():
            pytest.skip("this machine has real audio inputs")
    except DeviceError as exc:
        pytest.skip(str(exc))
    assert run_devices() == (0, devices_command.NO_DEVICES_MESSAGE + "\n")
    assert run_devices("--json") == (0, "[]\n")


def test_help_mentions_json(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="kws")
    devices_command.register(parser.add_subparsers())
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["devices", "--help"])
    assert exc.value.code == 0
    assert "--json" in capsys.readouterr().out
