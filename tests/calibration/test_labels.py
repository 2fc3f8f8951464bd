"""Labels files: JSON and CSV are read alike, and every unusable file is one clear sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.calibration.streams.labels import (
    LabelEvent, LabelsError, StreamLabels, labels_beside, labels_for, load_labels, save_labels,
)
from workbench.core.errors import AudioError

CLASSES = ("yes", "no", "_unknown_", "_silence_")


def write_json(tmp_path: Path, events: list, name: str = "labels.json", **extra: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"events": events, **extra}))
    return path


def test_json_with_extra_keys_is_read_sorted(tmp_path: Path) -> None:
    path = write_json(tmp_path, [
        {"label": "no", "start_s": 3.0, "end_s": 3.5, "speaker": "ignored"},
        {"label": "yes", "start_s": 1.23, "end_s": 1.71},
        {"label": "_unknown_", "start_s": 2.0, "end_s": 2.4, "word": "cat"},
    ], stream={"seed": 1})
    labels = load_labels(path).validated(CLASSES, 10.0)
    assert [e.label for e in labels.events] == ["yes", "_unknown_", "no"]
    assert labels.events[0] == LabelEvent("yes", 1.23, 1.71)
    assert labels.keyword_counts() == {"yes": 1, "no": 1}
    assert labels.events[1].word == "cat" and not labels.events[1].is_keyword


def test_csv_and_json_round_trip(tmp_path: Path) -> None:
    labels = StreamLabels((LabelEvent("yes", 0.5, 0.9, "yes", "yes/a.wav"),
                           LabelEvent("_unknown_", 1.25, 1.75, "go", "go/b.wav")))
    save_labels(labels, tmp_path / "s.json", tmp_path / "s.csv")
    assert load_labels(tmp_path / "s.json").events == labels.events
    assert load_labels(tmp_path / "s.csv").events == labels.events
    assert (tmp_path / "s.csv").read_text().splitlines()[0] == "label,start_s,end_s,word,clip"


def test_a_spreadsheet_csv_without_optional_columns(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("\ufefflabel, start_s, end_s\r\nyes,1.0,1.5\r\nno, 2.0 , 2.6\r\n")
    assert [(e.label, e.start_s, e.end_s) for e in load_labels(path).events] == [("yes", 1.0, 1.5), ("no", 2.0, 2.6)]


@pytest.mark.parametrize(("events", "expected"), [
    ([{"label": "yes", "start_s": 1.0, "end_s": 2.0}, {"label": "no", "start_s": 1.5, "end_s": 2.5}],
     "event 2 ('no' 1.50–2.50 s) overlaps event 1 ('yes' 1.00–2.00 s)"),
    ([{"label": "yes", "start_s": 2.0, "end_s": 1.0}], "event 1 ends at 1.0 s, not after its start at 2.0 s"),
    ([{"label": "yes", "start_s": -0.5, "end_s": 1.0}], "event 1 starts before the audio does"),
    ([{"label": "yes", "start_s": "soon", "end_s": 1.0}], "event 1: start_s must be a number of seconds"),
    ([{"label": "yes", "start_s": 1.0}], "event 1 has no end_s"),
    ([{"label": "", "start_s": 1.0, "end_s": 2.0}], "event 1 has no label"),
    (["yes 1.0 2.0"], "event 1 must be an object with label, start_s and end_s"),
    ([{"label": "yes", "start_s": 1.0, "end_s": float("inf")}], "end_s must be a finite number"),
])
def test_bad_events_name_the_file_and_event(tmp_path: Path, events: list, expected: str) -> None:
    path = write_json(tmp_path, events)
    with pytest.raises(LabelsError) as info:
        load_labels(path)
    message = str(info.value)
    assert message.startswith("labels.json: ") and expected in message and "\n" not in message


def test_unknown_class_and_time_past_the_end(tmp_path: Path) -> None:
    labels = load_labels(write_json(tmp_path, [{"label": "cat", "start_s": 1.0, "end_s": 1.5}]))
    with pytest.raises(LabelsError, match=r"event 1 has the label 'cat', which is not a keyword of model m "
                                          r"\(its keywords: yes, no\); label other speech '_unknown_'"):
        labels.validated(CLASSES, 10.0, "model m")
    labels = load_labels(write_json(tmp_path, [{"label": "yes", "start_s": 9.5, "end_s": 10.2}]))
    with pytest.raises(LabelsError, match=r"event 1 \('yes' 9.50–10.20 s\) ends after the end of s.wav, "
                                          r"which is 10.00 s long"):
        labels.validated(CLASSES, 10.0, audio_name="s.wav")
    labels.validated(CLASSES, 10.1995)  # within a millisecond of the end: rounding, not an error


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_an_event_is_named_by_its_place_in_the_file_not_in_time(tmp_path: Path, suffix: str) -> None:
    """A file labelled by hand need not be in time order: the event named is the one found at that place in the
    file (the 3rd), as an overlap names it, not the 1st in time."""
    rows = [("yes", 5.0, 5.5), ("no", 7.0, 7.5), ("cat", 1.0, 1.5), ("no", 9.5, 10.5)]
    path = tmp_path / f"mine{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps({"events": [{"label": label, "start_s": start, "end_s": end}
                                               for label, start, end in rows]}))
    else:
        path.write_text("label,start_s,end_s\n" + "".join(f"{label},{start},{end}\n" for label, start, end in rows))
    labels = load_labels(path)
    with pytest.raises(LabelsError, match=r"event 3 has the label 'cat'"):
        labels.validated(CLASSES, 20.0)
    past_the_end = load_labels(write_json(tmp_path, [{"label": label, "start_s": start, "end_s": end}
                                                     for label, start, end in reversed(rows[:2] + rows[3:])]))
    with pytest.raises(LabelsError, match=r"event 1 \('no' 9.50–10.50 s\) ends after the end"):
        past_the_end.validated(CLASSES, 10.0)


def test_any_underscore_label_marks_non_keyword_audio(tmp_path: Path) -> None:
    labels = load_labels(write_json(tmp_path, [{"label": "_noise_", "start_s": 1.0, "end_s": 1.5}]))
    assert labels.validated(CLASSES, 10.0).keyword_events == ()


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "labels.json is not valid JSON"),
    ('{"labels": []}', 'labels.json has no "events" list'),
    ("[1, 2]", 'labels.json has no "events" list'),
])
def test_not_a_labels_document(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "labels.json"
    path.write_text(content)
    with pytest.raises(LabelsError, match=expected):
        load_labels(path)


def test_missing_binary_and_headerless_files(tmp_path: Path) -> None:
    with pytest.raises(LabelsError, match="labels file not found"):
        load_labels(tmp_path / "none.json")
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00\x81RIFF")
    with pytest.raises(LabelsError, match="not a text labels file"):
        load_labels(binary)
    headerless = tmp_path / "x.csv"
    headerless.write_text("yes,1.0,1.5\n")
    with pytest.raises(LabelsError, match="needs a header row with label,start_s,end_s"):
        load_labels(headerless)


def test_audacity_label_export_is_read_like_json(tmp_path: Path) -> None:
    path = tmp_path / "take.txt"  # as Audacity writes it, with a spectral selection line under one label
    path.write_text("3.000000\t3.500000\tno\r\n"
                    "1.230000\t1.710000\tyes\r\n\\\t120.000000\t3400.000000\r\n"
                    "\r\n"
                    "2.000000\t2.400000\t_unknown_ \r\n")
    labels = load_labels(path).validated(CLASSES, 10.0)
    assert labels.events == (LabelEvent("yes", 1.23, 1.71), LabelEvent("_unknown_", 2.0, 2.4),
                             LabelEvent("no", 3.0, 3.5))
    assert labels.source == "take.txt"


@pytest.mark.parametrize(("content", "expected"), [
    ("1.0\t1.5\tyes\n2.150000\t2.150000\tno\n", "take.txt: line 2 is a point label at 2.15 s; label the whole "
     "word"),
    ("yes 1.0 1.5\n", "take.txt: line 1 is not start<TAB>end<TAB>label (Audacity's label export), got 'yes 1.0 1.5'"),
    ("soon\t1.5\tyes\n", "take.txt: line 1: the start must be a number of seconds, got 'soon'"),
    ("1.0\t1.5\tyes\n1.2\t1.8\tno\n", "take.txt: event 2 ('no' 1.20–1.80 s) overlaps event 1"),
])
def test_bad_audacity_lines_are_one_sentence(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "take.txt"
    path.write_text(content)
    with pytest.raises(LabelsError) as info:
        load_labels(path)
    assert str(info.value).startswith(expected)


def test_labels_beside_a_recording_json_then_csv_then_txt(tmp_path: Path) -> None:
    audio = tmp_path / "take.wav"
    assert labels_beside(audio) is None
    for suffix in (".txt", ".csv", ".json"):
        (tmp_path / f"take{suffix}").write_text("")
        assert labels_beside(audio) == tmp_path / f"take{suffix}"


def test_labels_beside_a_recording_are_found_whatever_the_extensions_case(tmp_path: Path) -> None:
    audio = tmp_path / "FLUX2.WAV"
    audio.write_bytes(b"")
    (tmp_path / "FLUX2.TXT").write_text("")
    assert labels_beside(audio) == tmp_path / "FLUX2.TXT"
    (tmp_path / "FLUX2.Csv").write_text("")
    assert labels_beside(audio) == tmp_path / "FLUX2.Csv"  # .csv before .txt, as in lower case
    (tmp_path / "flux2.json").write_text("")  # another stem's case: not this recording's
    assert labels_for(audio) == tmp_path / "FLUX2.Csv"


def test_a_spreadsheet_trailing_comma_is_ignored_but_a_value_past_the_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("label,start_s,end_s\nyes,0.5,0.9,\n_unknown_,1.2,1.6,,\n")
    assert [e.label for e in load_labels(path).events] == ["yes", "_unknown_"]
    path.write_text("label,start_s,end_s\nyes,0.5,0.9,\nno,1.2,1.6,cat,\n")
    with pytest.raises(LabelsError, match=r"^s\.csv: line 3 has more fields than the header row names \('cat'"):
        load_labels(path)


def test_a_missing_recording_is_said_before_its_labels(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"^the audio file .*missing\.wav does not exist$"):
        labels_for(tmp_path / "missing.wav")
    with pytest.raises(AudioError, match="does not exist"):
        labels_for(tmp_path / "missing.wav", tmp_path / "given.json")
    (tmp_path / "there.wav").write_bytes(b"")
    with pytest.raises(LabelsError, match="no labels for there.wav"):
        labels_for(tmp_path / "there.wav")


@pytest.mark.parametrize("text", [
    "label;start_s;end_s\nyes;1.0;1.5\nno;2;2.6\n",
    "label;start_s;end_s\r\nyes;1,0;1,5\r\nno;2;2,6\r\n",  # a decimal-comma locale's spreadsheet
    "\ufefflabel\tstart_s\tend_s\tword\nyes\t1,0\t1.5\t\nno\t2\t2,6\tno\n",
    "start_s;end_s;label\n1.0;1.5;yes\n2;2.6;no\n",
])
def test_semicolon_and_tab_separated_csv_is_read_like_comma_separated(tmp_path: Path, text: str) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(text, encoding="utf-8")
    assert [(e.label, e.start_s, e.end_s) for e in load_labels(path).events] == [("yes", 1.0, 1.5), ("no", 2.0, 2.6)]


@pytest.mark.parametrize(("text", "expected"), [
    ("label;start;end_s\nyes;1;2\n", "mine.csv needs a header row with label,start_s,end_s (separated by commas, "
     "semicolons or tabs; missing start_s)"),
    ("label,start_s,end_s\nyes,\"1,5\",2\n", "mine.csv: event 1: start_s must be a number of seconds, got '1,5'"),
    ("label;start_s;end_s\nyes;1,2,3;4\n", "mine.csv: event 1: start_s must be a number of seconds, got '1,2,3'"),
])
def test_bad_csv_headers_and_times_are_one_sentence_whatever_the_separator(tmp_path: Path, text: str,
                                                                           expected: str) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(text)
    with pytest.raises(LabelsError) as info:
        load_labels(path)
    assert str(info.value) == expected


@pytest.mark.parametrize(("name", "content", "hint"), [
    ("take.lab", "1.0\t1.5\tyes\n", "; its content looks like Audacity labels: name it take.txt"),
    ("take.labels", '{"events": []}', "; its content looks like JSON: name it take.json"),
    ("take", "label;start_s;end_s\nyes;1,0;1,5\n", "; its content looks like CSV: name it take.csv"),
    ("take.lab", "0 5000000 yes\n", ""),  # HTK's label format: not one kws reads
])
def test_a_labels_file_of_another_extension_names_the_formats_read(tmp_path: Path, name: str, content: str,
                                                                    hint: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(LabelsError) as info:
        load_labels(path)
    assert str(info.value) == (f"{name}: labels are read from JSON (.json), CSV (.csv) or Audacity labels (.txt), "
                               f"told apart by the file's extension{hint}")


HUGE_DIGITS = 5000  # beyond the digits Python converts to an int (sys.get_int_max_str_digits: 4300)
NESTING = 100_000  # deeper than Python's JSON reader recurses
CSV_FIELD_CHARS = 200_000  # longer than the csv module reads in one field (131,072)


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("labels.json", '{"events": [{"label": "yes", "start_s": 1' + "0" * 400 + ', "end_s": 2}]}',
     "labels.json: event 1: start_s must be a finite number of seconds, got a number of 401 digits"),
    ("labels.json", '{"events": [{"label": "yes", "start_s": 1, "end_s": ' + "9" * HUGE_DIGITS + "}]}",
     "labels.json holds a number of thousands of digits, which no time or label is"),
    ("labels.json", '{"events": ' + "[" * NESTING + "]" * NESTING + "}",
     "labels.json nests lists or objects too deeply to be a labels file"),
    ("labels.csv", 'label,start_s,end_s,word\n_unknown_,1,2,"' + "a" * CSV_FIELD_CHARS + '"\n',
     "labels.csv is not a CSV labels file the workbench can read (field larger than field limit (131072))"),
], ids=["a time of 401 digits", "a number of 5000 digits", "nested 100,000 deep", "a CSV field of 200,000 chars"])
def test_numbers_nesting_and_fields_past_what_python_reads_are_one_sentence(tmp_path: Path, name: str,
                                                                            content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(LabelsError) as info:
        load_labels(path)
    assert str(info.value) == expected


def test_a_recorded_length_too_large_for_a_float_is_no_recorded_length(tmp_path: Path) -> None:
    path = write_json(tmp_path, [{"label": "yes", "start_s": 1.0, "end_s": 1.5}], stream={"duration_s": 10 ** 400})
    labels = load_labels(path)
    assert labels.recorded_duration_s is None
    assert labels.validated(CLASSES, 10.0) is labels  # judged by its events, as labels that record no length
