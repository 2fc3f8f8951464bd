"""`kws stream check` without --model: the labels on their own, against the keywords the stream records (or the
labels use), so a stream made for the user's own words is not checked against the bundled yes/no model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tests.calibration.conftest import small_dataset, speech_commands  # noqa: F401  (fixtures)
from tests.cli.data.test_stream_command import run_cli
from workbench.core.audio.audio_file import save_wav

SECONDS = 3
RATE = 16000


def test_a_stream_of_the_users_words_is_checked_against_the_words_it_was_made_for(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    code, _, err = run_cli(capsys, "stream", "make", "--dataset", str(small_dataset), "--out", str(tmp_path / "s.wav"),
                           "--split", "all", "--keywords", "up,left", "--keyword-count", "4", "--unknown-count", "3",
                           "--silence-count", "0", "--progress", "none")
    assert code == 0, err
    code, out, err = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"))
    assert code == 0 and err == ""
    assert out.splitlines()[0].endswith(" s, 7 events (_unknown_ 3, left 2, up 2)")
    assert out.splitlines()[1] == ("keywords: up, left (recorded by kws stream make in s.json); checked without a "
                                   "model: --model MODEL checks them against its keywords, and the recording's "
                                   "length against its input window")
    code, out, err = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"), "--model", "kws_yes_no")
    assert code == 2 and out == ""  # a model given is still checked: its keywords are yes and no
    assert err.startswith("kws: error: s.json: event ") and "which is not a keyword of model kws_yes_no" in err
    code, out, _ = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"), "--labels", str(tmp_path / "s.csv"))
    assert code == 0 and "keywords: left, up (the keyword labels of s.csv);" in out  # a CSV records no keywords


def _recording(tmp_path, events: list[dict], keywords: list[str] | None) -> str:  # type: ignore[no-untyped-def]
    save_wav(tmp_path / "rec.wav", np.zeros(SECONDS * RATE, np.int16))
    document: dict = {"events": events}  # type: ignore[type-arg]
    if keywords is not None:
        document["stream"] = {"recipe": {"keywords": keywords}}
    (tmp_path / "rec.json").write_text(json.dumps(document))
    return str(tmp_path / "rec.wav")


def test_a_label_the_stream_does_not_record_as_a_keyword_is_refused(  # type: ignore[no-untyped-def]
        capsys, tmp_path) -> None:
    audio = _recording(tmp_path, [{"label": "lamp", "start_s": 0.5, "end_s": 0.9},
                                  {"label": "stop", "start_s": 1.5, "end_s": 1.9}], ["lamp", "left"])
    code, out, err = run_cli(capsys, "stream", "check", audio)
    assert code == 2 and out == ""
    assert err == ("kws: error: rec.json: event 2 has the label 'stop', which is not a keyword of the stream rec.json "
                   "describes (its keywords: lamp, left); label other speech '_unknown_'\n")


def test_recorded_keywords_without_events_are_noted(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    audio = _recording(tmp_path, [{"label": "lamp", "start_s": 0.5, "end_s": 0.9}], ["lamp", "left"])
    code, out, _ = run_cli(capsys, "stream", "check", audio)
    assert code == 0 and out.splitlines()[-1] == "note: no events for the keyword left that rec.json records"


def test_without_a_model_the_labels_times_and_overlaps_are_still_checked(  # type: ignore[no-untyped-def]
        capsys, tmp_path) -> None:
    audio = _recording(tmp_path, [{"label": "lamp", "start_s": 2.5, "end_s": 3.5}], None)
    code, _, err = run_cli(capsys, "stream", "check", audio)
    assert code == 2 and err == ("kws: error: rec.json: event 1 ('lamp' 2.50–3.50 s) ends after the end of rec.wav, "
                                 "which is 3.00 s long\n")
    audio = _recording(tmp_path, [{"label": "lamp", "start_s": 0.5, "end_s": 1.0},
                                  {"label": "_unknown_", "start_s": 0.8, "end_s": 1.2}], None)
    code, _, err = run_cli(capsys, "stream", "check", audio)
    assert code == 2 and "overlaps event 1" in err


def test_a_wav_and_labels_of_different_builds_are_refused(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """A rebuild killed between renaming the WAV and its labels left a 20-minute WAV beside 5-minute labels, which
    check (and calibrate) took; the labels record the stream's length, so the two are compared."""
    for name, count in (("a", 3), ("b", 6)):
        code, _, err = run_cli(capsys, "stream", "make", "--dataset", str(small_dataset), "--out",
                               str(tmp_path / f"{name}.wav"), "--split", "all", "--keywords", "up,left",
                               "--keyword-count", str(count), "--unknown-count", "2", "--silence-count", "0",
                               "--progress", "none")
        assert code == 0, err
    (tmp_path / "b.wav").replace(tmp_path / "a.wav")  # a's labels, b's longer audio
    code, out, err = run_cli(capsys, "stream", "check", str(tmp_path / "a.wav"))
    assert code == 2 and out == ""
    assert err.startswith("kws: error: a.json was written for a stream of ") and "they belong to different " \
        "builds of the stream; build it again" in err and err.count("\n") == 1


def two_builds_of_one_length(capsys, dataset: Path,  # type: ignore[no-untyped-def]
                             folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """``a.wav``/``a.json`` and ``b.wav``/``b.json`` built from ``dataset`` with two seeds; their samples."""
    import soundfile as sf

    for name, seed in (("a", "1"), ("b", "2")):
        code, _, err = run_cli(capsys, "stream", "make", "--dataset", str(dataset), "--out",
                               str(folder / f"{name}.wav"), "--split", "all", "--keywords", "up,left", "--minutes",
                               "0.2", "--seed", seed, "--progress", "none")
        assert code == 0, err
    return sf.read(folder / "a.wav", dtype="int16")[0], sf.read(folder / "b.wav", dtype="int16")[0]


def test_a_wav_and_labels_of_builds_of_the_same_length_are_refused(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """Two builds of one length (another seed) differ only in content: the build token that kws stream make writes
    into both the WAV's comment and the labels tells them apart, for check, detect and calibrate alike; a copy of
    the WAV without the token (edited, converted) is not judged by it."""
    import soundfile as sf

    a, b = two_builds_of_one_length(capsys, small_dataset, tmp_path)
    assert a.size == b.size and not np.array_equal(a, b)  # the case the recorded length cannot catch
    (tmp_path / "b.wav").replace(tmp_path / "a.wav")  # a's labels, b's audio of the same length
    refusal = ("kws: error: a.json was written for another build of a.wav (the build token in its comment differs): "
               "build the stream again (or give its own labels)\n")
    for command in (("stream", "check", str(tmp_path / "a.wav")),
                    ("detect", str(tmp_path / "a.wav"), "--labels", str(tmp_path / "a.json")),
                    ("calibrate", "--stream", str(tmp_path / "a.wav"))):
        code, out, err = run_cli(capsys, *command)
        assert (code, out, err) == (2, "", refusal), command
    sf.write(tmp_path / "a.wav", a, RATE, subtype="PCM_16")  # a's own samples again, without the comment
    code, _, err = run_cli(capsys, "stream", "check", str(tmp_path / "a.wav"))
    assert code == 0 and err == ""


def test_older_labels_beside_a_wav_with_the_build_token_are_refused_by_every_reader(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """An older version's labels record no token: beside a current build's WAV they cannot be of one build, whatever
    their lengths say. A WAV without the comment (an older version's, or audio edited, converted, resampled
    elsewhere) is not refused by the token, whatever its labels; one whose samples are not the labels' build is
    warned of."""
    import soundfile as sf

    a, b = two_builds_of_one_length(capsys, small_dataset, tmp_path)
    older = json.loads((tmp_path / "a.json").read_text())
    del older["stream"]["build"]
    (tmp_path / "a.json").write_text(json.dumps(older))
    older_labels = ("kws: error: a.json was written by an older version of the workbench (it records no build "
                    "token), but a.wav carries one: they are not of one build; build the stream again (or choose "
                    "the labels written with it)\n")
    for command in (("stream", "check", str(tmp_path / "a.wav")),
                    ("detect", str(tmp_path / "a.wav"), "--labels", str(tmp_path / "a.json")),
                    ("calibrate", "--stream", str(tmp_path / "a.wav"))):
        code, out, err = run_cli(capsys, *command)
        assert (code, out, err) == (2, "", older_labels), command
    sf.write(tmp_path / "a.wav", a, RATE, subtype="PCM_16")  # both without a token: an old pair, as before
    code, _, err = run_cli(capsys, "stream", "check", str(tmp_path / "a.wav"))
    assert code == 0 and err == ""
    (tmp_path / "b.json").replace(tmp_path / "a.json")  # current labels of b beside a WAV without the comment
    code, _, err = run_cli(capsys, "stream", "check", str(tmp_path / "a.wav"))
    assert code == 0 and err.startswith("kws: warning: a.wav carries no build comment and its samples are not "
                                        "those a.json was written for")  # not refused: an edited WAV loses it too
    assert not np.array_equal(a, b)
