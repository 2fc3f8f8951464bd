"""A bundled model's name (as `kws models` lists it) works as every command's model argument, from any folder.

Real files, the real parser and the real bundled models; the working folder is a temporary one, so a bare
name can only mean the bundled model (or a file the test puts there).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.bundled_model_paths import YES_NO_MODEL, yes_no_model_path
from workbench.assets import reference_model_path
from workbench.cli.main import build_parser, main
from workbench.core.model.model_file import load_model

EXIT_USAGE = 2
BUNDLED = YES_NO_MODEL
BUNDLED_FILE = f"{BUNDLED}.tflite"

# every command line with a model argument -> the namespace attribute that holds it (M is the model)
MODEL_ARGUMENTS = [
    (["detect", "clip.wav", "--model", "M"], "model"),
    (["features", "clip.wav", "-o", "f.npy", "--model", "M"], "model"),
    (["info", "M"], "model"),
    (["params", "M"], "model"),
    (["profile", "M"], "model"),
    (["export-c", "M", "-o", "m.h"], "model"),
    (["board", "flash", "--model", "M"], "model"),
    (["board", "profile", "M"], "model"),
    (["board", "classify", "M"], "model"),
    (["board", "refit", "M"], "model"),
    (["stream", "check", "s.wav", "--model", "M"], "model"),
    (["calibrate", "--stream", "s.wav", "--model", "M"], "model"),
    (["dataset", "synth", "--words", "yes", "--out", "x", "--model", "M"], "model"),
    (["train", "--out", "x", "--init-from", "M"], "init_from"),
]


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # not resources/models, where a bare name would find the file itself


@pytest.mark.parametrize(("argv", "dest"), MODEL_ARGUMENTS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
@pytest.mark.parametrize("name", [BUNDLED, BUNDLED_FILE])
def test_every_model_argument_takes_a_bundled_name(argv: list[str], dest: str, name: str) -> None:
    args = build_parser().parse_args([name if a == "M" else a for a in argv])
    assert Path(getattr(args, dest)).resolve() == yes_no_model_path().resolve()


@pytest.mark.parametrize("option", ["--compare"])
@pytest.mark.parametrize("command", [["evaluate", "M", "--dataset", "d"], ["calibrate", "--stream", "s.wav"]])
def test_compared_models_take_bundled_names_too(command: list[str], option: str) -> None:
    argv = [BUNDLED if a == "M" else a for a in command] + [option, "tflite_micro_speech"]
    args = build_parser().parse_args(argv)
    assert [p.resolve() for p in args.compare] == [reference_model_path().resolve()]


def test_info_of_a_bundled_name_reads_the_bundled_model(capsys) -> None:
    assert main(["info", BUNDLED, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["name"] == BUNDLED and Path(info["path"]).resolve() == yes_no_model_path().resolve()


def test_a_file_in_the_working_folder_wins_over_the_bundled_model(capsys, tmp_path: Path) -> None:
    shutil.copyfile(reference_model_path(), tmp_path / BUNDLED_FILE)  # another model under the bundled name
    assert main(["info", BUNDLED_FILE, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["path"] == BUNDLED_FILE
    assert info["classes"] == list(load_model(reference_model_path()).classes)
    assert info["file_size"] == reference_model_path().stat().st_size != yes_no_model_path().stat().st_size


def test_average_takes_bundled_names_with_weights(capsys, tmp_path: Path) -> None:
    out = tmp_path / "avg.tflite"
    assert main(["average", f"{BUNDLED}:2", "tflite_micro_speech.tflite", "-o", str(out)]) == 0
    assert "kws_yes_no 2/3, tflite_micro_speech 1/3" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["info", "no_such_model"], ["evaluate", "no_such_model.tflite", "--dataset", "d"],
                                  ["average", "no_such_model", BUNDLED, "-o", "x.tflite"]])
def test_a_missing_bare_name_points_at_kws_models(capsys, argv: list[str]) -> None:
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"kws: error: model file not found: {argv[1]}; ") and "`kws models`" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_missing_path_is_named_as_it_was(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "models" / BUNDLED_FILE  # a path with folders is never taken for a bundled name
    assert main(["info", str(missing)]) == EXIT_USAGE
    assert capsys.readouterr().err == f"kws: error: model file not found: {missing}\n"


def test_params_in_place_refuses_to_overwrite_a_bundled_model(capsys) -> None:
    before = yes_no_model_path().read_bytes()
    # a threshold the firmware rejects: were the guard missing, nothing would be written either
    assert main(["params", BUNDLED, "--in-place", "detection_threshold=999"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err == (f"kws: error: --in-place would overwrite the bundled model {BUNDLED_FILE}; "
                   "write a changed copy with -o OUT.tflite\n")
    assert yes_no_model_path().read_bytes() == before
