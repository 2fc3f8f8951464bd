"""ROC, precision-recall and confusion-matrix PNGs of an evaluation (MLTK's file names).

Why matplotlib is imported inside the function: it is only needed when PNGs are written, and loading it
costs ~0.5 s and memory the CLI and GUI should not pay otherwise. The figures are drawn on an Agg canvas
directly (no ``pyplot``): no global backend is switched, so this is safe inside the Qt GUI process too.
Files: ``<model>-roc.png``, ``<model>-precision_vs_recall.png``, ``<model>-confusion_matrix.png``; they are
rendered to bytes here and written by :func:`workbench.evaluation.report.write_report` with the rest of the
report, as one set. Without matplotlib, :class:`~workbench.plot_advice.PlotUnavailable` says how to get it
(:mod:`workbench.plot_advice`) and the report is written without its PNGs (:func:`plot_paths` names them).

A class whose curve does not exist (its metrics hold None: no clips of it, or for the ROC none of the others)
gets a legend entry saying "n/a" and no line, never a made-up one; it still takes its turn in the colour
cycle, so every class has the same colour in both curve plots. The confusion matrix keeps its row.

The ROC legend gives MLTK's AUC and the exact one (:mod:`.metrics`), and every plot of a model whose negative-word
classes were counted as ``_unknown_`` says so below it (a PNG travels without the text report).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np

from workbench.plot_advice import plot_unavailable
from workbench.evaluation.evaluate import EvaluationResult
from workbench.evaluation.metrics import MLTK_AUC
from workbench.run_folder_layout import EVAL_PLOT_SUFFIXES

DPI = 100
CURVE_SIZE_IN = (8.0, 6.5)
MATRIX_SIZE_IN = (6.5, 6.0)
PERCENT = 100.0
_SAFE_NAME = re.compile(r"[^\w.-]+")
_DARK_CELL = 0.5  # cells darker than half the colour scale get white text
PLOTS = "the ROC, precision-recall and confusion matrix plots"  # what needs matplotlib, in its error
NOTE_FONT_PT = 8
NOTE_SPACE = 0.05  # the share of the figure's height below the plot kept for the folding note


def _legend_name(label: str) -> str:
    """matplotlib hides legend entries whose label starts with "_": show _unknown_ as "unknown"."""
    return label.strip("_") or label


def _figure(size: tuple[float, float]) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise plot_unavailable(PLOTS) from None
    figure = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _lay_out(figure: Any, result: EvaluationResult) -> None:
    """Fit the plot to the figure, leaving a line below it for the sentence on folded classes when there is one."""
    note = result.folding_note
    if note is None:
        figure.tight_layout()
        return
    figure.text(0.5, NOTE_SPACE / 2, note, ha="center", va="center", fontsize=NOTE_FONT_PT, wrap=True)
    figure.tight_layout(rect=(0.0, NOTE_SPACE, 1.0, 1.0))


def _auc_pair(mltk: float | None, exact: float | None) -> str:
    """``0.9712 (MLTK), exact 0.9730``, or ``n/a``."""
    if mltk is None or exact is None:
        return "n/a"
    return f"{mltk:.4f} (MLTK), exact {exact:.4f}"


def _png(figure: Any) -> bytes:
    buf = io.BytesIO()
    figure.savefig(buf, format="png")
    return buf.getvalue()


def _no_curve(ax: Any, label: str) -> None:
    """A legend entry without a line (and the class's turn in the colour cycle), for a curve that does not
    exist."""
    ax.plot([], [], " ", label=label)


def roc_figure(result: EvaluationResult) -> Any:
    """The ROC plot as a matplotlib Figure (public so its lines can be checked before it becomes pixels)."""
    m = result.metrics
    figure = _figure(CURVE_SIZE_IN)
    ax = figure.add_subplot()
    for i, name in enumerate(result.classes):
        auc, fpr, tpr = _auc_pair(m.roc_auc[i], m.roc_auc_exact[i]), m.fpr[i], m.tpr[i]
        if fpr is None or tpr is None:  # no curve: the class has no clips (or nothing else had)
            _no_curve(ax, f"{_legend_name(name)}: AUC {auc}")
        else:
            ax.plot(fpr, tpr, label=f"{_legend_name(name)}: AUC {auc}")
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", linewidth=1)
    _no_curve(ax, f"average AUC {_auc_pair(m.roc_auc_avg, m.roc_auc_exact_avg)}")
    ax.set(xlim=(0.0, 1.0), ylim=(0.0, 1.01), xlabel="False positive rate", ylabel="True positive rate",
           title=f"ROC (one class vs the rest): {result.name}\nAUC ({MLTK_AUC}), then exact AUC (ties count half)")
    ax.grid(True, alpha=0.4)
    ax.legend(loc="lower right")
    _lay_out(figure, result)
    return figure


def precision_recall_figure(result: EvaluationResult) -> Any:
    """The precision-recall plot as a matplotlib Figure (public for the same reason as :func:`roc_figure`)."""
    m = result.metrics
    figure = _figure(CURVE_SIZE_IN)
    ax = figure.add_subplot()
    for i, name in enumerate(result.classes):
        recall, precision = m.recall[i], m.precision[i]
        if recall is None or precision is None:  # no clips of the class: its recall divides by zero
            _no_curve(ax, f"{_legend_name(name)}: n/a (no clips)")
        else:
            ax.plot(recall, precision, label=_legend_name(name))
    ax.set(xlim=(0.0, 1.0), ylim=(0.0, 1.01), xlabel="Recall", ylabel="Precision",
           title=f"Precision vs recall: {result.name}")
    ax.grid(True, alpha=0.4)
    ax.legend(loc="lower left")
    _lay_out(figure, result)
    return figure


def _confusion(result: EvaluationResult) -> bytes:
    cm = np.asarray(result.metrics.confusion_matrix, dtype=np.float64)
    rows = cm.sum(axis=1, keepdims=True)
    share = np.divide(cm, rows, out=np.zeros_like(cm), where=rows > 0)
    figure = _figure(MATRIX_SIZE_IN)
    ax = figure.add_subplot()
    ax.imshow(share, cmap="Blues", vmin=0.0, vmax=1.0)
    n = len(result.classes)
    ax.set_xticks(range(n), result.classes, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), result.classes)
    for i in range(n):
        for j in range(n):
            colour = "white" if share[i, j] > _DARK_CELL else "black"
            ax.text(j, i, f"{int(cm[i, j])}\n{share[i, j] * PERCENT:.1f}%", ha="center", va="center",
                    color=colour, fontsize=9)
    ax.set(xlabel="Predicted class", ylabel="True class",
           title=f"Confusion matrix: {result.name}\nbalanced accuracy {result.metrics.balanced_accuracy:.1%}")
    _lay_out(figure, result)
    return _png(figure)


def is_plot_name(name: str) -> bool:
    """True for a file name an evaluation's PNGs may have (any model's): what a new report replaces."""
    return any(name.endswith(suffix) and len(name) > len(suffix) for suffix in EVAL_PLOT_SUFFIXES)


def plot_paths(result: EvaluationResult, folder: str | Path) -> list[Path]:
    """Where the three PNGs go in ``folder`` (ROC, precision-recall, confusion matrix); no matplotlib needed, so
    a report written without them can name them."""
    stem = _SAFE_NAME.sub("_", result.name) or "model"
    return [Path(folder) / f"{stem}{suffix}" for suffix in EVAL_PLOT_SUFFIXES]


def plot_pngs(result: EvaluationResult, folder: str | Path) -> dict[Path, bytes]:
    """The three PNGs, by their paths in ``folder``; :class:`~workbench.plot_advice.PlotUnavailable`
    without matplotlib."""
    roc, pr, confusion = plot_paths(result, folder)
    return {roc: _png(roc_figure(result)), pr: _png(precision_recall_figure(result)), confusion: _confusion(result)}
