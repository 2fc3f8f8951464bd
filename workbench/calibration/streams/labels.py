"""Where the words are in a long recording: the labels file of a calibration stream.

Why a module of its own: ``kws stream make`` writes labels, a user may bring a recording labelled by
hand (JSON, CSV or Audacity labels), and ``kws calibrate`` must refuse a labels file that would silently
give wrong figures. A label that is not a class of the model, two events that overlap, or an event past the end
of the audio would each shift hit and false-accept counts without any visible sign, so each is one
clear :class:`LabelsError` naming the file and the event.

Format (other keys are ignored, so a tool may add its own)::

    {"events": [{"label": "yes", "start_s": 1.23, "end_s": 1.71, "word": "yes"}, ...]}

or CSV with a header row ``label,start_s,end_s[,word,clip]`` (commas, semicolons or tabs), or the ``.txt`` of
Audacity's "Export Labels" (``start<TAB>end<TAB>label`` per line; its spectral-selection lines are skipped), so
that a recording labelled by hand in Audacity needs no conversion. A label is a keyword class of the model, or
starts with ``_`` (``_unknown_`` for other speech, ``_silence_``, ``_noise_`` ...): those mark
non-keyword audio, are never matched, and only help to explain false accepts. ``word`` is the word
actually spoken (``"cat"`` for an ``_unknown_`` event), ``clip`` the file it came from.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from workbench.calibration.streams.build_tag import AudioBuild, build_problem
from workbench.core.atomic_write import atomic_write_bytes
from workbench.core.detection.detector import is_keyword_class, keyword_classes
from workbench.core.errors import AudioError, WorkbenchError

UNKNOWN_LABEL = "_unknown_"
SILENCE_LABEL = "_silence_"
TIME_EPSILON_S = 0.001  # times are written with finite precision: an end 1 ms past the audio is still inside
STREAM_RECORD_KEY = "stream"  # where kws stream make records the stream in its labels JSON
BUILD_KEY = "build"  # the token of the stream's build in that record, also in its WAV's comment
RECORDED_DURATION_TOLERANCE_S = 0.01  # kws stream make rounds the duration it records to the millisecond
CSV_FIELDS = ("label", "start_s", "end_s", "word", "clip")
CSV_REQUIRED = CSV_FIELDS[:3]
CSV_TIMES = ("start_s", "end_s")
CSV_DELIMITERS = (",", ";", "\t")  # comma, the semicolon of decimal-comma locales' spreadsheets, tab
DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
TIME_DECIMALS = 7  # k / 16000 s has at most 7 decimals: sample positions round-trip exactly
LABEL_SUFFIXES = (".json", ".csv", ".txt")  # looked for beside a recording, in this order
LABEL_FORMATS = {".json": "JSON", ".csv": "CSV", ".txt": "Audacity labels"}
AUDACITY_FIELDS = 3  # start, end, label
AUDACITY_SPECTRAL_MARK = "\\"  # an Audacity line starting with a backslash holds a label's frequency range


class LabelsError(WorkbenchError):
    """A labels file that cannot be used as it is (one sentence naming the file and the event)."""


@dataclass(frozen=True)
class LabelEvent:
    """One labelled stretch of audio."""

    label: str
    start_s: float
    end_s: float
    word: str = ""  # the word spoken, when the label does not say it (e.g. "cat" for _unknown_)
    clip: str = ""  # where the audio came from (``word/file.wav`` for a built stream)
    # its place in the file it was read from (1: the first event), so that a message names the event a user finds
    # there, not its place in time; 0: not read from a file (a built stream's events are in time order)
    number_in_file: int = field(default=0, compare=False, repr=False)

    @property
    def is_keyword(self) -> bool:
        return is_keyword_class(self.label)

    def describe(self) -> str:
        return f"'{self.label}' {self.start_s:.2f}–{self.end_s:.2f} s"

    def to_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {"label": self.label, "start_s": round(self.start_s, TIME_DECIMALS),
                                "end_s": round(self.end_s, TIME_DECIMALS)}
        if self.word:
            item["word"] = self.word
        if self.clip:
            item["clip"] = self.clip
        return item


@dataclass(frozen=True)
class StreamLabels:
    """The events of one recording, sorted by start time."""

    events: tuple[LabelEvent, ...]
    source: str = "labels"  # file name used in error messages
    # what kws stream make recorded of the stream under "stream" in its labels JSON (its length, recipe, split),
    # read once with the events; None for labels that record none (a CSV, a file labelled by hand)
    record: Mapping[str, Any] | None = field(default=None, compare=False)
    # the file's bytes as they were read and scored: a report copies these, not the file as it is by then
    raw: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def recorded_duration_s(self) -> float | None:
        """The length of the stream the labels were written for, as kws stream make records it (None: not
        recorded)."""
        recorded = None if self.record is None else self.record.get("duration_s")
        if isinstance(recorded, (int, float)) and not isinstance(recorded, bool) and _is_finite(recorded):
            return float(recorded)
        return None

    @property
    def recorded_build(self) -> str | None:
        """The token of the build of the stream the labels were written for (:mod:`.build_tag`; None: none)."""
        token = None if self.record is None else self.record.get(BUILD_KEY)
        return token if isinstance(token, str) and token else None

    @property
    def keyword_events(self) -> tuple[LabelEvent, ...]:
        return tuple(e for e in self.events if e.is_keyword)

    def keyword_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for event in self.keyword_events:
            counts[event.label] = counts.get(event.label, 0) + 1
        return counts

    def label_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for event in self.events:
            counts[event.label] = counts.get(event.label, 0) + 1
        return counts

    def validated(self, classes: Sequence[str], duration_s: float, model_name: str = "the model",
                  audio_name: str = "the audio", audio_build: AudioBuild | None = None) -> "StreamLabels":
        """These labels if they fit the model's classes and the audio's length and build (what its file says,
        :func:`~.build_tag.audio_build`, judged by :func:`~.build_tag.build_problem`, which every reader of a
        pair goes through; None: no audio file, not judged); else :class:`LabelsError`."""
        recorded = self.recorded_duration_s
        if recorded is not None and abs(recorded - duration_s) > RECORDED_DURATION_TOLERANCE_S:
            raise LabelsError(  # a rebuild killed between renaming the WAV and its labels, or files mixed by hand
                f"{self.source} was written for a stream of {recorded:.2f} s, but {audio_name} is {duration_s:.2f} "
                "s long: they belong to different builds of the stream; build it again (or give its own labels)")
        problem = None if audio_build is None else build_problem(audio_build, self.recorded_build,
                                                                 self.record is not None, self.source, audio_name)
        if problem is not None:  # the same, for a rebuild of the same length, or one side older than the token
            raise LabelsError(problem)
        known = set(classes)
        for place, event in enumerate(self.events, start=1):
            number = event.number_in_file or place
            if event.is_keyword and event.label not in known:
                keywords = ", ".join(keyword_classes(classes)) or "none"
                raise LabelsError(
                    f"{self.source}: event {number} has the label '{event.label}', which is not a keyword "
                    f"of {model_name} (its keywords: {keywords}); label other speech '{UNKNOWN_LABEL}'")
            if event.end_s > duration_s + TIME_EPSILON_S:
                raise LabelsError(
                    f"{self.source}: event {number} ({event.describe()}) ends after the end of "
                    f"{audio_name}, which is {duration_s:.2f} s long")
        return self


def _is_finite(value: int | float) -> bool:
    """Whether ``value`` is a finite float: an integer too large for one (a JSON number of 400 digits) is no more
    finite than ``1e400``, which JSON reads as inf (:func:`math.isfinite` raises OverflowError on it)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool):
        raise LabelsError(f"{where}: {what} must be a number of seconds, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise LabelsError(f"{where}: {what} must be a finite number of seconds, got a number of "
                          f"{len(str(value))} digits") from None
    except (TypeError, ValueError):
        raise LabelsError(f"{where}: {what} must be a number of seconds, got {value!r}") from None
    if not math.isfinite(number):
        raise LabelsError(f"{where}: {what} must be a finite number of seconds, got {value!r}")
    return number


def _event(item: Any, number: int, source: str) -> LabelEvent:
    where = f"{source}: event {number}"
    if not isinstance(item, dict):
        raise LabelsError(f"{where} must be an object with label, start_s and end_s, got {item!r}")
    missing = [key for key in ("label", "start_s", "end_s") if key not in item or item[key] in (None, "")]
    if missing:
        raise LabelsError(f"{where} has no {missing[0]}")
    label = str(item["label"]).strip()
    if not label:
        raise LabelsError(f"{where} has an empty label")
    start = _number(item["start_s"], "start_s", where)
    end = _number(item["end_s"], "end_s", where)
    if start < 0:
        raise LabelsError(f"{where} starts before the audio does (start_s {start})")
    if end <= start:
        raise LabelsError(f"{where} ends at {end} s, not after its start at {start} s")
    return LabelEvent(label, start, end, str(item.get("word") or ""), str(item.get("clip") or ""), number)


def labels_from_items(items: Iterable[Any], source: str = "labels") -> StreamLabels:
    """Events from parsed JSON/CSV items, checked one by one and for overlaps."""
    events = [_event(item, number, source) for number, item in enumerate(items, start=1)]
    order = sorted(range(len(events)), key=lambda i: (events[i].start_s, events[i].end_s))
    for before, after in zip(order, order[1:]):
        if events[after].start_s < events[before].end_s:
            raise LabelsError(
                f"{source}: event {after + 1} ({events[after].describe()}) overlaps event {before + 1} "
                f"({events[before].describe()}); events must not overlap")
    return StreamLabels(tuple(events[i] for i in order), source)


def parse_labels_json(text: str, source: str = "labels") -> StreamLabels:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LabelsError(f"{source} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except ValueError:  # a number of more digits than Python converts (sys.get_int_max_str_digits)
        raise LabelsError(f"{source} holds a number of thousands of digits, which no time or label is") from None
    except RecursionError:
        raise LabelsError(f"{source} nests lists or objects too deeply to be a labels file") from None
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise LabelsError(f'{source} has no "events" list (expected {{"events": [{{"label", "start_s", '
                          f'"end_s"}}, …]}})')
    labels = labels_from_items(document["events"], source)
    stream = document.get(STREAM_RECORD_KEY)
    return dataclasses.replace(labels, record=stream) if isinstance(stream, dict) else labels


def _csv_delimiter(text: str) -> str:
    """The header row's separator: the first of :data:`CSV_DELIMITERS` that splits it into the required
    columns, else what :class:`csv.Sniffer` finds among them (so a header lacking a column is still split
    right and the missing one named), else a comma."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in CSV_DELIMITERS:
        fields = {f.strip() for f in next(csv.reader([header], delimiter=delimiter), [])}
        if all(name in fields for name in CSV_REQUIRED):
            return delimiter
    try:
        return csv.Sniffer().sniff(header, delimiters="".join(CSV_DELIMITERS)).delimiter
    except csv.Error:
        return CSV_DELIMITERS[0]


def _decimal_point(value: str) -> str:
    """``1,25`` as ``1.25``: a spreadsheet that separates fields with ``;`` or tabs writes its locale's decimal
    comma. Only a lone comma between digits is read so; anything else is left for the number check to refuse."""
    return value.replace(",", ".") if DECIMAL_COMMA.fullmatch(value) else value


def parse_labels_csv(text: str, source: str = "labels") -> StreamLabels:
    """CSV labels with a header row, separated by commas, semicolons or tabs (what spreadsheets write in
    any locale; with semicolons or tabs a decimal comma is read too); empty fields past the header's (a
    spreadsheet's trailing separator) are ignored, a value there is refused: it would belong to no column."""
    try:
        return _parse_csv(text, source, _csv_delimiter(text))
    except csv.Error as exc:  # a field longer than the csv module reads, a NUL, a quote left open at the end
        raise LabelsError(f"{source} is not a CSV labels file the workbench can read ({exc})") from None


def _parse_csv(text: str, source: str, delimiter: str) -> StreamLabels:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = [f.strip() for f in (reader.fieldnames or [])]
    missing = [f for f in CSV_REQUIRED if f not in fields]
    if missing:
        raise LabelsError(f"{source} needs a header row with label,start_s,end_s (separated by commas, semicolons "
                          f"or tabs; missing {missing[0]})")
    rows = []
    for row in reader:
        extra = [str(value).strip() for value in row.pop(None, None) or []]  # fields past the header's
        if any(extra):
            raise LabelsError(f"{source}: line {reader.line_num} has more fields than the header row names "
                              f"({', '.join(repr(v) for v in extra if v)} after the last column)")
        item = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if delimiter != ",":
            for key in CSV_TIMES:
                item[key] = _decimal_point(item.get(key, ""))
        rows.append(item)
    return labels_from_items(rows, source)


def parse_labels_audacity(text: str, source: str = "labels") -> StreamLabels:
    """Audacity's label export: ``start<TAB>end<TAB>label`` per line, times in seconds."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith(AUDACITY_SPECTRAL_MARK):
            continue
        fields = line.split("\t", 2)
        if len(fields) < 3:
            raise LabelsError(f"{source}: line {number} is not start<TAB>end<TAB>label (Audacity's label "
                              f"export), got {line.strip()[:60]!r}")
        start = _number(fields[0].strip(), "the start", f"{source}: line {number}")
        end = _number(fields[1].strip(), "the end", f"{source}: line {number}")
        if end == start:
            raise LabelsError(f"{source}: line {number} is a point label at {start:g} s; label the whole word "
                              "(select it in Audacity, then add the label)")
        items.append({"label": fields[2].strip(), "start_s": start, "end_s": end})
    return labels_from_items(items, source)


def labels_beside(audio: str | Path) -> Path | None:
    """The labels file of a recording: its name with ``.json``, ``.csv`` or ``.txt`` (first found), the extension
    in any case (``take.CSV`` beside ``take.wav``, as audio extensions are), the exact case first."""
    wav = Path(audio)
    for suffix in LABEL_SUFFIXES:
        candidate = wav.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    try:
        beside = sorted(p for p in wav.parent.iterdir() if p.stem == wav.stem and p.suffix.lower() in LABEL_SUFFIXES
                        and p.is_file())
    except OSError:
        return None
    return min(beside, key=lambda p: LABEL_SUFFIXES.index(p.suffix.lower()), default=None)


def labels_for(audio: str | Path, given: str | Path | None = None) -> Path:
    """``given``, else the labels beside ``audio``; :class:`LabelsError` when there are none.

    A missing ``audio`` is said first: "no labels for missing.wav" sends a user looking for labels when the
    recording's name is what is wrong.
    """
    if not Path(audio).exists():
        raise AudioError(f"the audio file {audio} does not exist")
    if Path(audio).is_dir():
        raise AudioError(f"{audio} is a folder, not an audio file")
    if given is not None:
        return Path(given)
    found = labels_beside(audio)
    if found is None:
        raise LabelsError(f"no labels for {Path(audio).name}: give --labels (JSON, CSV or Audacity .txt)")
    return found


def load_labels(path: str | Path) -> StreamLabels:
    """Read a JSON (``{"events": […]}``), CSV or Audacity labels file; :class:`LabelsError` when unusable."""
    path = Path(path)
    if not path.is_file():
        raise LabelsError(f"labels file not found: {path}")
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabelsError(f"{path.name} is not a text labels file (JSON, CSV or Audacity .txt)") from None
    except OSError as exc:
        raise LabelsError(f"cannot read labels file {path}: {exc.strerror or exc}") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # universal newlines, as read_text gave the text
    parse = {".csv": parse_labels_csv, ".txt": parse_labels_audacity, ".json": parse_labels_json}.get(
        path.suffix.lower())
    if parse is not None:
        return dataclasses.replace(parse(text, path.name), raw=raw)
    looks = _suffix_of_content(text)
    hint = f"; its content looks like {LABEL_FORMATS[looks]}: name it {path.stem}{looks}" if looks else ""
    raise LabelsError(f"{path.name}: labels are read from JSON (.json), CSV (.csv) or Audacity labels (.txt), "
                      f"told apart by the file's extension{hint}")


def _suffix_of_content(text: str) -> str | None:
    """The suffix of the labels format ``text`` seems to be in (for a hint only: files are read by suffix)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lstrip().startswith(("{", "[")):
        return ".json"
    if any(all(name in (f.strip() for f in first.split(d)) for name in CSV_REQUIRED) for d in CSV_DELIMITERS):
        return ".csv"
    fields = first.split("\t")
    try:
        if len(fields) >= AUDACITY_FIELDS and all(math.isfinite(float(f)) for f in fields[:2]):
            return ".txt"
    except ValueError:
        pass
    return None


def labels_json(labels: StreamLabels, extra: dict[str, Any] | None = None) -> str:
    document: dict[str, Any] = {"events": [e.to_json() for e in labels.events]}
    if extra:
        document.update(extra)
    return json.dumps(document, indent=1) + "\n"


def labels_csv(labels: StreamLabels) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in labels.events:
        writer.writerow([e.label, f"{e.start_s:.{TIME_DECIMALS}f}", f"{e.end_s:.{TIME_DECIMALS}f}", e.word, e.clip])
    return buffer.getvalue()


def save_labels(labels: StreamLabels, json_path: Path, csv_path: Path | None = None,
                extra: dict[str, Any] | None = None) -> None:
    """Write the JSON (with ``extra`` top-level keys) and optionally the CSV, each atomically."""
    atomic_write_bytes(json_path, labels_json(labels, extra).encode("utf-8"))
    if csv_path is not None:
        atomic_write_bytes(csv_path, labels_csv(labels).encode("utf-8"))
