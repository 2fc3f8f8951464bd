"""``kws specs``: the model specs ``kws train`` can use, and every setting of one.

Why the settings listing (``--settings SPEC``): a spec's settings come from its file and the files it extends,
so what a run trains with is not in any one file; the listing shows each by the dotted path ``kws train --set``
takes, with the value it has. With ``--set`` it shows them as that run would have them, or says in one
sentence what is wrong -- the check ``kws train`` makes, which the Training workspace asks for before a run
(the window may not import the training package).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from workbench.cli.command_list import summary
from workbench.core.errors import SettingsError
from workbench.core.toml_file import toml_value
from workbench.documentation import TRAINING, PathKeepingHelpFormatter, see

SET_MARK = "# --set"  # after a changed setting in the text listing
INIT_FROM_NOTE = "kws train --init-from MODEL starts from another model"  # init_from is not a --set setting


def register(subparsers: Any) -> None:
    s = subparsers.add_parser("specs", help=summary("specs"),
                              description="List the shipped model specs and recipes with their MACs and "
                              "parameter counts (what a model costs on the board); with --settings SPEC, every "
                              "setting of that spec by the path kws train --set takes. " + see(TRAINING),
                              formatter_class=PathKeepingHelpFormatter)
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--settings", metavar="SPEC", help="list every setting of SPEC (a shipped name or a .toml file)")
    s.add_argument("--set", action="append", default=[], dest="settings_set", metavar="SECTION.SETTING=VALUE",
                   help="with --settings: show them as kws train --set would change them (repeat for more)")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.settings_set and not args.settings:
        raise SettingsError("--set goes with --settings SPEC (the spec whose settings it changes).")
    return _settings(args) if args.settings else _list(args)


def _list(args: argparse.Namespace) -> int:
    from workbench.spec_files import shipped_spec_names
    from workbench.training.spec.model_spec import load_spec

    rows = []
    for name in shipped_spec_names():
        spec = load_spec(name)
        shapes = spec.shapes()
        rows.append({"name": name, "model_name": spec.name, "description": spec.description,
                     "macs": spec.macs, "parameters": sum(s.params for s in shapes), "layers": len(spec.layers),
                     "ensemble_members": spec.training.ensemble_members,
                     "classes": list(spec.classes), "init_from": spec.init_from,
                     "file": str(spec.source.name) if spec.source else None})
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        unit = "MACs/member" if r["ensemble_members"] > 1 else "MACs"
        print(f"{r['name']:<{width}}  {r['macs']:>10,} {unit:<11}  {r['parameters']:>8,} params  {r['description']}")
    return 0


def _settings(args: argparse.Namespace) -> int:
    from workbench.training.spec.setting_paths import parse_assignment, setting_values, spec_with_settings

    changes = [parse_assignment(text) for text in args.settings_set]
    spec = spec_with_settings(args.settings, changes)
    changed = {path for path, _value in changes}
    values = setting_values(spec)
    if args.json:
        print(json.dumps({"spec": args.settings, "name": spec.name, "file": str(spec.source) if spec.source else None,
                          "macs": spec.macs, "init_from": spec.init_from,
                          "settings": [{"path": path, "value": value, "changed": path in changed}
                                       for path, value in values.items()]}, indent=2))
        return 0
    if spec.init_from:  # a top-level key, not a --set setting: said on stderr, so every stdout line is one
        print(f"note: {spec.name} starts from init_from = {toml_value(spec.init_from)} ({INIT_FROM_NOTE})",
              file=sys.stderr)
    for path, value in values.items():
        print(f"{path} = {toml_value(value)}" + (f"  {SET_MARK}" if path in changed else ""))
    return 0
