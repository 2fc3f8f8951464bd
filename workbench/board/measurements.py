"""Saved board measurements: one JSON file per profiling run, in the user data folder.

Why keep them: each run on a real board is a data point the cycle estimator can learn from (see
:mod:`workbench.profiler.refit`); saving them makes that possible without re-running boards. A file
holds the whole ``kws board profile --format json`` document (estimate and measurement side by side,
the firmware's log in the summary) plus when, on what, and for which model (SHA-256 of the flatbuffer),
so a measurement can always be traced and re-checked. Files are written atomically; unreadable files
in the folder are reported, never fatal. A measurement that lacks a figure or has an impossible one
(:func:`~workbench.profiler.refit_checks.measurement_problem`) is refused when saved and reported, not
loaded, when found: the refit must never learn from it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workbench.core.atomic_write import atomic_write_text
from workbench.core.errors import WorkbenchError
from workbench.profiler.refit_checks import RUN_AGAIN, measurement_problem
from workbench.profiler.report import ProfileReport

APP_NAME = "kws-workbench"
FORMAT_VERSION = 1
KIND = "kws-board-measurement"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def default_store_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "board-measurements"


@dataclass(frozen=True)
class SavedMeasurement:
    path: Path
    created: str
    model_name: str
    model_sha256: str
    platform: str | None
    accelerator: str
    report: dict[str, Any]  # the profile document: {"layers": [...], "summary": {...}}


class MeasurementStore:
    """The folder of saved measurements (default: ``<user data>/kws-workbench/board-measurements``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_store_dir()

    def require_measurements(self, measurements: int, what: str) -> None:
        """WorkbenchError naming ``what`` (the option or command) when a refit rests on no measurement at all.

        Why: an estimate scaled by nothing is the plain estimate, and must never be shown as "refit".
        """
        if measurements == 0:
            raise WorkbenchError(f"{what} needs saved board measurements and {self.root} has none; "
                                 "measure one with `kws board profile MODEL --save`")

    def save(self, report: ProfileReport, tflite: bytes) -> Path:
        """Store a measured report; returns the file written."""
        summary = report.summary
        if summary is None or summary.measured is None:
            raise WorkbenchError("Only a profile measured on a board can be saved as a measurement.")
        problem = measurement_problem(report.to_dict())
        if problem is not None:
            raise WorkbenchError(f"The measurement was not saved, as the refit must not learn from it: {problem}; "
                                 f"{RUN_AGAIN}.")
        now = datetime.now(timezone.utc)
        sha = hashlib.sha256(tflite).hexdigest()
        document = {"kind": KIND, "version": FORMAT_VERSION, "created": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "model_name": summary.name, "model_sha256": sha, "platform": summary.measured.platform,
                    "accelerator": summary.accelerator, "report": report.to_dict()}
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkbenchError(f"Cannot create {self.root}: {exc.strerror or exc}.") from None
        stem = _SAFE.sub("_", f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{summary.name or 'model'}-"
                              f"{summary.measured.platform or 'board'}-{summary.accelerator}")
        return atomic_write_text(self.root / f"{stem}.json", json.dumps(document, indent=1) + "\n")

    def load(self) -> tuple[list[SavedMeasurement], list[str]]:
        """Every readable measurement (oldest first) and one message per file that could not be read."""
        if not self.root.is_dir():
            return [], []
        found: list[SavedMeasurement] = []
        problems: list[str] = []
        for path in sorted(self.root.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("kind") != KIND or not isinstance(data.get("report"), dict):
                    raise ValueError("not a board measurement")
                problem = measurement_problem(data["report"])
                if problem is not None:
                    raise ValueError(f"not used, as {problem}")
                found.append(SavedMeasurement(path, str(data.get("created", "")), str(data.get("model_name", "")),
                                              str(data.get("model_sha256", "")), data.get("platform"),
                                              str(data.get("accelerator", "")), data["report"]))
            except (OSError, ValueError, AttributeError, TypeError) as exc:
                problems.append(f"{path.name}: {exc}")
        return found, problems
