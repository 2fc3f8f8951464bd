"""The lines ``kws detect`` prints: an inference's scores, a detection, and with ``--labels`` each detection's
outcome and each missed keyword, as text for a person or as JSON lines for a program.

Why one module: with ``--labels`` the lines are held until their order is known
(:mod:`workbench.cli.detect_outcomes`) and then written exactly as the plain command writes them, with the
outcome added -- a person or a script reading both sees one format. A detection of a class that is no keyword
(TFLM's ``_silence_``) is not scored: its text line has no outcome note, its JSON ``"outcome": null`` and a
``reason``. Text stays ASCII (``0.72-1.31 s``), so a narrow terminal encoding can print it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from workbench.calibration.results.detection_outcomes import FALSE_ACCEPT, HIT, MISS, NOT_SCORED

if TYPE_CHECKING:
    from workbench.calibration.results.detection_outcomes import Outcome
    from workbench.calibration.streams.labels import LabelEvent
    from workbench.core.detection.detector import Detection
    from workbench.core.engine import InferenceResult

JSONL = "jsonl"
TIME_DECIMALS = 4  # the JSON lines' times: a tenth of a millisecond
NOT_SCORED_REASON = ("not a keyword class (its name starts with '_'): MLTK's firmware never reports it, so only "
                     "keywords are scored, as by kws calibrate")


def scores_line(result: InferenceResult, classes: tuple[str, ...], fmt: str) -> str:
    """One inference's raw and averaged scores (``--scores``)."""
    if fmt == JSONL:
        return json.dumps({"type": "scores", "time_s": round(result.time_s, TIME_DECIMALS),
                           "scores": dict(zip(classes, map(int, result.scores))),
                           "averages": dict(zip(classes, map(int, result.averages)))})
    cells = "  ".join(f"{c}={int(s):3d}" for c, s in zip(classes, result.scores))
    return f"{result.time_s:8.3f}s  scores  {cells}"


def _detection_record(time_s: float, label: str, class_index: int, score: int) -> dict[str, Any]:
    return {"type": "detection", "time_s": round(time_s, TIME_DECIMALS), "label": label, "class_index": class_index,
            "score": int(score)}


def _detection_text(time_s: float, label: str, score: int) -> str:
    return f"{time_s:8.3f}s  detected  {label:<12} score={score}"


def detection_line(d: Detection, fmt: str) -> str:
    """A detection, without labels to judge it by."""
    if fmt == JSONL:
        return json.dumps(_detection_record(d.time_s, d.label, d.class_index, d.score))
    return _detection_text(d.time_s, d.label, d.score)


def _span(event: LabelEvent) -> str:
    return f"{event.start_s:.2f}-{event.end_s:.2f} s"


def _speaker(outcome: Outcome) -> str:
    speaker = outcome.speaker
    return "" if speaker is None else f" (speaker {speaker})"


def _outcome_text(outcome: Outcome) -> str:
    """"hit 0.72-1.31 s", "false accept on 'go' 2.97-3.23 s (speaker b)", "false accept between words"."""
    if outcome.event is None:
        return "false accept between words"
    said = "hit" if outcome.kind == HIT else f"false accept on '{outcome.word}'"
    return f"{said} {_span(outcome.event)}{_speaker(outcome)}"


def _outcome_fields(outcome: Outcome) -> dict[str, Any]:
    """The outcome's keys: ``outcome``; ``event``, the labels' event (the keyword hit or missed, the event a false
    accept fell on; null between words); ``speaker`` (null: unknown); a false accept's ``word`` as ``kws calibrate``
    names it (null between words)."""
    fields: dict[str, Any] = {"outcome": outcome.kind,
                              "event": None if outcome.event is None else outcome.event.to_json(),
                              "speaker": outcome.speaker}
    if outcome.kind == FALSE_ACCEPT:
        fields["word"] = outcome.word
    return fields


def outcome_line(outcome: Outcome, fmt: str) -> str:
    """A detection with its outcome (none when not scored), or a missed keyword (at its start, in the detections'
    time order)."""
    if outcome.kind == MISS:
        if fmt == JSONL:
            return json.dumps({"type": MISS, "time_s": round(outcome.time_s, TIME_DECIMALS), "label": outcome.label,
                               "class_index": outcome.class_index, **_outcome_fields(outcome)})
        span = "" if outcome.event is None else _span(outcome.event)  # a miss always has its keyword's event
        return f"{outcome.time_s:8.3f}s  missed    {outcome.label:<12} {span}{_speaker(outcome)}"
    score = int(outcome.score or 0)
    if outcome.kind == NOT_SCORED:
        if fmt == JSONL:
            return json.dumps({**_detection_record(outcome.time_s, outcome.label, outcome.class_index, score),
                               "outcome": None, "reason": NOT_SCORED_REASON})
        return _detection_text(outcome.time_s, outcome.label, score)
    if fmt == JSONL:
        return json.dumps({**_detection_record(outcome.time_s, outcome.label, outcome.class_index, score),
                           **_outcome_fields(outcome)})
    return f"{_detection_text(outcome.time_s, outcome.label, score)}  {_outcome_text(outcome)}"
