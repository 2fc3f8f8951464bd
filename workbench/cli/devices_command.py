"""``kws devices``: the audio inputs PortAudio can open, to pick one for ``kws detect --mic --device``.

PortAudio is re-initialised first so a microphone plugged in after start-up is listed (nothing else
is open in this command). No device at all is a normal answer, not an error: the message says so and
the exit code is 0, so scripts can parse ``--json`` (``[]``) without special cases.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any, TextIO

from workbench.cli.command_list import summary
from workbench.core.audio.devices import list_input_devices, refresh_devices

NO_DEVICES_MESSAGE = "no audio input devices"
DEFAULT_MARK = "*"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "devices",
        help=summary("devices"),
        description="List the audio input devices (microphones) PortAudio can open. The default input "
        f"is marked with {DEFAULT_MARK}. Use the number or name with `kws detect --mic --device`.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list of objects instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    refresh_devices()
    devices = list_input_devices()
    if args.json:
        out.write(json.dumps([asdict(d) for d in devices], indent=2) + "\n")
        return 0
    if not devices:
        out.write(NO_DEVICES_MESSAGE + "\n")
        return 0
    name_width = max(len("name"), *(len(d.name) for d in devices))
    out.write(f"  {'#':>3}  {'name':<{name_width}}  {'host API':<12} {'channels':>8} {'rate (Hz)':>10}\n")
    for d in devices:
        mark = DEFAULT_MARK if d.is_default else " "
        out.write(f"{mark} {d.index:>3}  {d.name:<{name_width}}  {d.host_api:<12} {d.max_input_channels:>8} "
                  f"{d.default_samplerate:>10.0f}\n")
    return 0
