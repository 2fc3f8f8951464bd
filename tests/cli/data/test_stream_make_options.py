"""`kws stream make` options as the help describes them: a keyword count sizes the stream in the recipe's
proportions, negative ranges typed with a space, and one sentence for options that contradict each other or
would be ignored, for a class name given as a keyword, a stream too big for the machine -- and `kws stream
check` says when a recording holds no keyword events."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import soundfile as sf

from tests.calibration.conftest import small_dataset, speech_commands  # noqa: F401  (fixtures)
from workbench.calibration.streams import stream_resources
from tests.cli.data.test_stream_command import run_cli


def make(capsys, dataset: Path, out: Path, *extra: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run_cli(capsys, "stream", "make", "--dataset", str(dataset), "--out", str(out), "--split", "all",
                   "--progress", "none", *extra)


def test_a_keyword_count_alone_sizes_the_whole_stream(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    code, out, _ = make(capsys, small_dataset, tmp_path / "s.wav", "--keyword-count", "4")
    assert code == 0 and "4 keywords (no 2, yes 2), 21 other words, 3 silences)" in out  # 332 : 1,678 : 169


def test_negative_ranges_are_typed_as_the_help_shows(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    code, _, err = make(capsys, small_dataset, tmp_path / "s.wav", "--keyword-count", "4", "--gain-db", "-6:0",
                        "--snr-db", "-5:5")
    assert code == 0, err
    recipe = json.loads((tmp_path / "s.json").read_text())["stream"]["recipe"]
    assert recipe["gain_db"] == [-6.0, 0.0] and recipe["snr_db"] == [-5.0, 5.0]
    code, _, err = make(capsys, small_dataset, tmp_path / "s.wav", "--gap-s", "-1:0")
    assert code == 2 and err == "kws: error: gap_s must not be below 0, got -1\n"  # the range's own check


def test_the_snr_reference_is_chosen_and_recorded(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """word (the default) measures the SNR under each word; file keeps the streams of before, sample for sample."""
    from workbench.calibration.streams.stream_builder import StreamRecipe
    from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream

    for reference in ("word", "file"):
        extra = () if reference == "word" else ("--snr-reference", reference)
        code, _, err = make(capsys, small_dataset, tmp_path / f"{reference}.wav", "--keyword-count", "4", *extra)
        assert code == 0, err
        stream = json.loads((tmp_path / f"{reference}.json").read_text())["stream"]
        assert stream["recipe"]["snr_reference"] == reference and stream["snr_boosted_items"] == 0
        recipe = StreamRecipe(keyword_count=4, split="all", snr_reference=reference)
        wav, _, _ = write_stream(make_dataset_stream([small_dataset], recipe), tmp_path / f"api_{reference}.wav")
        assert wav.read_bytes() == (tmp_path / f"{reference}.wav").read_bytes()
    assert (tmp_path / "word.wav").read_bytes() != (tmp_path / "file.wav").read_bytes()


def test_a_gain_the_peak_limit_holds_back_is_warned_about(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    code, _, err = make(capsys, small_dataset, tmp_path / "s.wav", "--keyword-count", "2", "--unknown-count", "3",
                        "--silence-count", "0", "--gain-db", "100:100")
    assert code == 0
    assert err == ("kws: warning: 5 of 5 clips are quieter than --gain-db 100:100 asks: a clip's gain stops where "
                   "its peak reaches 0.9 of full scale (no clipping)\n")
    code, _, err = make(capsys, small_dataset, tmp_path / "s.wav", "--keyword-count", "2", "--unknown-count", "3",
                        "--silence-count", "0")
    assert code == 0 and err == ""  # the default -3:3 dB never puts a clip below -3 dB


@pytest.mark.parametrize(("extra", "message"), [
    (("--keyword-count", "3", "--minutes", "5"),
     "--keyword-count sizes the stream by its keywords and --minutes by its length; give one of them"),
    (("--no-noise", "--noise", "n.wav"), "--no-noise builds the stream without noise, so --noise has no use; leave "
     "out one of them"),
    (("--no-noise", "--snr-db", "10:20"), "--no-noise builds the stream without noise, so --snr-db has no use; "
     "leave out one of them"),
    (("--no-noise", "--snr-reference", "file"), "--no-noise builds the stream without noise, so --snr-reference "
     "has no use; leave out one of them"),
    (("--background-only", "--snr-reference", "word"), "--snr-reference has no use with --background-only, which "
     "writes noise alone (no words); leave it out"),
    (("--level-dbfs", "-30"), "--level-dbfs sets the level of a --background-only stream; a stream of words takes "
     "its noise level from the words and --snr-db"),
    (("--background-only", "--keyword-count", "3"), "--keyword-count has no use with --background-only, which "
     "writes noise alone (no words); leave it out"),
    (("--background-only", "--gain-db", "0:0"), "--gain-db has no use with --background-only, which writes noise "
     "alone (no words); leave it out"),
    (("--keywords", "_silence_"), "_silence_ is a class name, not a keyword (names starting with _ mark other "
     "audio); give keyword words of the dataset, such as yes,no"),
    (("--keywords", "yes,stop", "--keyword-count", "1"), "the dataset has no 'stop' clips"),
    (("--minutes", "100000"), "a 100,000-minute stream does not fit in a WAV file (4 GiB: at most 2,236 minutes "
     "at 16000 Hz); make it shorter or build several streams with other seeds"),
])
def test_contradicting_or_ignored_options_are_one_sentence(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path, extra, message) -> None:  # noqa: F811
    code, out, err = make(capsys, small_dataset, tmp_path / "s.wav", *extra)
    assert code == 2 and out == "" and err == f"kws: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_a_stream_too_big_for_the_available_memory_is_refused_first(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path, monkeypatch) -> None:  # noqa: F811
    (tmp_path / "meminfo").write_text("MemAvailable:      10240 kB\n")  # 10 MB: the machine, as the check sees it
    monkeypatch.setattr(stream_resources, "MEMINFO", tmp_path / "meminfo")
    code, out, err = make(capsys, small_dataset, tmp_path / "s.wav", "--minutes", "60")
    assert code == 2 and out == ""
    assert err == ("kws: error: a 60-minute stream needs about 13 MB of memory to lay out, more than the 10 MB this "
                   "machine has available; make it shorter (at most about 46 minutes fit now) or build several "
                   "streams with other seeds\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["meminfo"]


def test_check_says_when_a_recording_has_no_keyword_events(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    make(capsys, small_dataset, tmp_path / "s.wav", "--keyword-count", "2")
    (tmp_path / "s.json").write_text('{"events": []}')
    code, out, _ = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"))
    assert code == 0 and out.splitlines()[0].endswith(
        " s, 0 events: no keyword events, so kws calibrate takes it only as --background (background-only audio, "
        "every detection in it a false accept)")
    (tmp_path / "s.json").write_text('{"events": [{"label": "_unknown_", "start_s": 1, "end_s": 1.5}]}')
    code, out, _ = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"))
    assert code == 0 and " s, 1 events (_unknown_ 1): no keyword events, so kws calibrate" in out


def test_check_names_the_labels_formats_it_reads(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    make(capsys, small_dataset, tmp_path / "s.wav", "--keyword-count", "2")
    (tmp_path / "s.lab").write_text("1.0\t1.5\tyes\n")
    code, out, err = run_cli(capsys, "stream", "check", str(tmp_path / "s.wav"), "--labels", str(tmp_path / "s.lab"))
    assert code == 2 and out == ""
    assert err == ("kws: error: s.lab: labels are read from JSON (.json), CSV (.csv) or Audacity labels (.txt), told "
                   "apart by the file's extension; its content looks like Audacity labels: name it s.txt\n")


def _stream_clips(document: dict) -> set[str]:  # type: ignore[type-arg]
    return {event["clip"] for event in document["events"] if event.get("clip")}


def test_the_split_percentages_choose_the_clips_as_they_split_the_dataset(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """A model trained with other percentages has other testing speakers: the stream takes exactly the testing
    split those percentages give (counts above every pool, so that each clip of the split is used)."""
    from workbench.datasets.layout import scan_dataset

    counts = ("--keyword-count", "24", "--unknown-count", "24", "--silence-count", "0", "--progress", "none")
    clips = {}
    for name, percents in (("default", ()), ("moved", ("--validation-percent", "17", "--testing-percent", "10"))):
        code, _, err = run_cli(capsys, "stream", "make", "--dataset", str(small_dataset), "--out",
                               str(tmp_path / f"{name}.wav"), *counts, *percents)
        assert code == 0, err
        document = json.loads((tmp_path / f"{name}.json").read_text())
        validation, testing = (17.0, 10.0) if percents else (15.0, 10.0)
        testing_split = scan_dataset(small_dataset, validation_percent=validation,
                                     testing_percent=testing).select("testing")
        clips[name] = _stream_clips(document)
        assert clips[name] == {f"{c.word}/{c.path.name}" for c in testing_split}
        assert document["stream"]["validation_percent"] == validation and document["stream"]["testing_percent"] == 10
    assert clips["default"] != clips["moved"]


def _copy_dataset(source: Path, root: Path, words: tuple[str, ...]) -> Path:
    import shutil

    root.mkdir()
    for word in (*words, "_background_noise_"):
        shutil.copytree(source / word, root / word)
    return root


def test_without_keywords_a_synthetic_datasets_own_words_are_taken(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    dataset = _copy_dataset(small_dataset, tmp_path / "synth", ("up", "go", "cat", "left"))
    (dataset / "synth.json").write_text(json.dumps({"settings": {"words": ["up", "go"]}}))
    code, out, err = make(capsys, dataset, tmp_path / "s.wav", "--keyword-count", "4", "--unknown-count", "4",
                          "--silence-count", "0")
    assert code == 0, err
    assert err == (f"kws: note: keywords: up, go -- the words {dataset} was synthesised for (its synth.json); "
                   "choose others with --keywords\n")
    assert "4 keywords (go 2, up 2), 4 other words, 0 silences" in out
    assert json.loads((tmp_path / "s.json").read_text())["stream"]["recipe"]["keywords"] == ["up", "go"]
    code, out, err = make(capsys, dataset, tmp_path / "t.wav", "--keywords", "left", "--keyword-count", "2",
                          "--unknown-count", "2", "--silence-count", "0")
    assert code == 0 and err == "" and "2 keywords (left 2)" in out  # --keywords wins, without a note


def test_default_keywords_the_dataset_lacks_are_said_to_be_the_defaults(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    dataset = _copy_dataset(small_dataset, tmp_path / "mine", ("up", "left", "_silence_"))
    code, out, err = make(capsys, dataset, tmp_path / "s.wav", "--keyword-count", "2")
    assert code == 2 and out == ""
    assert err == ("kws: error: the dataset has no 'yes' clips: without --keywords a stream's keywords are yes,no "
                   "(a synthetic dataset's own words come from its synth.json); pass --keywords with the dataset's "
                   "keywords (its words here: left, up)\n")
    assert list(tmp_path.iterdir()) == [dataset]


def test_a_dataset_without_noise_names_the_options_that_build_it(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """One's own takes have no _background_noise_ folder: the refusal says which options build the stream."""
    takes = tmp_path / "takes"
    shutil.copytree(small_dataset, takes, ignore=shutil.ignore_patterns("_background_noise_"))
    code, out, err = make(capsys, takes, tmp_path / "s.wav", "--keyword-count", "4")
    assert code == 2 and out == "" and "--noise" in err and "--no-noise" in err
    assert not (tmp_path / "s.wav").exists()
    noise = next((small_dataset / "_background_noise_").glob("*.wav"))
    for options in (("--no-noise",), ("--noise", str(noise))):
        code, out, err = make(capsys, takes, tmp_path / f"{options[0]}.wav", "--keyword-count", "4", *options)
        assert code == 0, err


def test_takes_of_keywords_alone_are_told_how_to_build_a_stream_of_them(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """One person's takes of the keywords hold no other words: the refusal says which option builds a stream of
    keywords alone (it only said that the dataset has no other-word clips), and that option does."""
    takes = tmp_path / "takes"
    for word in ("yes", "no", "_background_noise_"):
        shutil.copytree(small_dataset / word, takes / word)
    code, out, err = make(capsys, takes, tmp_path / "s.wav", "--keyword-count", "4")
    assert code == 2 and "no other-word clips" in err and "--unknown-count 0" in err
    code, out, err = make(capsys, takes, tmp_path / "s.wav", "--keyword-count", "4", "--unknown-count", "0")
    assert code == 0 and "4 keywords (no 2, yes 2), 0 other words" in out, err


def test_takes_without_silence_clips_or_noise_build_without_noise(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """One's own takes have neither a _silence_ nor a _background_noise_ folder: --no-noise (the stream dialog's No
    noise) builds their stream, a silence being a second of the bed alone, digital silence here, as it is for a
    dataset with noise but no _silence_ clips (it refused: "neither _silence_ clips nor background noise")."""
    takes = tmp_path / "takes"
    shutil.copytree(small_dataset, takes, ignore=shutil.ignore_patterns("_background_noise_", "_silence_"))
    code, out, err = make(capsys, takes, tmp_path / "s.wav", "--keyword-count", "4", "--no-noise")
    assert code == 0 and "3 silences" in out, err
    audio, rate = sf.read(tmp_path / "s.wav", dtype="int16")
    silences = [e for e in json.loads((tmp_path / "s.json").read_text())["events"] if e["label"] == "_silence_"]
    assert len(silences) == 3
    for event in silences:
        assert not audio[int(event["start_s"] * rate):int(event["end_s"] * rate)].any()


def test_a_background_only_stream_without_noise_names_the_options_that_give_it(  # type: ignore[no-untyped-def]
        capsys, small_dataset, tmp_path) -> None:  # noqa: F811
    """Without --noise, and with no dataset or one without a _background_noise_ folder, the refusal names both."""
    takes = tmp_path / "takes"
    shutil.copytree(small_dataset, takes, ignore=shutil.ignore_patterns("_background_noise_"))
    for dataset in ((), ("--dataset", str(takes))):
        code, out, err = run_cli(capsys, "stream", "make", "--background-only", "--minutes", "0.5", "--out",
                                 str(tmp_path / "bg.wav"), "--progress", "none", *dataset)
        assert code == 2 and out == "" and "--noise" in err and "--dataset" in err, err
    assert not (tmp_path / "bg.wav").exists()
