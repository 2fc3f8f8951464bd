"""A file whose name starts with "-" is read by argparse as an option: the error says so and how to give it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.cli.main import main


def test_a_dash_file_is_named_in_the_error(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-v.wav").write_bytes(b"")
    with pytest.raises(SystemExit) as ended:
        main(["detect", "--model", "kws_yes_no", "-v.wav"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert err.endswith("(-v.wav is read as an option: write it as ./-v.wav)\n") and err.count("\n") == 1
    os.remove(tmp_path / "-v.wav")
    with pytest.raises(SystemExit):  # no such file: argparse's own sentence, nothing added
        main(["detect", "--model", "kws_yes_no", "-v.wav"])
    assert "read as an option" not in capsys.readouterr().err


def test_an_option_the_command_knows_is_not_taken_for_a_file(capsys, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A file named like an option ("--json") beside a command that has that option: the option is meant."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "--json").write_bytes(b"")
    with pytest.raises(SystemExit):
        main(["info", "--json"])  # the model forgotten
    assert "read as an option" not in capsys.readouterr().err
