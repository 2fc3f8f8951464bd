"""A misspelt command, sub-command or option value gets argparse's one line plus the choice that was likely
meant; a word close to none gets the list alone."""

from __future__ import annotations

import pytest

from workbench.cli.main import main


@pytest.mark.parametrize(("argv", "meant"), [
    (["detcet", "x.wav"], "detect"),  # a command
    (["evalute"], "evaluate"),
    (["board", "flsh"], "flash"),  # a sub-command
    (["profile", "--format", "jsn", "kws_yes_no"], "json"),  # an option's value
])
def test_the_choice_meant_is_suggested(capsys, argv: list[str], meant: str) -> None:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    err = capsys.readouterr().err
    assert ended.value.code == 2 and err.count("\n") == 1
    assert "invalid choice" in err and err.endswith(f" -- did you mean '{meant}'?\n")


def test_nothing_is_suggested_for_a_word_close_to_no_choice(capsys) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["xyz"])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and "invalid choice: 'xyz'" in err and "did you mean" not in err
