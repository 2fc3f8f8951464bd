"""``kws models``: the bundled models, their classes and MACs, and which one is the default."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from workbench.cli.command_list import summary

THOUSAND = 1000.0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "models", help=summary("models"),
        description="List the models that ship with the workbench: name, classes, MACs per inference (as MLTK "
        "counts them) and the default model the other commands use when no --model is given.")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of {name, path, classes, macs, default}")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from workbench.bundled_models import bundled_models

    out = out or sys.stdout
    models = bundled_models()
    if args.json:
        out.write(json.dumps([m.to_dict() for m in models], indent=2) + "\n")
        return 0
    width = max([len("name"), *(len(m.name) for m in models)])
    out.write(f"{'name':<{width}}  {'MACs':>9}  classes\n")
    for m in models:
        mark = "  (default)" if m.default else ""
        out.write(f"{m.name:<{width}}  {m.macs / THOUSAND:>8.1f}k  {','.join(m.classes)}{mark}\n")
        out.write(f"{'':<{width}}  {'':>9}  {m.path}\n")
    return 0
