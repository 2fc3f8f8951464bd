"""kws-workbench's command line: --version, and the one positional FILE, which is a model to open or an audio file to
play (the desktop entry passes the file the user opened with it). Real files of each kind, real windows."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import workbench
from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import default_model_path, sample_audio_path
from workbench.gui import app

STREAM_TIMEOUT_MS = 20_000


def _flac(path: Path) -> Path:
    """``path``: the bundled sample as FLAC (whatever the name says)."""
    samples, rate = sf.read(str(sample_audio_path()), dtype="int16")
    sf.write(str(path), samples, rate, format="FLAC")
    return path


def _files(*argv: str | Path) -> app.StartFiles:
    return app.start_files(app.build_parser().parse_args([str(a) for a in argv]))


def test_version_is_the_package_version_as_kws_says_it(capsys) -> None:
    from workbench.cli.main import build_parser as kws_parser

    with pytest.raises(SystemExit) as done:
        app.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"kws-workbench {workbench.__version__}\n"
    with pytest.raises(SystemExit):
        kws_parser().parse_args(["--version"])
    assert capsys.readouterr().out == f"kws {workbench.__version__}\n"


def test_an_audio_file_argument_plays_and_a_model_opens(tmp_path: Path) -> None:
    flac = _flac(tmp_path / "a.flac")
    upper = shutil.copy(sample_audio_path(), tmp_path / "B.WAV")
    mp3 = tmp_path / "c.mp3"
    sf.write(str(mp3), np.zeros(1600, np.int16), 16000, format="MP3")
    ogg = tmp_path / "d.ogg"
    sf.write(str(ogg), np.zeros(1600, np.int16), 16000, format="OGG")
    for audio in (flac, upper, mp3, ogg):
        assert _files(audio) == app.StartFiles(None, audio)
    archive = tmp_path / "m.mltk.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(default_model_path(), "m.tflite")
    for model in (default_model_path(), archive):
        assert _files(model) == app.StartFiles(model, None)


def test_a_file_without_a_known_suffix_goes_by_its_content(tmp_path: Path) -> None:
    recording = _flac(tmp_path / "recording")  # FLAC content, no suffix: libsndfile knows it
    model = shutil.copy(default_model_path(), tmp_path / "model.bin")
    text = tmp_path / "notes.txt"
    text.write_text("neither audio nor a model\n")
    assert _files(recording) == app.StartFiles(None, recording)
    for other in (model, text, tmp_path / "missing"):  # the model loader says what is wrong with the last two
        assert _files(other) == app.StartFiles(other, None)


def test_file_with_the_option_of_the_other_kind_combines(tmp_path: Path) -> None:
    flac = _flac(tmp_path / "a.flac")
    model = default_model_path()
    assert _files(flac, "--model", model) == app.StartFiles(model, flac)
    assert _files(model, "--file", flac) == app.StartFiles(model, flac)
    assert _files("--model", model, "--file", flac) == app.StartFiles(model, flac)


def test_the_same_kind_twice_is_one_sentence_and_status_2(tmp_path: Path, capsys) -> None:
    flac = _flac(tmp_path / "a.flac")
    model = default_model_path()
    for argv, said in (([flac, "--file", sample_audio_path()], "give the audio file either as FILE or with --file"),
                       ([model, "--model", model], "give the model either as FILE or with --model")):
        with pytest.raises(app.StartFilesError, match=said):
            _files(*argv)
        with pytest.raises(SystemExit) as done:
            app.main([str(a) for a in argv])
        assert done.value.code == 2
        err = capsys.readouterr().err
        assert f"kws-workbench: error: {said}, not both\n" in err and "Traceback" not in err


def test_starting_with_an_audio_file_argument_plays_it(qtbot, window, tmp_path: Path) -> None:
    from workbench.gui.stream.source_choice import FILE

    flac = _flac(tmp_path / "a.flac")
    args = app.build_parser().parse_args([str(flac)])  # kws-workbench a.flac, as the desktop entry starts it
    app.start_window(window, app.start_files(args), args.device)
    controller = window.controller
    qtbot.waitUntil(lambda: controller.running, timeout=STREAM_TIMEOUT_MS)
    assert controller.source_choice.kind == FILE and controller.source_choice.path == flac
    assert controller.model is not None and controller.model.path == yes_no_model_path()
    assert window.last_error is None
