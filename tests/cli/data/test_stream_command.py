"""`kws stream make` / `kws stream check` end to end on real clips and files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.calibration.conftest import small_dataset, speech_commands  # noqa: F401  (fixtures)
from workbench.child_command import kws_command
from workbench.cli.main import main
from workbench.core.audio.audio_file import save_wav


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def make(capsys, dataset: Path, out: Path, *extra: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run_cli(capsys, "stream", "make", "--dataset", str(dataset), "--out", str(out), "--split", "all",
                   "--keyword-count", "6", "--unknown-count", "8", "--silence-count", "2", "--progress", "none",
                   *extra)


def test_make_writes_wav_json_csv_and_says_what_it_holds(capsys, small_dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = make(capsys, small_dataset, tmp_path / "s.wav", "--seed", "3")
    assert code == 0 and err == ""
    assert out.startswith(f"wrote {tmp_path / 's.wav'} (") and "6 keywords (no 3, yes 3), 8 other words, " \
        "2 silences) with labels s.json and s.csv" in out
    document = json.loads((tmp_path / "s.json").read_text())
    assert len(document["events"]) == 16 and document["stream"]["audio"] == "s.wav"
    assert document["stream"]["recipe"]["seed"] == 3
    assert (tmp_path / "s.csv").read_text().count("\n") == 17
    code, again, _ = make(capsys, small_dataset, tmp_path / "t.wav", "--seed", "3")
    assert code == 0 and (tmp_path / "s.wav").read_bytes() == (tmp_path / "t.wav").read_bytes()


def test_the_labels_name_the_dataset_by_its_whole_path(capsys, small_dataset, tmp_path,  # type: ignore[no-untyped-def]
                                                       monkeypatch) -> None:
    monkeypatch.chdir(small_dataset.parent)
    code, _, _ = make(capsys, Path(small_dataset.name), tmp_path / "s.wav")
    document = json.loads((tmp_path / "s.json").read_text())
    assert code == 0 and document["stream"]["datasets"] == [str(small_dataset)]


def test_background_only_and_check(capsys, small_dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "stream", "make", "--background-only", "--dataset", str(small_dataset),
                           "--minutes", "0.25", "--out", str(tmp_path / "bg.wav"))
    assert code == 0 and "(15.0 s: 0 keywords, 0 other words, 0 silences)" in out
    code, out, _ = run_cli(capsys, "stream", "check", str(tmp_path / "bg.wav"), "--model", "kws_yes_no")
    assert code == 0 and out.startswith("bg.wav: 15.0 s, 0 events")
    assert "note: no events for the keywords yes and no" in out
    make(capsys, small_dataset, tmp_path / "s.wav")
    code, out, _ = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"), "--labels", str(tmp_path / "s.csv"))
    assert code == 0 and "16 events (_silence_ 2, _unknown_ 8, no 3, yes 3)" in out
    rows = (tmp_path / "s.csv").read_text().splitlines()[1:]  # the same labels as Audacity exports them
    audacity = "".join("{1}\t{2}\t{0}\n".format(*row.split(",")) for row in rows)
    for suffix in (".json", ".csv"):
        (tmp_path / f"s{suffix}").unlink()
    (tmp_path / "s.txt").write_text(audacity)
    code, out, _ = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"))
    assert code == 0 and "16 events (_silence_ 2, _unknown_ 8, no 3, yes 3)" in out


@pytest.mark.parametrize(("extra", "message"), [
    (("--gap-s", "1:0.2"), "gap_s must be LOW:HIGH with LOW <= HIGH, got 1:0.2"),
    (("--gain-db", "loud"), "--gain-db must be LOW:HIGH or one number, got 'loud'"),
    (("--keywords", "yes,stop"), "the dataset has no 'stop' clips"),
])
def test_bad_options_are_one_line(capsys, small_dataset, tmp_path, extra, message) -> None:  # type: ignore[no-untyped-def]
    code, out, err = make(capsys, small_dataset, tmp_path / "s.wav", *extra)
    assert code == 2 and out == "" and err == f"kws: error: {message}\n"
    assert not (tmp_path / "s.wav").exists()



@pytest.mark.parametrize(("where", "message"), [
    ("a_file/s.wav", "Cannot write {tmp}/a_file/s.wav: {tmp}/a_file is a file, not a folder."),
    ("s.flac", "the stream is written as a .wav file, got s.flac"),
])
def test_unwritable_out_stops_it_before_the_build(capsys, small_dataset, tmp_path,  # type: ignore[no-untyped-def]
                                                  where, message) -> None:
    (tmp_path / "a_file").write_bytes(b"x")
    code, out, err = run_cli(capsys, "stream", "make", "--dataset", str(small_dataset), "--out", str(tmp_path / where),
                             "--split", "all", "--progress", "jsonl")
    assert code == 2 and out == ""
    assert err == f"kws: error: {message.format(tmp=tmp_path)}\n"  # no progress line: nothing was built

def test_no_dataset_and_bad_labels(capsys, small_dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli(capsys, "stream", "make", "--out", str(tmp_path / "s.wav"))
    assert code == 2 and err == "kws: error: give a dataset folder with --dataset\n"
    make(capsys, small_dataset, tmp_path / "s.wav")
    (tmp_path / "s.json").write_text('{"events": [{"label": "yes", "start_s": 1, "end_s": 9999}]}')
    code, _, err = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"))
    assert code == 2 and err.startswith("kws: error: s.json: event 1 ('yes' 1.00–9999.00 s) ends after the end")
    assert err.count("\n") == 1


def test_a_missing_recording_is_named_as_missing(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(capsys, "stream", "check", str(tmp_path / "missing.wav"))
    assert code == 2 and out == "" and err == f"kws: error: the audio file {tmp_path / 'missing.wav'} does not exist\n"


@pytest.mark.parametrize(("extra", "message"), [
    (("--minutes", "0.01"), "a 0.6 s stream is too short for even one clip"),
    (("--background-only", "--level-dbfs", "10"), "the background level must be below full scale (0 dBFS)"),
])
def test_streams_that_cannot_be_made_are_one_line(capsys, small_dataset, tmp_path,  # type: ignore[no-untyped-def]
                                                  extra, message) -> None:
    code, out, err = run_cli(capsys, "stream", "make", "--dataset", str(small_dataset), "--out",
                             str(tmp_path / "s.wav"), "--progress", "none", "--split", "all", *extra)
    assert code == 2 and out == "" and err.startswith(f"kws: error: {message}") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_reused_clips_are_warned_about(capsys, small_dataset, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = make(capsys, small_dataset, tmp_path / "s.wav", "--keyword-count", "30")
    assert code == 0
    assert err == ("kws: warning: 12 clips were used more than once (one up to 3 times): the dataset holds fewer "
                   "clips than the stream needs; make the stream shorter or add clips\n")


@pytest.mark.skipif(sys.platform == "win32", reason="signals to a child are POSIX here")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_make_stops_cleanly_on_ctrl_c_or_sigterm_and_writes_nothing(  # type: ignore[no-untyped-def]
        speech_commands, tmp_path, stop) -> None:  # noqa: F811
    """SIGTERM (timeout, kill, the window's Cancel) stops a build as Ctrl-C does: exit 130, one line, no file."""
    child = subprocess.Popen(kws_command("stream", "make", "--dataset", str(speech_commands), "--minutes", "30",
                                         "--out", str(tmp_path / "s.wav"), "--progress", "jsonl"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    assert child.stderr is not None
    for line in child.stderr:
        if line.startswith("{") and json.loads(line).get("phase") == "building":
            break
    child.send_signal(stop)
    out, rest = child.communicate(timeout=60)
    assert child.returncode == 130 and rest.splitlines()[-1] == "kws: interrupted: no stream was written"
    assert "Traceback" not in rest and out == ""
    assert list(tmp_path.iterdir()) == []  # no WAV, no labels, no temporary file


def test_check_refuses_a_recording_shorter_than_the_models_window(  # type: ignore[no-untyped-def]
        capsys, tmp_path) -> None:
    save_wav(tmp_path / "short.wav", np.zeros(8000, np.int16))  # 0.5 s
    (tmp_path / "short.json").write_text('{"events": [{"label": "yes", "start_s": 0.1, "end_s": 0.4}]}')
    code, out, err = run_cli(capsys, "stream", "check", str(tmp_path / "short.wav"), "--model", "kws_yes_no")
    assert code == 2 and out == ""
    assert err.startswith("kws: error: the stream short.wav is 0.50 s long, shorter than the 1.00 s window one "
                          "inference of model kws_yes_no hears;") and err.count("\n") == 1


def test_check_reads_a_semicolon_separated_spreadsheet_export(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    make(capsys, small_dataset, tmp_path / "s.wav")
    rows = [row.split(",")[:3] for row in (tmp_path / "s.csv").read_text().splitlines()]
    for suffix in (".json", ".csv"):
        (tmp_path / f"s{suffix}").unlink()
    (tmp_path / "s.csv").write_text("".join(";".join(v.replace(".", ",") for v in row) + "\r\n" for row in rows))
    code, out, err = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"))
    assert code == 0, err
    assert "16 events (_silence_ 2, _unknown_ 8, no 3, yes 3)" in out
