"""A model given where its command does not take it: the error says where it goes, in the same one line.

``kws evaluate``, ``profile``, ``info`` and ``board …`` take the model as their argument (as MLTK's commands do);
``kws detect`` (whose argument is the audio) and ``kws calibrate`` take it with ``--model``. Before, a user coming
from one to the other read "unrecognized arguments: --model", or that the model "is not a readable WAV/FLAC/OGG/MP3
audio file".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cli.main import main

AS_ARGUMENT = "takes the model as its argument, without --model"


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    try:
        code = main(list(argv))
    except SystemExit as ended:  # what argparse's errors end with
        code = ended.code
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("command", [("evaluate", "--dataset", "data"), ("profile",), ("board", "classify")])
def test_model_option_where_the_model_is_the_argument(capsys: pytest.CaptureFixture[str], reference_model_path: Path,
                                                      command: tuple[str, ...]) -> None:
    err = _error(capsys, *command, "--model", str(reference_model_path))
    name = " ".join(word for word in command if not word.startswith("-") and word != "data")
    assert err == f"kws: error: unrecognized arguments: --model (kws {name} {AS_ARGUMENT}: kws {name} MODEL ...)\n"


def test_model_option_with_equals_sign_leaves_the_argument_out(capsys: pytest.CaptureFixture[str],
                                                               reference_model_path: Path) -> None:
    err = _error(capsys, "board", "profile", f"--model={reference_model_path}")
    assert "the following arguments are required: model" in err and f"kws board profile {AS_ARGUMENT}" in err


@pytest.mark.parametrize("command", [("calibrate", "--stream", "take.wav"), ("detect", "take.wav")])
def test_model_file_as_an_argument_where_it_goes_with_model(capsys: pytest.CaptureFixture[str],
                                                            reference_model_path: Path,
                                                            command: tuple[str, ...]) -> None:
    err = _error(capsys, *command, str(reference_model_path))
    assert err == (f"kws: error: unrecognized arguments: {reference_model_path} (kws {command[0]} takes the model "
                   f"with --model: --model {reference_model_path})\n")


def test_a_model_given_to_detect_as_its_audio_is_named_a_model(capsys: pytest.CaptureFixture[str],
                                                               reference_model_path: Path) -> None:
    err = _error(capsys, "detect", str(reference_model_path))
    assert err == (f"kws: error: {reference_model_path} is a model, not audio: give the audio as the argument and "
                   f"the model with --model (kws detect AUDIO --model {reference_model_path})\n")


def test_other_unrecognized_words_get_no_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert _error(capsys, "detect", "take.wav", "extra") == "kws: error: unrecognized arguments: extra\n"
    assert _error(capsys, "calibrate", "--stream", "take.wav", "extra.wav").endswith("arguments: extra.wav\n")
