"""The open model's file rewritten by another tool (as ``kws params --in-place`` does) while the window has it open:
"Save into model…" onto it asks before overwriting those changes, and reopening it keeps the unsaved tuning.
A real window, a real copy of the bundled model, real files."""

from __future__ import annotations

from pathlib import Path

from workbench.core.model.model_file import load_model, model_with_params, save_model
from workbench.core.model.model_params import read_params
from tests.gui.window.open_model.tuned_copy import TUNED_THRESHOLD
from workbench.gui.window.open_model.changed_model_question import CANCEL, OVERWRITE, REOPEN

OTHER_CLASSES = ["alpha", "beta", "gamma", "delta"]
OTHER_SUPPRESSION_MS = 640


def rewrite_elsewhere(path: Path) -> bytes:
    """What another tool does: new class names and suppression written into the file; its bytes after."""
    changed = model_with_params(load_model(path), {"classes": OTHER_CLASSES, "suppression_ms": OTHER_SUPPRESSION_MS})
    save_model(changed, path)
    return path.read_bytes()


def answering(window, answer: str) -> list[Path]:
    asked: list[Path] = []
    window.ask_changed_model = lambda _parent, path: (asked.append(path), answer)[1]
    return asked


def test_cancel_keeps_the_changes_made_on_disk(window, opened: Path) -> None:
    on_disk = rewrite_elsewhere(opened)
    asked = answering(window, CANCEL)
    assert not window.save_parameters(opened)
    assert asked == [opened]
    assert opened.read_bytes() == on_disk
    assert "keeps the changes made to it on disk" in window.statusBar().currentMessage()


def test_overwrite_writes_the_parameters_in_use_as_asked(window, opened: Path) -> None:
    rewrite_elsewhere(opened)
    asked = answering(window, OVERWRITE)
    assert window.save_parameters(opened)
    assert asked == [opened]
    params = read_params(opened.read_bytes())
    assert params["detection_threshold"] == TUNED_THRESHOLD
    assert params["classes"] != OTHER_CLASSES  # what the window read, as the user chose
    assert [p.name for p in opened.parent.glob("*mine*")] == [opened.name]  # atomic: no temporary file left


def test_reopen_shows_the_file_and_keeps_the_unsaved_tuning(window, opened: Path) -> None:
    on_disk = rewrite_elsewhere(opened)
    answering(window, REOPEN)
    assert not window.save_parameters(opened)
    assert opened.read_bytes() == on_disk
    assert list(window.controller.model.classes) == OTHER_CLASSES
    assert window.controller.settings.detection_threshold == TUNED_THRESHOLD
    assert window.controller.tuning.is_modified


def test_reopening_a_file_whose_parameters_another_tool_rewrote_keeps_the_tuning(window, opened: Path) -> None:
    rewrite_elsewhere(opened)
    assert window.open_model(opened), window.last_error
    assert window.controller.settings.detection_threshold == TUNED_THRESHOLD
    assert window.controller.tuning.model_defaults.suppression_ms == OTHER_SUPPRESSION_MS


def test_a_file_unchanged_on_disk_is_saved_without_a_question(window, opened: Path) -> None:
    asked = answering(window, CANCEL)
    assert window.save_parameters(opened), window.last_error
    assert asked == []
    assert read_params(opened.read_bytes())["detection_threshold"] == TUNED_THRESHOLD
    assert not window.controller.tuning.is_modified  # the file now holds what is in use
