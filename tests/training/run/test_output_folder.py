"""The output folder: model files named after the spec's name as written, and a log that keeps every session."""

from __future__ import annotations

from pathlib import Path

from workbench.run_folder_layout import LOG_FILE, RUN_FILE, TRAIN_DIR
from workbench.training.run.output_folder import OutputFolder, file_stem


def test_file_names_keep_the_users_name_and_drop_only_what_no_file_name_may_hold(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path, "my spec é")
    assert folder.model_path == tmp_path / "my spec é.tflite"
    assert folder.float_model_path == tmp_path / "my spec é.float32.tflite"
    assert folder.keras_path.name == "my spec é.keras" and folder.h5_path.name == "my spec é.h5"
    assert file_stem("a/b\\c: d?") == "a_b_c_ d_"
    assert file_stem("..") == "model" and file_stem(".hidden ") == "hidden"
    assert len(file_stem("é" * 300).encode("utf-8")) <= 200
    for name in ("a/b", "../x", "con:1", "tab\there"):
        path = OutputFolder(tmp_path, name).model_path
        assert path.parent == tmp_path
        path.write_bytes(b"x")  # a file the system takes


def _session(root: Path, resume: bool, lines: list[str], writes: int = 1) -> None:
    folder = OutputFolder(root, "m")
    folder.prepare(resume)
    if not resume:
        (root / RUN_FILE).write_text("{}")
    for _ in range(writes):
        folder.write_log(lines)


def test_a_resumed_session_appends_to_the_log_after_a_separator(tmp_path: Path) -> None:
    _session(tmp_path, False, ["first: epoch 1", "cancelled: stopped after 1 epochs"])
    _session(tmp_path, True, ["second: epoch 2", "cancelled: stopped after 2 epochs"], writes=2)
    _session(tmp_path, True, ["third: done"])
    lines = (tmp_path / TRAIN_DIR / LOG_FILE).read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["first: epoch 1", "cancelled: stopped after 1 epochs"]
    assert lines[2].startswith("----- resumed ") and "new session" in lines[2]
    assert lines[3:5] == ["second: epoch 2", "cancelled: stopped after 2 epochs"]  # written twice, kept once
    assert lines[5].startswith("----- resumed ") and lines[6:] == ["third: done"]
    assert [p.name for p in (tmp_path / TRAIN_DIR).iterdir()] == [LOG_FILE]  # no temporary file left


def test_a_new_run_is_refused_where_a_finished_run_lies_even_without_its_run_json(tmp_path: Path) -> None:
    import pytest

    from workbench.core.errors import WorkbenchError

    (tmp_path / "summary.json").write_text('{"model": "m.tflite"}')
    with pytest.raises(WorkbenchError, match="already holds a finished training run"):
        OutputFolder(tmp_path, "m").prepare(resume=False)
