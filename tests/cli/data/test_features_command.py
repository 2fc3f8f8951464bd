"""``kws features`` never writes its spectrogram over the audio file or the model it reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from workbench.assets import default_model_path, sample_audio_path
from workbench.cli.main import main


def test_the_audio_file_is_never_replaced(capsys, tmp_path: Path, monkeypatch) -> None:
    wav = tmp_path / "a.wav"
    shutil.copy(sample_audio_path(), wav)
    monkeypatch.chdir(tmp_path)
    assert main(["features", "a.wav", "-o", "./a.wav"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kws: error: -o a.wav is the input: writing") and err.count("\n") == 1
    assert wav.read_bytes() == sample_audio_path().read_bytes()


def test_the_model_is_never_replaced(capsys, tmp_path: Path) -> None:
    model = tmp_path / "m.tflite"
    shutil.copy(default_model_path(), model)
    assert main(["features", str(sample_audio_path()), "--model", str(model), "-o", str(model)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert model.read_bytes() == default_model_path().read_bytes()


def test_a_new_file_beside_them_is_written(capsys, tmp_path: Path) -> None:
    out = tmp_path / "a.npy"
    assert main(["features", str(sample_audio_path()), "-o", str(out), "--clip"]) == 0
    assert np.load(out).shape == (49, 40)


def test_a_csv_file_gets_csv_rows_of_the_same_spectrogram(capsys, tmp_path: Path) -> None:
    """-o out.csv used to get NumPy binary under a .csv name."""
    assert main(["features", str(sample_audio_path()), "-o", str(tmp_path / "a.npy"), "--dtype", "uint16"]) == 0
    assert main(["features", str(sample_audio_path()), "-o", str(tmp_path / "a.CSV"), "--dtype", "uint16"]) == 0
    expected = np.load(tmp_path / "a.npy")
    lines = (tmp_path / "a.CSV").read_text(encoding="ascii").splitlines()
    assert len(lines) == expected.shape[0] and lines[0].count(",") == expected.shape[1] - 1
    np.testing.assert_array_equal(np.loadtxt(tmp_path / "a.CSV", delimiter=",", dtype=np.int64), expected)


def test_an_extension_it_does_not_write_is_refused(capsys, tmp_path: Path) -> None:
    for name in ("a.txt", "a"):
        assert main(["features", str(sample_audio_path()), "-o", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("kws: error: ") and "kws features writes .npy or .csv files" in err
        assert err.count("\n") == 1 and not (tmp_path / name).exists()
