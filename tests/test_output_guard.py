"""The -o guard: a command's output never replaces its input or a bundled model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.bundled_models import bundled_model_file
from workbench.output_guard import check_output_file
from workbench.core.errors import WorkbenchError


def test_the_input_however_spelt_is_refused(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "m.tflite"
    source.write_bytes(b"model")
    os.link(source, tmp_path / "hard.tflite")
    (tmp_path / "soft.tflite").symlink_to(source)
    monkeypatch.chdir(tmp_path)
    for output in (source, Path("m.tflite"), Path("./sub/../m.tflite"), tmp_path / "hard.tflite",
                   tmp_path / "soft.tflite"):
        with pytest.raises(WorkbenchError, match="is the input"):
            check_output_file(output, [source])
    check_output_file(tmp_path / "other.tflite", [source])  # a new file is fine
    check_output_file(tmp_path / "m.h", [source, tmp_path / "missing.wav"])  # so is a missing input's neighbour


def test_a_bundled_model_is_refused() -> None:
    bundled = bundled_model_file("kws_yes_no")
    assert bundled is not None
    with pytest.raises(WorkbenchError, match="bundled model kws_yes_no.tflite"):
        check_output_file(bundled, [], option="--out")


def test_a_new_file_among_the_bundled_models_is_refused_for_what_it_is(tmp_path: Path, monkeypatch) -> None:
    """Not "would overwrite the bundled model X" for an X that does not exist: the folder is the installed
    workbench's. The window suggests copies of a bundled model in the home folder instead."""
    from workbench.bundled_models import copy_beside

    bundled = bundled_model_file("kws_yes_no")
    assert bundled is not None
    beside = bundled.with_name("kws_yes_no-tuned.tflite")
    with pytest.raises(WorkbenchError) as refused:
        check_output_file(beside, [], option=None)
    assert str(refused.value) == (f"{beside} is in the bundled models' folder, which is part of the installed "
                                  "workbench; choose another folder.")
    assert not beside.exists()
    monkeypatch.setenv("HOME", str(tmp_path))
    assert copy_beside(bundled, "kws_yes_no-tuned.tflite") == tmp_path / "kws_yes_no-tuned.tflite"
    own = tmp_path / "models" / "mine.tflite"
    assert copy_beside(own, "mine-tuned.tflite") == own.parent / "mine-tuned.tflite"
    check_output_file(copy_beside(bundled, "kws_yes_no-tuned.tflite"), [bundled], option=None)  # accepted
