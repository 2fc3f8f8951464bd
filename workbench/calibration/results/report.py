"""What a calibration says: ``calibration.json``, the text a person reads, and the sweep as CSV.

Why the document is the interface: ``kws calibrate --format json`` prints it, ``--out`` writes it, and
the GUI reads it from the child process's output folder. Figures are full-precision floats (JSON
round-trips them exactly), so the ``recommended`` FRR and FA/h can be compared exactly with what
``kws detect`` gives with the same options. FRR is a fraction (0.15 = 15 %). ``warnings`` keeps what the run warned
of before its replay (figures that mislead without being wrong): a saved report, opened again or read by a script,
carries them as the run said them.
"""

from __future__ import annotations

import csv
import io
import math
import shlex
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from workbench.calibration.calibration_run import CalibrationResult
from workbench.calibration.results.speaker_spread import describe_interval, paired_difference
from workbench.calibration.sweep.calibration_defaults import DEFAULT_TOLERANCE_S
from workbench.calibration.sweep.matching import SetMetrics
from workbench.calibration.sweep.grid import ParameterSet, keyword_indices
from workbench.core.detection.detector import is_keyword_class
from workbench.core.detection.settings import DEFAULTS, DetectionSettings
from workbench.core.wording import audio_length

DOCUMENT_VERSION = 1
MODEL_DIGEST_KEY = "network_sha256"  # under "model": the calibrated network's LoadedModel.network_digest
DOCUMENT_NAME = "calibration.json"  # the output folder's files the text report refers to (output_files writes them)
SWEEP_NAME = "sweep.csv"
TEXT_FRONT_ROWS = 12  # rows of the Pareto front the text report shows
TEXT_WORDS = 5  # (detected class, word) pairs of the false accepts the text report names
PERCENT = 100.0


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def parameters_json(pset: ParameterSet) -> dict[str, Any]:
    item: dict[str, Any] = {
        "detection_threshold": pset.detection_threshold,
        "average_window_duration_ms": pset.average_window_duration_ms,
        "suppression_ms": pset.suppression_ms,
        "minimum_count": pset.minimum_count,
    }
    if pset.detection_threshold_list:
        item["detection_threshold_list"] = list(pset.detection_threshold_list)
    return item


def metrics_json(m: SetMetrics, classes: tuple[str, ...]) -> dict[str, Any]:
    per_keyword = {}
    for i, name in enumerate(classes):
        if not is_keyword_class(name):
            continue
        keywords, hits = m.keywords_per_class[i], m.hits_per_class[i]
        per_keyword[name] = {"keywords": keywords, "hits": hits,
                             "frr": (keywords - hits) / keywords if keywords else None,
                             "false_accepts": m.false_accepts_per_class[i]}
    return {
        "frr": _number(m.frr), "fa_per_hour": _number(m.fa_per_hour),
        "fa_per_hour_speech": _number(m.fa_per_hour_speech),
        "fa_per_hour_background": _number(m.fa_per_hour_background),
        "keywords": m.keywords, "hits": m.hits, "misses": m.keywords - m.hits,
        "false_accepts_speech": m.false_accepts_speech, "false_accepts_background": m.false_accepts_background,
        "latency_mean_s": _number(m.latency_mean_s), "latency_p95_s": _number(m.latency_p95_s),
        "per_keyword": per_keyword,
    }


def set_json(result: CalibrationResult, index: int) -> dict[str, Any]:
    """A set's parameters and figures; ``model_own`` says whether it is the model's own set (the GUI and the
    text report say "nothing to change" for it)."""
    table = result.table
    return {**parameters_json(table.sets[index]), **metrics_json(table.metrics(index), table.classes),
            "model_own": index == result.model_index}


def detect_options(pset: ParameterSet, latency_ms: int, model_latency_ms: int) -> list[str]:
    """The ``kws detect`` options that reproduce a set: one threshold for every class, or one per class."""
    thresholds = (["--threshold-list", ",".join(map(str, pset.detection_threshold_list))]
                  if pset.detection_threshold_list else ["--threshold", str(pset.detection_threshold)])
    options = [*thresholds, "--window-ms", str(pset.average_window_duration_ms),
               "--suppression-ms", str(pset.suppression_ms), "--count", str(pset.minimum_count)]
    if latency_ms != model_latency_ms:
        options += ["--latency-ms", str(latency_ms)]
    return options


def reproduce_command(result: CalibrationResult, pset: ParameterSet) -> str:
    """The ``kws detect`` command line that gives ``pset``'s figures again, runnable as printed: the stream, its
    labels (so ``kws detect`` scores the detections), the background-only recordings (so its FA/h counts theirs
    too: ``kws calibrate``'s is over all the audio) and the model as the calibration was given them -- from the
    folder it ran in -- with the set's options, and the tolerance when it is not the default."""
    request, path = result.request, result.model.path
    words = ["kws", "detect", shlex.quote(str(request.stream_path)),
             "--model", shlex.quote(str(path)) if path else result.model.name,
             *detect_options(pset, result.stream.latency_ms, result.model_settings.latency_ms),
             "--labels", shlex.quote(str(request.labels_path))]
    backgrounds = request.background_paths if request.background_arguments is None else request.background_arguments
    for background in backgrounds:
        words += ["--background", shlex.quote(str(background))]
    if request.tolerance_s != DEFAULT_TOLERANCE_S:
        words += ["--tolerance-s", f"{request.tolerance_s:g}"]
    return " ".join(words)


def _recommended_json(result: CalibrationResult) -> dict[str, Any] | None:
    if result.recommended is None:
        return None
    table = result.table
    pset, spread = table.sets[result.recommended], result.recommended_spread
    recommended = {**set_json(result, result.recommended), "latency_ms": result.stream.latency_ms,
                   "false_accept_words": result.false_accept_words(pset),
                   "speaker_interval": None if spread is None else spread.to_json()}
    recommended["kws_detect_options"] = detect_options(pset, result.stream.latency_ms,
                                                       result.model_settings.latency_ms)
    return recommended


def _model_parameters_json(result: CalibrationResult) -> dict[str, Any] | None:
    if result.model_metrics is None:
        return None
    own = ParameterSet.from_settings(result.model_settings)
    return {**parameters_json(own), **metrics_json(result.model_metrics, result.table.classes),
            "false_accept_words": result.false_accept_words(own), "never_detects": result.model_never_detects}


def _model_json(result: CalibrationResult) -> dict[str, Any]:
    """The calibrated model: its name, file and classes, the interval it was replayed at, and the digest of its
    network (parameters aside), by which a set saved into the file later is refused when another network is there
    by then (saving a set into the calibrated file itself changes only its parameters)."""
    path = result.model.path
    return {"name": result.model.name, "file": str(Path(path).absolute()) if path else "",
            "classes": list(result.table.classes), "latency_ms": result.stream.latency_ms,
            MODEL_DIGEST_KEY: result.model.network_digest}


def _difference_json(result: CalibrationResult, other: CalibrationResult) -> dict[str, Any] | None:
    """``other`` minus ``result`` at their recommended sets, with the paired speaker interval."""
    if result.recommended is None or other.recommended is None:
        return None
    mine, theirs = result.table.metrics(result.recommended), other.table.metrics(other.recommended)
    paired = paired_difference(result.recommended_counts, other.recommended_counts)
    return {"frr": theirs.frr - mine.frr, "fa_per_hour": theirs.fa_per_hour - mine.fa_per_hour,
            "speaker_interval": None if paired is None else paired.to_json()}


def calibration_document(result: CalibrationResult, scores_file: str | None = None,
                         compared: Sequence[CalibrationResult] = (), labels_file: str | None = None,
                         warnings: Sequence[str] = ()) -> dict[str, Any]:
    """The document (module docstring); ``compared``: other models calibrated on the same request, each
    with its model, recommendation and own parameters' figures (``kws calibrate --compare``);
    ``scores_file`` and ``labels_file``: the names of the scores and the labels' copy beside the document
    in an output folder (None when there is none); ``warnings``: the sentences the run warned of, in the order
    said (each kept once)."""
    req, table = result.request, result.table
    return {
        "version": DOCUMENT_VERSION,
        "model": _model_json(result),
        "stream": {"audio": str(req.stream_path.absolute()), "labels": str(req.labels_path.absolute()),
                   "duration_s": result.stream.duration_s, "inferences": result.stream.inferences,
                   "keywords": {c: n for c, n in zip(table.classes, table.keywords_per_class) if n},
                   "events": result.labels.label_counts()},
        "background": [{"audio": str(p.absolute()), "duration_s": r.duration_s}
                       for p, r in zip(req.background_paths, result.backgrounds)],
        "tolerance_s": req.tolerance_s,
        "target_fa_per_hour": req.target_fa_per_hour,
        "ranges": {"thresholds": list(req.ranges.thresholds), "windows_ms": list(req.ranges.windows_ms),
                   "suppressions_ms": list(req.ranges.suppressions_ms), "counts": list(req.ranges.counts),
                   "per_class_thresholds": req.ranges.per_class_thresholds},
        "sets_tried": result.grid_sets,
        "warnings": list(dict.fromkeys(warnings)),
        "recommended": _recommended_json(result),
        "model_parameters": _model_parameters_json(result),
        "pareto": [set_json(result, i) for i in result.front],
        "scores_file": scores_file,
        "labels_file": labels_file,
        "compared": [{"model": _model_json(other), "sets_tried": other.grid_sets,
                      "recommended": _recommended_json(other), "model_parameters": _model_parameters_json(other),
                      "pareto": [set_json(other, i) for i in other.front],
                      "difference": _difference_json(result, other)} for other in compared],
    }


def sweep_csv(result: CalibrationResult) -> str:
    """Every set of the grid, one row each (for a spreadsheet); ``model_own`` marks the model's own set when
    the grid holds it (an added own set is the document's ``model_parameters``, not a row here)."""
    table = result.table
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    keywords = keyword_indices(table.classes)
    writer.writerow(["detection_threshold", "detection_threshold_list", "average_window_duration_ms",
                     "suppression_ms", "minimum_count", "frr", "fa_per_hour", "fa_per_hour_speech",
                     "fa_per_hour_background", "latency_mean_s", "latency_p95_s",
                     *[f"frr_{table.classes[i]}" for i in keywords], "pareto", "model_own"])
    front = set(result.front)
    frr, fa = table.frr, table.fa_per_hour
    speech, background = table.fa_per_hour_speech, table.fa_per_hour_background
    for i, pset in enumerate(table.sets[:result.grid_sets]):
        per_class = [(table.keywords_per_class[k] - table.hits_per_class[i, k]) / table.keywords_per_class[k]
                     if table.keywords_per_class[k] else "" for k in keywords]
        writer.writerow([pset.detection_threshold,
                         " ".join(map(str, pset.detection_threshold_list or ())),
                         pset.average_window_duration_ms, pset.suppression_ms, pset.minimum_count,
                         f"{frr[i]:.6f}", f"{fa[i]:.4f}", f"{speech[i]:.4f}",
                         "" if np.isnan(background[i]) else f"{background[i]:.4f}",
                         "" if np.isnan(table.latency_mean_s[i]) else f"{table.latency_mean_s[i]:.4f}",
                         "" if np.isnan(table.latency_p95_s[i]) else f"{table.latency_p95_s[i]:.4f}",
                         *[v if v == "" else f"{v:.6f}" for v in per_class], int(i in front),
                         int(i == result.model_index)])
    return buffer.getvalue()


def describe_set(pset: ParameterSet | DetectionSettings, classes: tuple[str, ...]) -> str:
    """A set of detection parameters in words ("threshold 246, window 750 ms, ..."): a calibration's, or the values
    tuned in the window (the description File ▸ Save parameters as preset… offers says them so)."""
    if pset.detection_threshold_list:
        thresholds = ", ".join(f"{c}>{t}" for c, t in zip(classes, pset.detection_threshold_list)
                               if is_keyword_class(c))
    else:
        thresholds = f"threshold {pset.detection_threshold}"
    return (f"{thresholds}, window {pset.average_window_duration_ms} ms, suppression {pset.suppression_ms} ms, "
            f"count {pset.minimum_count}")


def describe_recommended(result: CalibrationResult) -> str:
    """The recommended set in words ("threshold 246, window 750 ms, ..."); empty when there is none."""
    if result.recommended is None:
        return ""
    return describe_set(result.table.sets[result.recommended], result.table.classes)


def _describe_figures(m: SetMetrics) -> str:
    text = f"FRR {m.frr * PERCENT:.1f} % ({m.keywords - m.hits}/{m.keywords} missed), {m.fa_per_hour:.1f} FA/h"
    parts = [f"speech {m.fa_per_hour_speech:.1f}"]
    if m.background_hours:
        parts.append(f"background {m.fa_per_hour_background:.1f}")
    text += f" ({', '.join(parts)})"
    if math.isfinite(m.latency_mean_s):
        text += f", latency {m.latency_mean_s * 1000:.0f} ms mean / {m.latency_p95_s * 1000:.0f} ms p95"
    return text


def _sets_tried(result: CalibrationResult) -> str:
    tried = f"{result.grid_sets:,} parameter sets tried"
    return tried + " and the model's own" if result.model_set_added else tried


def _own_name(result: CalibrationResult) -> str:
    """What the model's own set is: its stored parameters, or the firmware's defaults when it stores none."""
    stores_any = any(key in result.model.params for key in DEFAULTS)
    return "model's own parameters" if stores_any else "the firmware's defaults (the model stores no parameters)"


def _recommendation_lines(result: CalibrationResult) -> list[str]:
    table, req = result.table, result.request
    if result.recommended is None:
        can_detect = np.setdiff1d(np.arange(len(table)), result.never_detecting)
        if not can_detect.size:
            return ["no set tried can ever detect anything (no score exceeds a threshold of 255); give --thresholds "
                    "below 255"]
        best = int(can_detect[np.argmin(table.fa_per_hour[can_detect])])
        return [f"no set reaches {req.target_fa_per_hour:g} FA/h; the fewest is {table.fa_per_hour[best]:.1f} FA/h "
                f"({describe_set(table.sets[best], table.classes)})"]
    pset = table.sets[result.recommended]
    lines = [f"recommended for <= {req.target_fa_per_hour:g} FA/h: {describe_set(pset, table.classes)}"]
    if result.keyword_misses:  # not "nothing to change": --apply-to refuses it with this very sentence
        lines = [f"no setting to ship for <= {req.target_fa_per_hour:g} FA/h: {result.keyword_misses}",
                 f"  the fewest misses: {describe_set(pset, table.classes)}"]
    elif result.recommends_model_set:
        own = _own_name(result).removeprefix("the ")
        lines.append(f"  the {own}: no grid set does better, nothing to change "
                     "(--apply-to writes a copy of the model that keeps them)")
    lines.append("  " + _describe_figures(table.metrics(result.recommended)))
    lines.append("  reproduce: " + reproduce_command(result, pset))
    if result.recommended_spread is not None:
        lines.append("  " + describe_interval(result.recommended_spread.to_json()))
    words = result.false_accept_words(pset)[:TEXT_WORDS]
    if words:
        lines.append("  most false accepts: " + ", ".join(
            f"{w['detected']} on '{w['word']}' {w['false_accepts']}" for w in words))
    return lines


def _front_lines(result: CalibrationResult) -> list[str]:
    """At most about :data:`TEXT_FRONT_ROWS` rows of the front (evenly thinned, the ends, the recommended and
    the model's own kept), and a line saying where the rest are when rows are left out."""
    table, front = result.table, list(result.front)
    step = max(1, math.ceil(len(front) / TEXT_FRONT_ROWS))
    keep = set(front[::step]) | set(front[-1:]) | {result.recommended, result.model_index}
    shown = [i for i in front if i in keep]
    lines = ["Pareto front (FA/h -> FRR):"]
    for i in shown:
        marks = "".join(["  (model's own)" if i == result.model_index else "",
                         "" if i != result.recommended else
                         "  (fewest misses)" if result.keyword_misses else "  (recommended)"])
        lines.append(f"  {table.fa_per_hour[i]:8.1f} FA/h  FRR {table.frr[i] * PERCENT:5.1f} %  "
                     f"{describe_set(table.sets[i], table.classes)}{marks}")
    if len(shown) < len(front):
        added = result.model_set_added and result.model_index in front  # in the document, not a sweep.csv row
        also = f"the grid's in {SWEEP_NAME} too" if added else f"and {SWEEP_NAME}"
        lines.append(f"  {len(shown)} of {len(front)} Pareto sets shown; all are in {DOCUMENT_NAME} ({also})")
    return lines


def _audio_line(result: CalibrationResult) -> str:
    """What was replayed: the inferences counted over all of it, the stream's and the background's apart."""
    stream, backgrounds = result.stream, result.backgrounds
    text = f"model {result.model.name}: "
    stream_part = f"{audio_length(stream.duration_s)} of stream ({result.table.keywords} keywords)"
    if not backgrounds:
        return text + f"{stream.inferences:,} inferences every {stream.latency_ms} ms over {stream_part}"
    heard = sum(r.inferences for r in backgrounds)
    return (text + f"{stream.inferences + heard:,} inferences every {stream.latency_ms} ms: {stream.inferences:,} "
            f"over {stream_part} and {heard:,} over {audio_length(sum(r.duration_s for r in backgrounds))} of "
            "background audio")


def _figures_line(result: CalibrationResult) -> str:
    """The hours FA/h divides by and where latency starts (:mod:`workbench.calibration.sweep.matching`), said once."""
    audio = "stream (all of it, keywords included)" + (" and background audio" if result.backgrounds else "")
    return f"FA/h: false accepts per hour of {audio}; latency from each keyword's end"


def render_text(result: CalibrationResult) -> str:
    table, req = result.table, result.request
    lines = [_audio_line(result), f"{_sets_tried(result)}, tolerance {req.tolerance_s:g} s", _figures_line(result), ""]
    if result.model_metrics is not None:
        own_set = ParameterSet.from_settings(result.model_settings)
        lines += [f"{_own_name(result)}: " + describe_set(own_set, table.classes),
                  "  " + _describe_figures(result.model_metrics)]
        if result.model_never_detects:
            lines.append(f"  not recommended: {result.model_never_detects}")
    lines += _recommendation_lines(result)
    lines += ["", *_front_lines(result)]
    return "\n".join(lines) + "\n"
