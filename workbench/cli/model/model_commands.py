"""``kws info`` (what a model is and every parameter it carries) and ``kws params`` (change them).

``kws info`` says when the output is logits rather than probabilities
(:mod:`workbench.core.model.output_kind`): the scores it gives are then on no 0-1 scale.

``kws params`` writes MLTK's ``SL_PARAMSv1`` metadata, so the tuned values travel with the model to the
board. It never overwrites the input unless asked (``--in-place``), and writes atomically. Values typed
on the command line for a parameter the firmware reads take its type (``PARAMETER_KINDS``: a threshold
list is an integer list even where the model has none yet), others the type of the value they replace,
because the firmware reads list parameters only with their exact stored type (a class list must stay a
string list). A key that neither the firmware nor MLTK reads, and the model does not hold, is refused with the
closest known key (a typo would be stored beside the real key, which keeps its value), unless
``--allow-new-keys`` says a key of one's own is meant (MLTK lets a model carry any key). ``KEY=`` removes a key,
except one the firmware cannot start without. It never writes over its input model (``-o``) or a bundled model,
and names a copy as the window does (``model_copy_path``: ``.tflite`` added, another suffix refused). After
writing, it warns about what the board would still refuse or ignore, about detection settings that can
never detect anything, and about a ``latency_ms`` shorter than an inference takes on the board
(:func:`~workbench.profiler.inference_pace.board_pace`).

The model, its parameter reader and the board pace are imported where they are used: ``kws info --help`` and
``kws params --help`` load neither numpy nor LiteRT (:mod:`workbench.cli.main`).
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path
from shlex import quote
from typing import TYPE_CHECKING, Any

from workbench.cli.command_list import summary
from workbench.cli.model_argument import MODEL_HELP, model_argument
from workbench.core.atomic_write import target_of
from workbench.core.detection.presets import PRESET_PREFIX
from workbench.core.detection.settings import (
    CLASSES_KEY, FIRMWARE_REQUIRED_FRONTEND_KEYS, THRESHOLD_LIST_KEY, DetectionSettings, board_problems,
)
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import folder_step_lock
from workbench.core.frontend_settings import FrontendSettings

if TYPE_CHECKING:
    from workbench.core.model.model_file import LoadedModel

FRONTEND_PREFIX = "fe."
_KEY_WIDTH = 42
_OP_WIDTH = 20
GLOBAL_THRESHOLD_KEY = "detection_threshold"
REMOVED = "(removed)"


def _intermixed(parser: argparse.ArgumentParser) -> None:
    """Let options sit between positionals (``kws params M --in-place k=v``).

    Why: plain argparse stops collecting ``KEY=VALUE`` pairs at the first option, then calls the rest
    unrecognized. The top-level parser has sub-commands, so intermixed parsing can only be switched on
    for this one sub-parser: its class is swapped for a subclass whose ``parse_known_args`` (what the
    sub-command action calls) parses intermixed.
    """
    base = type(parser)

    class IntermixedParser(base):  # type: ignore[misc, valid-type]
        _inside = False

        def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
            if self._inside:  # parse_known_intermixed_args calls back into parse_known_args
                return super().parse_known_args(args, namespace)
            self._inside = True
            try:
                return self.parse_known_intermixed_args(args, namespace)
            finally:
                self._inside = False

    parser.__class__ = IntermixedParser


def register(subparsers: Any) -> None:
    info = subparsers.add_parser("info", help=summary("info"),
                                 description="Layers summary, input/output tensors and every parameter "
                                 "embedded in a .tflite or .mltk.zip model.")
    info.add_argument("model", type=model_argument, help=MODEL_HELP)
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(func=run_info)
    params = subparsers.add_parser("params", help=summary("params"),
                                   description="Without KEY=VALUE: print the parameters. With them: write a "
                                   "copy of the model whose SL_PARAMSv1 metadata holds the new values. "
                                   "Values take the type the firmware reads (else of the value they "
                                   "replace); list values are comma-separated. KEY= (nothing after =) removes "
                                   "the key, e.g. detection_threshold_list= (the board then uses the global "
                                   "threshold); the keys the board firmware needs (classes, the fe.* settings it "
                                   "reads) cannot be removed.")
    params.add_argument("model", type=model_argument, help=MODEL_HELP)
    params.add_argument("changes", nargs="*", metavar="KEY=VALUE",
                        help="e.g. detection_threshold=200 classes=yes,no,_unknown_,_silence_; KEY= removes KEY")
    params.add_argument("-o", "--output", type=Path, help="where to write the changed model")
    params.add_argument("--in-place", action="store_true", help="overwrite the input model (atomically)")
    params.add_argument("--allow-new-keys", action="store_true",
                        help="also store keys that neither the firmware nor MLTK reads and the model does not "
                        "hold yet (keys of your own); without it such a key is refused as a likely typo")
    params.set_defaults(func=run_params)
    _intermixed(params)


# -- kws info ----------------------------------------------------------------------------------
def format_value(value: Any) -> str:
    """A parameter as a person reads it: f32 values at f32 precision (0.95, not 0.949999988)."""
    from workbench.core.detection.parameter_text import LIST_SEPARATOR, number_text

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value)  # as the Model workspace shows it
    if isinstance(value, list):
        return LIST_SEPARATOR.join(format_value(v) for v in value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes> {value[:16].hex()}{'...' if len(value) > 16 else ''}"
    return str(value)


def describe(model: LoadedModel) -> dict[str, Any]:
    """Everything ``kws info`` shows, as JSON-ready data."""
    from workbench.core.model.model_input import graph_input_range_problem, stream_problem
    from workbench.core.model.output_kind import output_kind

    graph = model.graph
    output = output_kind(graph)

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
            "scores": "probabilities" if output.probabilities else "logits", "scores_notice": output.notice(),
            "input_range_problem": graph_input_range_problem(graph),
            "parameters": {k: _json_value(v) for k, v in model.params.items()},
            "board_problems": board_problems(model.params, quote(str(model.path)) if model.path else "MODEL"),
            "stream_problem": stream_problem(graph, model.params)}


def _json_value(value: Any) -> Any:
    """A parameter for JSON: bytes as hex, float32 values at float32 precision (0.025, not 0.02500000037)."""
    from workbench.core.detection.parameter_text import number_text

    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, float) and not isinstance(value, bool):
        return float(number_text(value))  # (a float beyond float32, 1e40, as it is, without a numpy warning)
    return value


def _print_info(info: dict[str, Any], params: dict[str, Any]) -> None:
    print(f"{info['name']}  ({info['file_size']:,} bytes{', ' + info['path'] if info['path'] else ''})")
    print(f"classes: {', '.join(info['classes'])}")
    for kind in ("inputs", "outputs"):
        for t in info[kind]:
            print(f"{kind[:-1]:>6}: {t['name']} {t['shape']} {t['dtype']} "
                  f"scale={t['scale']} zero_point={t['zero_point']}")
    print(f"layers ({len(info['layers'])}):")
    for layer in info["layers"]:
        print(f"  {layer['index']:3d} {layer['op']:<{_OP_WIDTH}} "
              f"{' + '.join(layer['inputs'])} -> {' + '.join(layer['outputs'])}")
    own = [k for k in params if not k.startswith((FRONTEND_PREFIX, PRESET_PREFIX))]
    groups = (("parameters", own), ("presets (preset.NAME.*: kws detect --preset NAME)",
                                    [k for k in params if k.startswith(PRESET_PREFIX)]),
              ("frontend (fe.*)", [k for k in params if k.startswith(FRONTEND_PREFIX)]))
    if not params:
        print("parameters: none (the model carries no SL_PARAMSv1 metadata)")
    width = max([_KEY_WIDTH, *map(len, params)])  # a preset's long keys keep the values in one column
    for title, keys in groups:
        if keys:
            print(f"{title}:")
            for key in keys:
                print(f"  {key:<{width}} {format_value(params[key])}")
    if info["scores_notice"]:
        print(f"scores: {info['scores_notice']}")
    if info["input_range_problem"]:
        print(f"input: {info['input_range_problem']}")
    if info["stream_problem"]:
        print(f"stream: {info['stream_problem']}")
    for problem in info["board_problems"]:
        print(f"board: {problem}")


def run_info(args: argparse.Namespace) -> int:
    from workbench.core.model.model_file import load_model

    model = load_model(args.model)
    info = describe(model)
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        _print_info(info, model.params)
    return 0


# -- kws params --------------------------------------------------------------------------------
def shadowed_threshold(changes: dict[str, Any], params: dict[str, Any]) -> str | None:
    """A warning when ``detection_threshold`` is set but the written model keeps a ``detection_threshold_list``.

    Why warn and write as asked, where ``kws detect --threshold`` drops the list: ``kws params`` edits the
    stored parameters key by key, and deleting a key nobody named (per-class values someone calibrated,
    such as MLTK on_off_v3's 242,242,255) would be worse than the surprise. But the firmware uses the
    list instead of the global threshold for every class, so "wrote … detection_threshold=201" alone
    would let the user believe the board now uses 201.
    """
    if GLOBAL_THRESHOLD_KEY not in changes or THRESHOLD_LIST_KEY in changes:
        return None
    thresholds = params.get(THRESHOLD_LIST_KEY)
    if not thresholds:
        return None
    return (f"the board uses {THRESHOLD_LIST_KEY} ({format_value(thresholds)}) instead of "
            f"{GLOBAL_THRESHOLD_KEY}; change that list, or remove it with {THRESHOLD_LIST_KEY}= "
            f"so {GLOBAL_THRESHOLD_KEY} applies")


def _refuse_breaking_changes(original: LoadedModel, updated: LoadedModel) -> None:
    """Refuse values with which a model that ran would no longer run (classes vs outputs, a threshold list's
    length, frontend vs input shape): the same checks as ``kws detect``, before anything is written."""
    from workbench.core.engine import Engine

    try:
        Engine(updated)
        return
    except WorkbenchError as exc:
        problem = exc
    try:
        Engine(original)
    except WorkbenchError:
        return  # it did not run before either: these changes are not what stops it
    raise WorkbenchError(f"nothing written: with these values the model would not run ({problem})")


def run_params(args: argparse.Namespace) -> int:
    """``kws params``. A change ``--in-place`` runs from reading the model to its rename under the step lock of
    the folder it is written in, so two at once each keep the other's change: both used to read the old file,
    and the later write dropped the earlier change."""
    if args.in_place and args.changes:
        with folder_step_lock(target_of(args.model).parent):
            return _run_params(args)
    return _run_params(args)


def _run_params(args: argparse.Namespace) -> int:
    from workbench.core.detection.never_detects import never_detects_reason
    from workbench.core.detection.parameter_text import parse_parameter
    from workbench.core.detection.presets import presets_in
    from workbench.core.model.model_file import load_model, model_copy_path, model_with_params, save_model
    from workbench.output_guard import check_output_file
    from workbench.profiler.inference_pace import board_pace

    model = load_model(args.model)
    if args.output is not None and args.in_place:
        raise WorkbenchError("pass either -o OUT or --in-place, not both")
    if not args.changes:
        if args.output is not None or args.in_place:
            raise WorkbenchError("no KEY=VALUE given: nothing to write (without -o/--in-place, "
                                 "kws params prints the parameters)")
        if not model.params:
            print(f"{model.name} carries no parameters (no SL_PARAMSv1 metadata)", file=sys.stderr)
        for key, value in model.params.items():
            print(f"{key}={format_value(value)}")
        return 0
    if args.output is None and not args.in_place:
        raise WorkbenchError("pass -o OUT to write a changed copy, or --in-place to overwrite the model")
    from workbench.bundled_models import is_bundled_model

    if args.in_place and is_bundled_model(args.model):  # `kws params kws_yes_no --in-place` must not edit the package
        raise WorkbenchError(f"--in-place would overwrite the bundled model {args.model.name}; "
                             "write a changed copy with -o OUT.tflite")
    if args.in_place and (args.model.name.lower().endswith(".zip") or zipfile.is_zipfile(args.model)):
        # by content too: the bare .tflite written in place of MODEL.MLTK.ZIP lost the archive's .h5 and logs
        raise WorkbenchError("cannot rewrite an .mltk.zip archive in place; pass -o OUT.tflite")
    if args.output is not None and args.output.name.lower().endswith(".zip"):
        raise WorkbenchError("kws params writes a .tflite model, not an archive; give -o OUT.tflite")
    if args.output is not None:
        if not args.output.is_dir():  # (a folder is refused as any output file's is)
            args.output = model_copy_path(args.output)  # the window's rule: .tflite added, another suffix refused
        check_output_file(args.output, [args.model])
    changes: dict[str, Any] = {}
    for item in args.changes:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise WorkbenchError(f"expected KEY=VALUE, got {item!r}")
        _check_key(key.strip(), model, args.allow_new_keys)
        changes[key.strip()] = _removed(key.strip(), model) if not text.strip() else \
            parse_parameter(key.strip(), text, model.params.get(key.strip()))
    updated = model_with_params(model, changes)
    own = DetectionSettings.from_params(updated.params)  # refuse values the firmware would reject
    FrontendSettings.from_params(updated.params)
    presets_in(updated.params, own, updated.classes)  # and a preset that could not be used
    _refuse_breaking_changes(model, updated)
    out = save_model(updated, args.model if args.in_place else args.output)
    print(f"wrote {out}: " + ", ".join(f"{k}={_written(updated.params.get(k))}" for k in changes))
    settings = DetectionSettings.from_params(updated.params)
    warnings = [shadowed_threshold(changes, updated.params), *board_problems(updated.params, quote(str(out))),
                never_detects_reason(settings, updated.classes), board_pace(updated, settings.latency_ms).problem]
    for warning in filter(None, warnings):
        print(f"kws: warning: {warning}", file=sys.stderr)
    return 0


def _check_key(key: str, model: LoadedModel, allow_new: bool) -> None:
    """Refuse a key nothing reads (see the module docstring); an unknown ``fe.*`` key is refused even with
    ``--allow-new-keys``, since the frontend settings refuse it (the firmware reads only its own). A ``preset.*``
    key is a preset's (:mod:`workbench.core.detection.presets`): taken when well formed, else refused whatever
    the options, since the presets could not be read with it."""
    from workbench.core.detection.parameter_text import unknown_key_problem
    from workbench.core.detection.presets import preset_key_problem

    if key.startswith(PRESET_PREFIX):
        problem = preset_key_problem(key)
        if problem:
            raise WorkbenchError(f"{problem}; nothing written: correct the key")
        return
    problem = unknown_key_problem(key, model.params)
    if problem is None or (allow_new and not key.startswith(FRONTEND_PREFIX)):
        return
    if key.startswith(FRONTEND_PREFIX):
        raise WorkbenchError(f"{problem}; nothing written: correct the key")
    raise WorkbenchError(f"{problem}; nothing written: correct the key, or pass --allow-new-keys to store a "
                         "key of your own")


def _removed(key: str, model: LoadedModel) -> None:
    """``KEY=``: the key is removed (None), unless the board firmware cannot start without it, or the model does
    not hold it (then one sentence each, and nothing is written).

    Why refuse those: a model without its class names or a frontend setting the firmware reads with no default
    would be written fine and stop the board at start-up; and "KEY=(removed)" for a key that was never there
    would report a change while the copy is the same model."""
    if key == CLASSES_KEY or key in FIRMWARE_REQUIRED_FRONTEND_KEYS:
        raise WorkbenchError(f"{key} cannot be removed: the board firmware needs it; give it a value instead")
    if key not in model.params:
        raise WorkbenchError(f"{model.name} has no parameter {key}: nothing to remove, nothing written")
    return None


def _written(value: Any) -> str:
    """A written value as ``kws params`` reports it (a removed one as such)."""
    return REMOVED if value is None else format_value(value)
