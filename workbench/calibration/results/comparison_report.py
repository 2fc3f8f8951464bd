"""Several models calibrated on one stream, side by side: each at its recommended set, the paired difference from
the first model, and the parameters behind each one's figures (the text report's last part, the GUI's lines).

Why apart from :mod:`.report`: the single calibration's document and text are one job; reading a document's
``compared`` entries (also the GUI's, from a saved report) is another.
"""

from __future__ import annotations

from typing import Any, Sequence

from workbench.calibration.calibration_run import CalibrationResult
from workbench.calibration.results.model_labels import model_labels
from workbench.calibration.results.report import PERCENT, calibration_document, describe_set, reproduce_command
from workbench.datasets.speaker_bootstrap import interval_side


def _comparison_figures(entry: dict[str, Any]) -> str:
    recommended, own = entry.get("recommended"), entry.get("model_parameters")
    if recommended is None:
        text = "no set reaches the target"
    else:
        text = f"FRR {recommended['frr'] * PERCENT:5.1f} % at {recommended['fa_per_hour']:6.1f} FA/h"
        spread = recommended.get("speaker_interval")
        if spread:
            text += f" (speakers: {spread['frr'][0] * PERCENT:.1f}–{spread['frr'][1] * PERCENT:.1f} %)"
    if own is not None:
        text += f"; own parameters FRR {own['frr'] * PERCENT:.1f} % at {own['fa_per_hour']:.1f} FA/h"
    return text


def comparison_lines(document: dict[str, Any]) -> list[str]:
    """The models of a document side by side at their recommended sets, and whether each differs from the
    first by more than the stream's speakers could account for (a paired speaker bootstrap). Empty without
    compared models. The GUI shows the same lines."""
    compared = document.get("compared") or []
    if not compared:
        return []
    everyone = [document, *compared]
    main, *others = document_labels(document)
    width = max(len(label) for label in (main, *others))
    lines = [f"compared on the same stream, each at its recommended set for <= {document['target_fa_per_hour']:g} "
             "FA/h:"]
    lines += [f"  {label:<{width}}  {_comparison_figures(e)}" for label, e in zip((main, *others), everyone)]
    differences = [(label, e["difference"]) for label, e in zip(others, compared) if e.get("difference")]
    if differences:
        lines.append(f"  FRR against {main} (paired 95 % interval: the same speakers redrawn for both):")
    for name, difference in differences:
        text = f"    {name:<{width}}  {difference['frr'] * PERCENT:+5.1f} points"
        paired = difference.get("speaker_interval")
        if paired:
            text += f" {_paired_verdict(paired)}"
        lines.append(text)
    return lines


_FRR_VERDICTS = {-1: "fewer misses", 1: "more misses", 0: "within what the speakers alone could change"}


def _paired_verdict(paired: dict[str, Any]) -> str:
    low, high = (v * PERCENT for v in paired["frr"])
    return f"({low:+.1f} to {high:+.1f}): {_FRR_VERDICTS[interval_side(paired['frr'])]}"


def document_labels(document: dict[str, Any]) -> list[str]:
    """The names of a document's models, the first model's first (:func:`.model_labels.model_labels`)."""
    entries = [document, *(document.get("compared") or [])]
    return model_labels([(e["model"]["name"], e["model"].get("file", "")) for e in entries])


def describe_compared(entry: dict[str, Any], main: str, label: str = "") -> str:
    """One sentence for a compared model of a document (the GUI's status column); ``label``: what to call it
    (:func:`document_labels`; its own name when not given), ``main``: what to call the first model."""
    text = f"{label or entry['model']['name']}: "
    recommended, difference = entry.get("recommended"), entry.get("difference")
    if recommended is None:
        return text + "no set reaches the target"
    text += f"FRR {recommended['frr'] * PERCENT:.1f} % at {recommended['fa_per_hour']:.1f} FA/h"
    if difference:
        text += f", {difference['frr'] * PERCENT:+.1f} points against {main}"
        if difference.get("speaker_interval"):
            text += f" {_paired_verdict(difference['speaker_interval'])}"
    return text


def _compared_settings_lines(compared: Sequence[CalibrationResult], labels: Sequence[str]) -> list[str]:
    """The parameters behind each compared model's figures, with the ``kws detect`` line that gives them again
    (as the first model's recommendation has): figures alone cannot be shipped or checked."""
    lines = ["  the compared models' recommended sets:"]
    for other, label in zip(compared, labels):
        if other.recommended is None:
            continue
        pset = other.table.sets[other.recommended]
        lines += [f"    {label}: {describe_set(pset, other.table.classes)}",
                  f"      reproduce: {reproduce_command(other, pset)}"]
    return lines if len(lines) > 1 else []


def render_comparison(result: CalibrationResult, compared: Sequence[CalibrationResult]) -> str:
    """:func:`comparison_lines` for results and the compared models' settings (the text report's last part)."""
    document = calibration_document(result, None, compared)
    lines = comparison_lines(document) if compared else []
    lines += _compared_settings_lines(compared, document_labels(document)[1:]) if lines else []
    return "\n" + "\n".join(lines) + "\n" if lines else ""
