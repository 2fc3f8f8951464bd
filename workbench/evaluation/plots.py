"""ROC, precision-recall and confusion-matrix PNGs of an evaluation (MLTK's file names).

Why matplotlib is imported inside the function: it is only needed when PNGs are written, and loading it
costs ~0.5 s and memory the CLI and GUI should not pay otherwise. The figures are drawn on an Agg canvas
directly (no ``pyplot``): no global backend is switched, so this is safe inside the Qt GUI process too.
Files: ``<model>-roc.png``, ``<model>-precision_vs_recall.png``, ``<model>-confusion_matrix.png``; they are
rendered to bytes here and written by :func:`workbench.evaluation.report.write_report` with the rest of the
report, as one set.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np

from workbench.core.errors import WorkbenchError
from workbench.evaluation.evaluate import EvaluationResult
from workbench.run_folder_layout import EVAL_PLOT_SUFFIXES

DPI = 100
CURVE_SIZE_IN = (8.0, 6.5)
MATRIX_SIZE_IN = (6.5, 6.0)
PERCENT = 100.0
_SAFE_NAME = re.compile(r"[^\w.-]+")
_DARK_CELL = 0.5  # cells darker than half the colour scale get white text


def _legend_name(label: str) -> str:
    """matplotlib hides legend entries whose label starts with "_": show _unknown_ as "unknown"."""
    return label.strip("_") or label


def _figure(size: tuple[float, float]) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise WorkbenchError("Writing plots needs matplotlib: pip install matplotlib "
                             "(or evaluate without plots).") from None
    figure = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Any) -> bytes:
    buf = io.BytesIO()
    figure.savefig(buf, format="png")
    return buf.getvalue()


def _roc(result: EvaluationResult) -> bytes:
    m = result.metrics
    figure = _figure(CURVE_SIZE_IN)
    ax = figure.add_subplot()
    for i, name in enumerate(result.classes):
        auc = m.roc_auc[i]
        if auc is None:  # no curve: the class has no clips (or nothing else had)
            ax.plot([], [], " ", label=f"{_legend_name(name)}: AUC n/a")
        else:
            ax.plot(m.fpr[i], m.tpr[i], label=f"{_legend_name(name)}: AUC {auc:.4f}")
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", linewidth=1)
    average = "n/a" if m.roc_auc_avg is None else f"{m.roc_auc_avg:.4f}"
    ax.plot([], [], " ", label=f"average AUC {average}")
    ax.set(xlim=(0.0, 1.0), ylim=(0.0, 1.01), xlabel="False positive rate", ylabel="True positive rate",
           title=f"ROC (one class vs the rest): {result.name}")
    ax.grid(True, alpha=0.4)
    ax.legend(loc="lower right")
    figure.tight_layout()
    return _png(figure)


def _precision_recall(result: EvaluationResult) -> bytes:
    m = result.metrics
    figure = _figure(CURVE_SIZE_IN)
    ax = figure.add_subplot()
    for i, name in enumerate(result.classes):
        ax.plot(m.recall[i], m.precision[i], label=_legend_name(name))
    ax.set(xlim=(0.0, 1.0), ylim=(0.0, 1.01), xlabel="Recall", ylabel="Precision",
           title=f"Precision vs recall: {result.name}")
    ax.grid(True, alpha=0.4)
    ax.legend(loc="lower left")
    figure.tight_layout()
    return _png(figure)


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
    figure.tight_layout()
    return _png(figure)


def is_plot_name(name: str) -> bool:
    """True for a file name an evaluation's PNGs may have (any model's): what a new report replaces."""
    return any(name.endswith(suffix) and len(name) > len(suffix) for suffix in EVAL_PLOT_SUFFIXES)


def plot_pngs(result: EvaluationResult, folder: str | Path) -> dict[Path, bytes]:
    """The three PNGs, by their paths in ``folder``."""
    folder = Path(folder)
    stem = _SAFE_NAME.sub("_", result.name) or "model"
    roc, pr, confusion = (folder / f"{stem}{suffix}" for suffix in EVAL_PLOT_SUFFIXES)
    return {roc: _roc(result), pr: _precision_recall(result), confusion: _confusion(result)}
