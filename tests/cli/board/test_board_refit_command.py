"""``kws board refit``: with MODEL it refuses an empty store, as ``kws profile --calibrated`` does."""

from __future__ import annotations

from pathlib import Path

from workbench.cli.main import main

EXIT_USAGE = 2


def test_refit_of_a_model_without_saved_measurements_is_refused(capsys, tmp_path: Path,
                                                                reference_model_path: Path) -> None:
    store = tmp_path / "empty-store"
    code = main(["board", "refit", str(reference_model_path), "--store", str(store)])
    captured = capsys.readouterr()
    assert code == EXIT_USAGE and captured.out == ""
    assert captured.err.startswith("kws: error: `kws board refit MODEL` needs saved board measurements and ")
    assert f"{store} has none" in captured.err and "kws board profile MODEL --save" in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_refit_without_a_model_still_lists_an_empty_store(capsys, tmp_path: Path) -> None:
    code = main(["board", "refit", "--store", str(tmp_path / "empty-store")])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("0 saved measurements in ")
    assert "No refit factors yet" in out


def test_refit_names_a_store_that_does_not_exist_or_is_a_file(capsys, tmp_path: Path,
                                                               reference_model_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    code = main(["board", "refit", "--store", str(missing)])
    captured = capsys.readouterr()
    assert code == 0 and captured.out.startswith("0 saved measurements in ")
    assert captured.err == f"kws: warning: --store {missing} does not exist, so nothing was saved there yet: " \
                           "check the path.\n"
    afile = tmp_path / "afile.txt"
    afile.write_text("not a folder")
    for argv in (["board", "refit"], ["board", "refit", str(reference_model_path)]):
        code = main([*argv, "--store", str(afile)])
        captured = capsys.readouterr()
        assert code == EXIT_USAGE and captured.out == ""
        assert captured.err == f"kws: error: --store {afile} is a file, not a folder of saved measurements: " \
                               "give the folder.\n"
