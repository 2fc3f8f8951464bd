"""``kws info`` (what a model is and every parameter it carries) and ``kws params`` (change them).

``kws params`` writes MLTK's ``SL_PARAMSv1`` metadata, so the tuned values travel with the model to the
board. It never overwrites the input unless asked (``--in-place``), and writes atomically.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError
from workbench.core.model_file import LoadedModel, load_model, model_with_params, save_model
from workbench.core.tflite_graph import parse_model

FRONTEND_PREFIX = "fe."
_TRUE, _FALSE = ("true", "yes", "on"), ("false", "no", "off")


def register(subparsers: Any) -> None:
    info = subparsers.add_parser("info", help="show a model's layers, classes and parameters",
                                 description="Layers summary, input/output tensors and every parameter "
                                 "embedded in a .tflite or .mltk.zip model.")
    info.add_argument("model", type=Path, help=".tflite or .mltk.zip")
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(func=run_info)
    params = subparsers.add_parser("params", help="print or change a model's embedded parameters",
                                   description="Without KEY=VALUE: print the parameters. With them: write a "
                                   "copy of the model whose SL_PARAMSv1 metadata holds the new values.")
    params.add_argument("model", type=Path, help=".tflite or .mltk.zip")
    params.add_argument("changes", nargs="*", metavar="KEY=VALUE",
                        help="e.g. detection_threshold=200 classes=yes,no,_unknown_,_silence_")
    params.add_argument("-o", "--output", type=Path, help="where to write the changed model")
    params.add_argument("--in-place", action="store_true", help="overwrite the input model (atomically)")
    params.set_defaults(func=run_params)


def describe(model: LoadedModel) -> dict[str, Any]:
    graph = parse_model(model.tflite)

    def tensor(i: int) -> dict[str, Any]:
        t = graph.tensors[i]
        return {"name": t.name, "shape": list(t.shape), "dtype": t.dtype,
                "scale": list(t.scale), "zero_point": list(t.zero_point)}

    layers = [{"index": op.index, "op": op.op,
               "inputs": [graph.tensors[i].shape_str for i in op.inputs if i >= 0],
               "outputs": [graph.tensors[i].shape_str for i in op.outputs]} for op in graph.operators]
    return {"name": model.name, "path": str(model.path) if model.path else None, "file_size": model.file_size,
            "classes": list(model.classes), "inputs": [tensor(i) for i in graph.inputs],
            "outputs": [tensor(i) for i in graph.outputs], "layers": layers,
            "parameters": {k: (v.hex() if isinstance(v, bytes) else v) for k, v in model.params.items()}}


def _print_info(info: dict[str, Any]) -> None:
    print(f"{info['name']}  ({info['file_size']:,} bytes{', ' + info['path'] if info['path'] else ''})")
    print(f"classes: {', '.join(info['classes'])}")
    for kind in ("inputs", "outputs"):
        for t in info[kind]:
            print(f"{kind[:-1]:>6}: {t['name']} {t['shape']} {t['dtype']} scale={t['scale']} zero_point={t['zero_point']}")
    print("layers:")
    for layer in info["layers"]:
        print(f"  {layer['index']:3d} {layer['op']:<20} {' + '.join(layer['inputs'])} -> {' + '.join(layer['outputs'])}")
    params = info["parameters"]
    groups = (("parameters", [k for k in params if not k.startswith(FRONTEND_PREFIX)]),
              ("frontend (fe.*)", [k for k in params if k.startswith(FRONTEND_PREFIX)]))
    for title, keys in groups:
        print(f"{title}:")
        for key in keys:
            print(f"  {key:<42} {params[key]}")


def run_info(args: argparse.Namespace) -> int:
    info = describe(load_model(args.model))
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        _print_info(info)
    return 0


def parse_value(text: str, current: Any) -> Any:
    """A command-line value typed like the existing one (or guessed for a new key)."""
    low = text.strip().lower()
    if isinstance(current, bool) or (current is None and low in _TRUE + _FALSE):
        if low not in _TRUE + _FALSE:
            raise WorkbenchError(f"expected true or false, got {text!r}")
        return low in _TRUE
    if isinstance(current, list):
        items = [s.strip() for s in text.split(",") if s.strip()]
        kinds = {type(v) for v in current}
        return [parse_value(s, current[0] if current and kinds <= {int, float} else "") for s in items]
    for cast in (int, float):
        if isinstance(current, str) and current != "" and not isinstance(current, (int, float)):
            break
        try:
            value = cast(text)
        except ValueError:
            continue
        return float(value) if isinstance(current, float) else value
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        raise WorkbenchError(f"expected a number, got {text!r}")
    return text


def run_params(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    if not args.changes:
        for key, value in model.params.items():
            print(f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}")
        return 0
    if args.output is None and not args.in_place:
        raise WorkbenchError("pass -o OUT to write a changed copy, or --in-place to overwrite the model")
    if args.model.name.endswith(".zip") and args.in_place:
        raise WorkbenchError("cannot rewrite an .mltk.zip archive in place; pass -o OUT.tflite")
    changes: dict[str, Any] = {}
    for item in args.changes:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise WorkbenchError(f"expected KEY=VALUE, got {item!r}")
        changes[key] = parse_value(text, model.params.get(key))
    updated = model_with_params(model, changes)
    from workbench.core.detection_settings import DetectionSettings
    from workbench.core.frontend_settings import FrontendSettings

    DetectionSettings.from_params(updated.params)  # refuse values the firmware would reject
    FrontendSettings.from_params(updated.params)
    out = save_model(updated, args.model if args.in_place else args.output)
    print(f"wrote {out}: " + ", ".join(f"{k}={updated.params.get(k)}" for k in changes))
    return 0
