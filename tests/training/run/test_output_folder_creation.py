"""Creating a run's folders: atomic_write's one sentence, naming the folder that could not be made."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import WorkbenchError
from workbench.run_folder_layout import TRAIN_DIR
from workbench.training.run.output_folder import OutputFolder


def test_a_file_where_the_training_folder_goes_is_named_not_the_output_folder(tmp_path: Path) -> None:
    """Why: "Cannot create the output folder OUT" sends the user to a folder that is there; the file in the
    way is OUT/train."""
    (tmp_path / TRAIN_DIR).write_text("a file")
    with pytest.raises(WorkbenchError) as error:
        OutputFolder(tmp_path, "m").prepare(resume=False)
    assert str(error.value) == (f"Cannot create the training folder {tmp_path / TRAIN_DIR}: a file is in the way "
                                "(that name, or one above it, is a file).")


def test_an_output_folder_under_a_file_gets_atomic_writes_sentence(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("a file")
    out = tmp_path / "a_file" / "run"
    with pytest.raises(WorkbenchError, match=r"^Cannot create the output folder .*/a_file/run: a file is in the way \(that name, or one "
                                           r"above it, is a file\)\.$"):
        OutputFolder(out, "m").prepare(resume=False)
    assert not out.exists()
