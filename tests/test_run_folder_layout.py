"""The run folder's names are spelled once, in workbench.run_folder_layout, and every reader and writer uses them.

Why these checks: a name spelled again in a reader keeps working until someone renames the file in the writer;
then the GUI calls a finished run new, or a sweep calls a finished trial failed. The source check finds a second
spelling at once; the round trip shows the GUI reading what training writes through the shared names.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import workbench.run_folder_layout as layout
from workbench.core.errors import WorkbenchError
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


# a run's JSON file as a damaged or foreign copy leaves it: what it holds (None: no file), what the reader says of it
DAMAGED_RUN_FILES = {
    "missing": (None, "cannot read {path}: No such file or directory"),
    "cut short": ('{"samples": ', "cannot read {path}: Expecting value: line 1 column 13 (char 12)"),
    "not text": (b"\xff\xfe\x00", "cannot read {path}: 'utf-8' codec can't decode byte 0xff in position 0"),
    "nested too deeply": ("[" * 100_000, "cannot read {path}: it is nested too deeply to be a file of a training run"),
    "no object": ("[1, 2]", "{path} is no run.json of a training run"),
}


def _write(path: Path, content: str | bytes | None) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", DAMAGED_RUN_FILES)
def test_the_run_file_reader_says_in_one_sentence_why_a_file_is_no_record(tmp_path: Path, kind: str) -> None:
    content, sentence = DAMAGED_RUN_FILES[kind]
    path = _write(tmp_path / layout.RUN_FILE, content)
    with pytest.raises(WorkbenchError) as caught:
        layout.read_json_object(path)
    assert str(caught.value).startswith(sentence.format(path=path)) and "\n" not in str(caught.value)


def test_the_run_file_reader_gives_the_object_training_wrote(tmp_path: Path) -> None:
    out = OutputFolder(tmp_path / "run", "my model")
    out.prepare(resume=False)
    out.write_json(out.run_path, {layout.RUN_SPEC_KEY: "default", layout.RUN_KEYWORDS_KEY: ["up", "down"]})
    assert layout.read_json_object(out.run_path) == {"spec": "default", "keywords": ["up", "down"]}


@pytest.mark.parametrize("kind", [kind for kind, (content, _) in DAMAGED_RUN_FILES.items() if content is not None])
def test_kws_evaluate_says_the_readers_sentence_and_the_window_keeps_its_form(tmp_path: Path, kind: str) -> None:
    """The two readers of a run they did not write: ``kws evaluate --split validation`` scores the datasets' own
    split with the reader's sentence as the reason (a plan.json nested too deeply was a RecursionError traceback),
    the Training workspace's form takes nothing from a damaged run.json."""
    from workbench.cli.measure.run_validation import run_validation
    from workbench.gui.training.run_folder_state import run_spec
    from workbench.spec_files import SPECS_DIR

    content, sentence = DAMAGED_RUN_FILES[kind]
    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(SPECS_DIR / "tflite_micro_speech.toml", run / layout.SPEC_FILE)
    plan = _write(run / layout.PLAN_FILE, content)
    scored = run_validation(run / "model.tflite", [tmp_path / "data"])
    assert scored is not None and scored.clips is None
    reason = sentence.format(path=plan).replace(layout.RUN_FILE, layout.PLAN_FILE)
    assert scored.note.startswith(f"the model is of the training run in {run}, but which clips it validated on is "
                                  f"not known ({reason}")

    (run / layout.SPEC_FILE).unlink()  # the form then has nothing of the run to show
    _write(run / layout.RUN_FILE, content)
    assert run_spec(run) is None
