"""The run folder's names are spelled once, in workbench.run_folder_layout, and every reader and writer uses them.

Why these checks: a name spelled again in a reader keeps working until someone renames the file in the writer;
then the GUI calls a finished run new, or a sweep calls a finished trial failed. The source check finds a second
spelling at once; the round trip shows the GUI reading what training writes through the shared names.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import workbench.run_folder_layout as layout
from workbench.gui.training.run_folder_state import RunKind, inspect_run_folder, run_log
from workbench.training.run.output_folder import OutputFolder

REPO = Path(__file__).resolve().parents[1]
USERS = ("workbench/training/run/output_folder.py", "workbench/training/run/pipeline.py",
         "workbench/training/run/checkpoints.py", "workbench/training/run/finish.py",
         "workbench/evaluation/report.py", "workbench/evaluation/plots.py",
         "workbench/gui/training/run_folder_state.py", "workbench/gui/training/evaluation/evaluation_report_view.py",
         "workbench/sweeps/on_ray/trial_runner.py")
NAMES = {value for key, value in vars(layout).items()  # the file and folder names (not summary.json's key)
         if key.isupper() and not key.endswith("_KEY") and isinstance(value, str)}
# a file name (or a model file's suffix) is unmistakable in any string; "train", "eval" or "model" are also
# words of messages and events, so those count only where a module assigns them to a constant of its own
FILE_NAMES = {name for name in NAMES if "." in name} | set(layout.EVAL_PLOT_SUFFIXES)
FORBIDDEN_PREFIXES = ("PySide6", "shiboken6", "pyqtgraph", "tensorflow", "keras")


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the module's, classes' and functions' docstring nodes (they may name files: they explain)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _spellings(relative: str) -> list[str]:
    """Where ``relative`` spells a layout name itself: "line N: 'name'"."""
    tree = ast.parse((REPO / relative).read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    found = [f"line {node.lineno}: {node.value!r}" for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and id(node) not in docstrings and isinstance(node.value, str)
             and any(node.value == name or (name.startswith(".") and node.value.startswith(name))
                     for name in FILE_NAMES)]
    for statement in tree.body:  # module constants: TRAIN_DIR = "train", or a tuple of such names
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            found += [f"line {node.lineno}: {node.value!r}" for node in ast.walk(statement.value)
                      if isinstance(node, ast.Constant) and node.value in NAMES]
    return found


def test_the_training_sweep_and_gui_modules_spell_no_run_folder_name_of_their_own() -> None:
    spelled = {relative: found for relative in USERS if (found := _spellings(relative))}
    assert spelled == {}, f"use workbench.run_folder_layout instead: {spelled}"


def test_the_layout_module_loads_neither_qt_nor_tensorflow() -> None:
    code = ("import sys, workbench.run_folder_layout\n"
            f"print(' '.join(sorted(m for m in sys.modules if m.startswith({FORBIDDEN_PREFIXES!r}))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_gui_reads_the_folder_training_writes(tmp_path: Path) -> None:
    out = OutputFolder(tmp_path / "run", "my model")
    out.prepare(resume=False)
    out.write_json(out.run_path, {})
    out.write_log(["epoch 1"])
    out.write_json(out.train_dir / layout.STATE_FILE, {"best_epoch": 1})
    out.write_history([{"epoch": 1.0, "loss": 0.5, "accuracy": 0.5}])
    stopped = inspect_run_folder(out.root)
    assert (stopped.kind, stopped.best_epoch, len(stopped.history)) == (RunKind.STOPPED, 1, 1)
    assert run_log(out.root) == "epoch 1\n"
    out.write_bytes(out.model_path, b"model")
    out.write_json(out.root / layout.SUMMARY_FILE, {layout.SUMMARY_MODEL_KEY: out.model_path.name})
    finished = inspect_run_folder(out.root)
    assert (finished.kind, finished.model_path) == (RunKind.FINISHED, out.model_path)
    assert json.loads((out.root / layout.SUMMARY_FILE).read_text(encoding="utf-8"))["model"] == "my model.tflite"


def test_the_gui_reads_the_spec_and_keywords_a_run_was_started_with(tmp_path: Path) -> None:
    """run.json is the training request's record; the Training workspace reads two of its keys by the layout's
    names, so a renamed request field shows up here, not as a form that forgets the run's keywords."""
    from workbench.gui.training.run_folder_state import run_spec
    from workbench.training.run.run_request import TrainRequest

    record = TrainRequest(datasets=(), out=tmp_path, spec="default", keywords=("up", "down")).to_record()
    (tmp_path / layout.RUN_FILE).write_text(json.dumps(record), encoding="utf-8")
    spec = run_spec(tmp_path)
    assert spec is not None and (spec.spec, spec.keywords) == ("default", ["up", "down"])
