"""What MLTK's audio-classifier firmware prints, parsed line by line into events.

Why events: the classifier never stops; the CLI prints and the GUI plots as lines arrive, so the
parser turns each line into at most one event (:class:`BoardScores` for a verbose inference line,
:class:`BoardDetection` for a ``Detected …`` line, :class:`BoardNotice` for warnings and fatal
errors) and keeps the start-up facts (model address, model summary, front-end and application
settings) on the parser. Formats (``audio_classifier.cc``, ``recognize_commands.cc``,
``sl_ml_audio_feature_generation_config.cc``): ``[  3612] (  8) 244   6   2   4 `` and
``Detected class=0 label=yes score=204 @3712ms``. A ``Detected`` line whose class index or label is not
the model's (its ``Classes:``, else its output size) was garbled on the wire: a warning, not a detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.board.logs.profiler_log import DEFAULT_MODEL_LINE, DETAIL_LINE, MODEL_IN_FLASH

START_MARKER = "Audio Classifier"
FE_SECTION = "AudioFeatureGenerator settings:"
APP_SECTION = "Application settings:"
SOURCE = "board"

_SCORES = re.compile(r"^\[\s*(\d+)\]\s*\(\s*(\d+)\)((?:\s+\d+)+)\s*$")
_DETECTED = re.compile(r"^Detected class=(\d+) label=(.*?) score=(\d+) @(\d+)ms$")
_OUTPUT_SIZE = re.compile(r"^(?:\d+x)*(\d+)\b")  # "1x4 (int8)": the last dimension counts the classes
_SETTING = re.compile(r"^([A-Za-z_][\w.]*)\s*=\s*(-?\d+(?:\.\d+)?)$")
_ARENA = re.compile(r"(?:Runtime memory size from \.tflite model: "
                    r"|Determined optimal runtime memory size to be )(\d+)$")
_UNSUPPORTED = re.compile(r"Op\d+-[A-Za-z0-9_]+ not supported: .*$")
_FATAL = (re.compile(r"^ERROR: ?(.*)$"),
          re.compile(r"hardfault|Cortex IRQ \w+ triggered|\*\*\* Fault triggered", re.I),
          re.compile(r"assert failed", re.I))
_WARNING = (re.compile(r"^WARNING: ?(.*)$"), re.compile(r"^Model parameter missing: "),
            re.compile(r"^Too few samples for averaging"),
            re.compile(r"^Either decrease the 'minimum_count'"))


@dataclass(frozen=True)
class BoardScores:
    """One inference (verbose mode): ms since boot, ms of the loop so far, uint8 scores in class order."""

    time_ms: int
    loop_ms: int
    scores: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"source": SOURCE, "time_ms": self.time_ms, "scores": list(self.scores)}


@dataclass(frozen=True)
class BoardDetection:
    time_ms: int
    class_index: int
    label: str
    score: int

    def to_json(self) -> dict[str, Any]:
        return {"source": SOURCE, "time_ms": self.time_ms, "class": self.class_index, "label": self.label,
                "score": self.score}


@dataclass(frozen=True)
class BoardNotice:
    """A firmware warning (``warning``) or a fatal start-up/fault message (``fatal``), in its own words."""

    kind: str
    text: str

    @property
    def fatal(self) -> bool:
        return self.kind == "fatal"


ClassifierEvent = BoardScores | BoardDetection | BoardNotice


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


@dataclass
class ClassifierStartup:
    """The facts the firmware prints before its first inference."""

    started: bool = False
    model_address: int | None = None
    default_model: bool = False
    runtime_memory_bytes: int | None = None
    details: dict[str, str] = field(default_factory=dict)
    frontend: dict[str, int | float] = field(default_factory=dict)
    application: dict[str, int | float] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)
    complete: bool = False  # the application settings block has ended: inferences follow

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.details.get("Classes", "").split(",") if c.strip())

    @property
    def output_size(self) -> int | None:
        """Scores per inference, from the ``Output:`` line (``1x4 (int8)`` → 4); None when not printed."""
        match = _OUTPUT_SIZE.match(self.details.get("Output", "").strip())
        return int(match.group(1)) if match is not None else None

    def detection_problem(self, class_index: int, label: str) -> str | None:
        """Why a detection cannot be this model's (its class index or label), or None when it can be."""
        classes = self.classes
        if classes:
            if class_index >= len(classes):
                return f"the model has {len(classes)} classes: {', '.join(classes)}"
            if classes[class_index] != label:
                return f"class {class_index} of the model is {classes[class_index]!r}"
            return None
        size = self.output_size
        if size is not None and class_index >= size:
            return f"the model has {size} classes"
        return None


class ClassifierLogParser:
    """:meth:`feed` one line → the event it is (or None); start-up facts accumulate in :attr:`startup`.

    Nothing counts before the ``Audio Classifier`` banner (MLTK's start marker ``.*Audio Classifier.*``)
    but a fatal message: a board still running the previous firmware until the reset prints stale
    scores and detections that must not pass for this run's.
    """

    def __init__(self) -> None:
        self.startup = ClassifierStartup()
        self._section: dict[str, int | float] | None = None
        self._details = False

    def feed(self, line: str) -> ClassifierEvent | None:
        """Before the banner only a fatal message counts (MLTK's fail patterns see everything): the lines
        until then are the firmware that ran before the reset, not this run's."""
        text = line.strip()
        if not self.startup.started:
            if START_MARKER in text:
                self.startup.started = True
                return None
            notice = _notice(text)
            return notice if notice is not None and notice.fatal else None
        if not text:
            if self._section is self.startup.application and self.startup.application:
                self.startup.complete = True
            self._section, self._details = None, False  # a blank line closes a settings block
            return None
        if (m := _SCORES.match(text)) is not None:
            self.startup.complete = True
            return BoardScores(int(m.group(1)), int(m.group(2)), tuple(int(v) for v in m.group(3).split()))
        if (m := _DETECTED.match(text)) is not None:
            self.startup.complete = True
            problem = self.startup.detection_problem(int(m.group(1)), m.group(2))
            if problem is not None:
                return BoardNotice("warning", f"a garbled line, not a detection: {text!r} ({problem})")
            return BoardDetection(int(m.group(4)), int(m.group(1)), m.group(2), int(m.group(3)))
        notice = _notice(text)
        if notice is not None:
            return notice
        self._startup_line(text)
        return None

    def _startup_line(self, text: str) -> None:
        s = self.startup
        if (m := MODEL_IN_FLASH.search(text)) is not None:
            s.model_address, s.default_model = int(m.group(1), 16), False
        elif DEFAULT_MODEL_LINE.search(text):
            s.model_address, s.default_model = None, True
        elif (m := _ARENA.search(text)) is not None:
            s.runtime_memory_bytes = int(m.group(1))
        elif (m := _UNSUPPORTED.search(text)) is not None:
            if m.group(0) not in s.unsupported:
                s.unsupported.append(m.group(0))
        elif text == "Model details:":
            self._details = True
        elif text == FE_SECTION:
            self._section, self._details = s.frontend, False
        elif text == APP_SECTION:
            self._section, self._details = s.application, False
        elif self._details and (m := DETAIL_LINE.match(text)) is not None:
            s.details[m.group(1)] = m.group(2).strip()
        elif self._section is not None and (m := _SETTING.match(text)) is not None:
            self._section[m.group(1)] = _number(m.group(2))


def _notice(text: str) -> BoardNotice | None:
    """A fatal firmware message or a warning, in the firmware's words; None for any other line."""
    for pattern in _FATAL:
        if pattern.search(text):
            return BoardNotice("fatal", text)
    for pattern in _WARNING:
        if pattern.search(text):
            return BoardNotice("warning", text)
    return None


def parse_classifier_log(text: str) -> tuple[ClassifierStartup, list[ClassifierEvent]]:
    """Parse a captured log: the start-up facts and every event in order (from the banner on)."""
    parser = ClassifierLogParser()
    events = [e for e in (parser.feed(line) for line in text.splitlines()) if e is not None]
    return parser.startup, events
