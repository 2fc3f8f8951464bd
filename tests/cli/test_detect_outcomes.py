"""`kws detect FILE --labels`: which detection hit, which was a false accept and on what, which keyword was
missed -- and the mistakes saved as dataset clips.

The stream is built by hand from the bundled sample ("yes" 0.72-1.31 s, then "no" 2.97-3.23 s), which the
reference model detects once each: half a second of silence, then the sample seven times, each followed by a
second of silence (5.5 s per repetition), labelled so that every outcome occurs:

* 0: both words labelled (speaker aaa) -> 2 hits;
* 1: "yes" labelled (speaker ccc), the "no" labelled other speech, word "go" (speaker bbb) -> hit, false accept on go;
* 2: labels swapped ("no" on the yes, "yes" on the no) -> 2 misses, 2 false accepts on keywords;
* 3: both labelled, and a "yes" (speaker ddd) on the silence after them -> 2 hits, 1 miss;
* 4: "yes" labelled, the "no" not -> hit, false accept between words;
* 5: "yes" labelled, the "no" labelled _silence_ -> hit, false accept on '_silence_';
* 6: "yes" labelled, the "no" labelled other speech, word "YES" -> hit, false accept on a keyword's word.

So 11 keywords, 8 hits, 3 misses, 6 false accepts, 3 of them on keywords (never saved as clips).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.assets import sample_audio_path
from workbench.calibration.streams.labels import LabelEvent, StreamLabels, save_labels
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.engine import Engine, detections_of
from workbench.core.model.model_file import load_model
from workbench.datasets.layout import scan_dataset
from workbench.datasets.summary import dataset_summary

RATE = 16000
CLIP = RATE  # the reference model's input: 1 s at 16 kHz
LEAD_S, REPEAT_S, REPEATS = 0.5, 5.5, 7
YES_WORD, NO_WORD, AFTER = (0.72, 1.31), (2.97, 3.23), (4.6, 4.9)
GRID = ("--thresholds", "150:250:50", "--windows-ms", "300,1000", "--suppressions-ms", "500,1500", "--counts", "1,3")


def _event(label: str, repetition: int, span: tuple[float, float], word: str = "", clip: str = "") -> LabelEvent:
    offset = LEAD_S + REPEAT_S * repetition
    return LabelEvent(label, offset + span[0], offset + span[1], word, clip)


EVENTS = (
    _event("yes", 0, YES_WORD, "yes", "yes/aaa_nohash_0.wav"), _event("no", 0, NO_WORD, "no", "no/aaa_nohash_1.wav"),
    _event("yes", 1, YES_WORD, "yes", "yes/ccc_nohash_0.wav"),
    _event("_unknown_", 1, NO_WORD, "go", "go/bbb_nohash_3.wav"),
    _event("no", 2, YES_WORD), _event("yes", 2, NO_WORD),
    _event("yes", 3, YES_WORD), _event("no", 3, NO_WORD), _event("yes", 3, AFTER, "yes", "yes/ddd_nohash_2.wav"),
    _event("yes", 4, YES_WORD),
    _event("yes", 5, YES_WORD), _event("_silence_", 5, NO_WORD),
    _event("yes", 6, YES_WORD), _event("_unknown_", 6, NO_WORD, "YES"),
)


@pytest.fixture(scope="module")
def sample_detections(reference_model_path: Path) -> dict[str, tuple[float, int]]:
    """Where in the sample the reference model detects "yes" and "no", and their scores."""
    found = detections_of(Engine(load_model(reference_model_path)).run_clip(load_audio(sample_audio_path()).samples))
    assert [d.label for d in found] == ["yes", "no"]
    return {d.label: (d.time_s, d.score) for d in found}


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    sample = load_audio(sample_audio_path()).samples
    repetition = np.concatenate([sample, np.zeros(RATE, np.int16)])
    audio = np.concatenate([np.zeros(int(LEAD_S * RATE), np.int16)] + [repetition] * REPEATS)
    folder = tmp_path_factory.mktemp("outcomes")
    save_wav(folder / "stream.wav", audio)
    save_labels(StreamLabels(EVENTS), folder / "stream.json")
    return folder / "stream.wav", folder / "stream.json"


def _at(repetition: int, time_s: float) -> float:
    return round((LEAD_S + REPEAT_S * repetition + time_s) * 1000) / 1000  # detections fall on whole ms


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def detect(capsys: pytest.CaptureFixture[str], model: Path, stream: tuple[Path, Path],
           *options: str) -> tuple[int, str, str]:
    return run_cli(capsys, "detect", str(stream[0]), "--model", str(model), "--labels", str(stream[1]), *options)


def test_each_line_says_its_outcome_and_each_miss_has_its_own_line(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, sample_detections) -> None:
    code, out, _ = detect(capsys, reference_model_path, stream)
    assert code == 0
    (yes_s, yes_score), (no_s, no_score) = sample_detections["yes"], sample_detections["no"]

    def yes(r: int, outcome: str) -> str:
        return f"{_at(r, yes_s):8.3f}s  detected  yes          score={yes_score}  {outcome}"

    def no(r: int, outcome: str) -> str:
        return f"{_at(r, no_s):8.3f}s  detected  no           score={no_score}  {outcome}"

    def span(r: int, word: tuple[float, float]) -> str:
        offset = LEAD_S + REPEAT_S * r
        return f"{offset + word[0]:.2f}-{offset + word[1]:.2f} s"

    assert out.splitlines()[:-3] == [
        yes(0, f"hit {span(0, YES_WORD)} (speaker aaa)"), no(0, f"hit {span(0, NO_WORD)} (speaker aaa)"),
        yes(1, f"hit {span(1, YES_WORD)} (speaker ccc)"),
        no(1, f"false accept on 'go' {span(1, NO_WORD)} (speaker bbb)"),
        f"{_at(2, YES_WORD[0]):8.3f}s  missed    no           {span(2, YES_WORD)}",
        yes(2, f"false accept on 'no' {span(2, YES_WORD)}"),
        f"{_at(2, NO_WORD[0]):8.3f}s  missed    yes          {span(2, NO_WORD)}",
        no(2, f"false accept on 'yes' {span(2, NO_WORD)}"),
        yes(3, f"hit {span(3, YES_WORD)}"), no(3, f"hit {span(3, NO_WORD)}"),
        f"{_at(3, AFTER[0]):8.3f}s  missed    yes          {span(3, AFTER)} (speaker ddd)",
        yes(4, f"hit {span(4, YES_WORD)}"), no(4, "false accept between words"),
        yes(5, f"hit {span(5, YES_WORD)}"), no(5, f"false accept on '_silence_' {span(5, NO_WORD)}"),
        yes(6, f"hit {span(6, YES_WORD)}"), no(6, f"false accept on 'YES' {span(6, NO_WORD)}"),
    ]
    assert ": 11 keywords, 8 hit, 3 missed (FRR 27.3 %), 6 false accepts (" in out.splitlines()[-3]


def test_jsonl_events_carry_their_outcome(capsys, reference_model_path, stream) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = detect(capsys, reference_model_path, stream, "--format", "jsonl")
    assert code == 0
    *events, summary = [json.loads(line) for line in out.splitlines()]
    assert [e["time_s"] for e in events] == sorted(e["time_s"] for e in events)
    assert Counter(e["outcome"] for e in events) == {"hit": 8, "false_accept": 6, "miss": 3}
    assert (summary["hits"], summary["misses"], summary["false_accepts"]) == (8, 3, 6)
    misses = [e for e in events if e["type"] == "miss"]
    assert [(m["label"], m["class_index"], m["event"]["start_s"], m["speaker"]) for m in misses] == [
        ("no", 1, EVENTS[4].start_s, None), ("yes", 0, EVENTS[5].start_s, None), ("yes", 0, EVENTS[8].start_s, "ddd")]
    assert all(m["time_s"] == round(m["event"]["start_s"], 4) and m["outcome"] == "miss" for m in misses)
    hit = events[0]
    assert hit["type"] == "detection" and hit["outcome"] == "hit" and hit["speaker"] == "aaa" and "word" not in hit
    assert hit["event"] == EVENTS[0].to_json()
    false = [e for e in events if e["outcome"] == "false_accept"]
    assert [(e["label"], e["word"], e["speaker"]) for e in false] == [
        ("no", "go", "bbb"), ("yes", "no", None), ("no", "yes", None), ("no", None, None), ("no", "_silence_", None),
        ("no", "YES", None)]
    assert false[0]["event"] == EVENTS[3].to_json() and false[3]["event"] is None


def test_the_outcomes_are_calibrates_counts(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream) -> None:
    """For every set calibrate would recommend: its hits, misses, false accepts and false-accept words."""
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream[0]),
                             *GRID, "--target-fa-per-hour", "100000", "--format", "json", "--progress", "none")
    assert code == 0, err
    rec = json.loads(out)["recommended"]
    assert rec["hits"] > 0 and rec["misses"] > 0 and rec["false_accepts_speech"] > 0
    code, out, _ = detect(capsys, reference_model_path, stream, *rec["kws_detect_options"], "--format", "jsonl")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()][:-1]
    outcomes = Counter(e["outcome"] for e in events)
    assert outcomes == {"hit": rec["hits"], "false_accept": rec["false_accepts_speech"], "miss": rec["misses"]}
    words = Counter((e["label"], e["word"] or "(between words)") for e in events if e["outcome"] == "false_accept")
    assert words == {(w["detected"], w["word"]): w["false_accepts"] for w in rec["false_accept_words"]}


def _stream_audio(stream: tuple[Path, Path]) -> np.ndarray:
    return load_audio(stream[0]).samples


def _centred(event: LabelEvent) -> int:
    return round((event.start_s + event.end_s) / 2 * RATE) - CLIP // 2


def _clip(path: Path) -> np.ndarray:
    data, rate = sf.read(str(path), dtype="int16")
    assert rate == RATE and data.shape == (CLIP,)
    return data


def test_false_accepts_are_saved_as_unknown_word_clips(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, sample_detections, tmp_path) -> None:
    out_dir = tmp_path / "mistakes"
    code, out, _ = detect(capsys, reference_model_path, stream, "--save-false-accepts", str(out_dir))
    assert code == 0
    assert out.splitlines()[-2:] == [
        f"wrote 3 false-accept clips of 1 s into {out_dir} (_false_accept_ 2, go 1)",
        "3 false accepts on keywords not saved: their audio is a keyword, which training must not learn as another "
        "word"]
    audio = _stream_audio(stream)
    no_s = sample_detections["no"][0]
    expected = {  # centred on the word "go"; ending at the detection between words and on the silence
        out_dir / "go" / "bbb_nohash_0.wav": _centred(EVENTS[3]),
        out_dir / "_false_accept_" / "stream_nohash_0.wav": round(_at(4, no_s) * RATE) - CLIP,
        out_dir / "_false_accept_" / "stream_nohash_1.wav": round(_at(5, no_s) * RATE) - CLIP,
    }
    assert sorted(p for p in out_dir.rglob("*") if p.is_file()) == sorted(expected)
    for path, first in expected.items():
        assert np.array_equal(_clip(path), audio[first:first + CLIP]), path
    index = scan_dataset(out_dir)
    assert index.words() == {"_false_accept_": 2, "go": 1}
    counts = {c.label: c.total for c in dataset_summary(index, ("yes", "no")).classes}
    assert counts == {"yes": 0, "no": 0, "_unknown_": 3, "_silence_": 0}


def test_a_second_run_adds_only_clips_not_there_and_overwrites_none(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, tmp_path) -> None:
    out_dir = tmp_path / "mistakes"
    assert detect(capsys, reference_model_path, stream, "--save-false-accepts", str(out_dir))[0] == 0
    first = out_dir / "go" / "bbb_nohash_0.wav"
    kept = np.full(CLIP, 7, np.int16)
    save_wav(first, kept)  # the user's own clip of that name: a second run must keep it
    code, out, _ = detect(capsys, reference_model_path, stream, "--save-false-accepts", str(out_dir))
    assert code == 0  # the "go" clip is no longer there; the other two are, byte for byte
    assert f"wrote 1 false-accept clip of 1 s into {out_dir} (go 1): 2 already there\n" in out
    assert np.array_equal(_clip(first), kept)
    assert np.array_equal(_clip(out_dir / "go" / "bbb_nohash_1.wav"),
                          _stream_audio(stream)[_centred(EVENTS[3]):_centred(EVENTS[3]) + CLIP])
    assert scan_dataset(out_dir).words() == {"_false_accept_": 2, "go": 2}
    assert sorted(p.name for p in (out_dir / "_false_accept_").iterdir()) == [
        f"stream_nohash_{n}.wav" for n in range(2)]  # and no temporary file left behind
    code, out, _ = detect(capsys, reference_model_path, stream, "--save-false-accepts", str(out_dir))
    assert code == 0 and f"wrote 0 false-accept clips of 1 s into {out_dir}: 3 already there\n" in out
    assert scan_dataset(out_dir).words() == {"_false_accept_": 2, "go": 2}


def test_misses_are_saved_as_keyword_clips(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, tmp_path) -> None:
    out_dir = tmp_path / "misses"
    code, out, err = detect(capsys, reference_model_path, stream, "--save-misses", str(out_dir), "--format", "jsonl")
    assert code == 0
    assert all(json.loads(line) for line in out.splitlines())  # stdout holds JSON alone; the count is on stderr
    assert f"wrote 3 missed-keyword clips of 1 s into {out_dir} (yes 2, no 1)\n" in err
    audio = _stream_audio(stream)
    expected = {out_dir / "no" / "stream_nohash_0.wav": EVENTS[4], out_dir / "yes" / "stream_nohash_0.wav": EVENTS[5],
                out_dir / "yes" / "ddd_nohash_0.wav": EVENTS[8]}
    assert sorted(p for p in out_dir.rglob("*") if p.is_file()) == sorted(expected)
    for path, event in expected.items():
        assert np.array_equal(_clip(path), audio[_centred(event):_centred(event) + CLIP]), path
    assert scan_dataset(out_dir).words() == {"no": 1, "yes": 2}


@pytest.mark.parametrize(("options", "message"), [
    (["--save-false-accepts", "DIR"], "--save-false-accepts is for --labels: the labels say which detections were "
                                      "mistakes"),
    (["--save-misses", "DIR"], "--save-misses is for --labels: the labels say which detections were mistakes"),
    (["--labels", "LABELS", "--save-false-accepts", "FILE"], "Cannot write into FILE: it is a file, not a folder."),
])
def test_bad_save_options_are_one_line_before_any_detection(  # type: ignore[no-untyped-def]
        capsys, stream, tmp_path, options, message) -> None:
    in_the_way = tmp_path / "a_file"
    in_the_way.write_text("")
    paths = {"DIR": str(tmp_path / "clips"), "LABELS": str(stream[1]), "FILE": str(in_the_way)}
    code, out, err = run_cli(capsys, "detect", str(stream[0]), *[paths.get(o, o) for o in options])
    assert code == 2 and out == ""
    assert err == f"kws: error: {message.replace('FILE', str(in_the_way))}\n"
    assert not (tmp_path / "clips").exists()


def test_lines_are_written_as_soon_as_their_order_is_known(  # type: ignore[no-untyped-def]
        reference_model_path, stream) -> None:
    """Released after every inference (a file played in real time), the log writes what it writes once at the end
    -- and writes each line long before the end: a miss once its tolerance has passed, a detection by the next
    inference."""
    import io

    from workbench.cli.detect_lines import scores_line
    from workbench.cli.detect_outcomes import OutcomeLog

    engine = Engine(load_model(reference_model_path))
    results = engine.run_clip(_stream_audio(stream))
    labels = StreamLabels(EVENTS)
    at_once, as_it_plays = io.StringIO(), io.StringIO()
    whole = OutcomeLog(labels, engine.classes, 1.5, "text", at_once)
    playing = OutcomeLog(labels, engine.classes, 1.5, "text", as_it_plays)
    written_by: dict[str, float] = {}
    for result in results:
        text = scores_line(result, engine.classes, "text")
        whole.add(result, text)
        playing.add(result, text)
        playing.release()
        for line in as_it_plays.getvalue().splitlines():
            written_by.setdefault(line, result.time_s)
    assert whole.finish(whole=True) == playing.finish(whole=True)
    assert as_it_plays.getvalue() == at_once.getvalue()
    lines = at_once.getvalue().splitlines()
    assert len(lines) == len(results) + 17 and sum(" missed " in line for line in lines) == 3
    miss = next(line for line in lines if " missed " in line)  # the "no" on repetition 2's yes, ending 12.81 s
    assert EVENTS[4].end_s + 1.5 < written_by[miss] <= EVENTS[4].end_s + 1.5 + 0.2
    first_hit = next(line for line in lines if " hit " in line)
    assert written_by[first_hit] <= float(first_hit.split("s")[0]) + 0.2  # by the next inference or so


def test_tflm_reports_of_classes_that_are_no_keywords_are_not_scored(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, tmp_path) -> None:
    """TFLM's recognizer reports ``_silence_`` and ``_unknown_`` too: shown without an outcome, never counted as
    false accepts nor saved, so the totals are the keywords' sums and the outcomes those of the MLTK rules."""
    out_dir = tmp_path / "mistakes"
    code, out, err = detect(capsys, reference_model_path, stream, "--semantics", "tflm", "--format", "jsonl",
                            "--save-false-accepts", str(out_dir))
    assert code == 0
    *events, summary = [json.loads(line) for line in out.splitlines()]
    others = [e for e in events if e["label"].startswith("_")]
    assert len(others) > 100  # one a quiet second or so: far more than the keywords' detections
    assert all(e["type"] == "detection" and e["outcome"] is None and "not a keyword class" in e["reason"]
               and "event" not in e and "word" not in e for e in others)
    assert Counter(e["outcome"] for e in events if e not in others) == {"hit": 8, "false_accept": 6, "miss": 3}
    assert (summary["hits"], summary["misses"], summary["false_accepts"]) == (8, 3, 6)
    assert summary["false_accepts"] == sum(k["false_accepts"] for k in summary["per_keyword"].values())
    assert f"wrote 3 false-accept clips of 1 s into {out_dir} (_false_accept_ 2, go 1)\n" in err
    assert scan_dataset(out_dir).words() == {"_false_accept_": 2, "go": 1}
    code, out, _ = detect(capsys, reference_model_path, stream, "--semantics", "tflm")
    lines = out.splitlines()
    silence = [line for line in lines if " detected  _silence_ " in line]
    assert silence and all(re.fullmatch(r" *[0-9.]+s  detected  _silence_ +score=[0-9]+", line) for line in silence)
    assert ": 11 keywords, 8 hit, 3 missed (FRR 27.3 %), 6 false accepts (" in lines[-3]
