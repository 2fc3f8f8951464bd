"""ask_and_save: the path asked is written, a cancelled dialog writes nothing, an expected failure is a sentence."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from workbench.core.errors import WorkbenchError
from workbench.gui.widgets.save_dialog import ask_and_save


def _answer(monkeypatch, path: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    asked: list[tuple] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args: asked.append(args[1:]) or (path, "")))
    return asked


def test_the_chosen_path_is_written(qtbot, monkeypatch, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    target = tmp_path / "out.csv"
    asked = _answer(monkeypatch, str(target))
    written, failures = [], []
    ask_and_save(parent, "Save it", "name.csv", "CSV (*.csv)", written.append, failures.append)
    assert asked == [("Save it", "name.csv", "CSV (*.csv)")] and written == [str(target)] and failures == []


def test_a_cancelled_dialog_writes_nothing(qtbot, monkeypatch) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    _answer(monkeypatch, "")
    written, failures = [], []
    ask_and_save(parent, "Save it", "name.csv", "CSV (*.csv)", written.append, failures.append)
    assert written == [] and failures == []


def test_an_expected_failure_is_its_sentence(qtbot, monkeypatch, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    _answer(monkeypatch, str(tmp_path / "out.csv"))
    failures: list[str] = []

    def refuse(path: str) -> None:
        raise WorkbenchError(f"cannot write {path}: read-only folder")
    ask_and_save(parent, "Save it", "name.csv", "CSV (*.csv)", refuse, failures.append)
    assert failures == [f"cannot write {tmp_path / 'out.csv'}: read-only folder"]
