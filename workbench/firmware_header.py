"""A model written as the C header firmware embeds: the one writer of ``kws export-c`` and of the window's
File ▸ Export for firmware (C header)….

Why one module for both: the header is the model's array (:mod:`workbench.core.model.c_array`) and what
integrating it takes (:mod:`workbench.core.model.c_integration`), with the arena size of the profiler's estimate,
which the core cannot import; composed in two places, the window's header and the command's would drift apart
(another arena figure, another array name), and firmware built from one would not match the other. Here a loaded
model and the file it came from give the same header wherever it is asked for, written atomically; the caller says
what was written and the warnings (:attr:`FirmwareHeader.warnings`) in its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.atomic_write import atomic_write_bytes
from workbench.core.errors import ModelError
from workbench.core.model.c_array import c_header, c_identifier, implementation_macro
from workbench.core.model.c_integration import ArenaEstimate, firmware_section
from workbench.core.model.model_file import ARCHIVE_SUFFIX, LoadedModel
from workbench.core.model.tflite_graph import ModelGraph
from workbench.profiler.accelerators import DEFAULT_ACCELERATOR
from workbench.profiler.device_limits import PROBLEM_PREFIX, graph_tflm_problem
from workbench.profiler.report import build_report

# what the output is named when it is the header it is; under another name (q.c, model.inc) it is written with a
# warning: compiled alone it defines no model array, and the link fails far from the export
HEADER_SUFFIXES = (".h", ".hpp", ".hh")


@dataclass(frozen=True)
class FirmwareHeader:
    """What was written: the header's path, the array's C name and the model's size in bytes, and the sentences
    the user must hear although the header was written (parameters it could not hold, a model the board cannot
    run, a name that is no header's)."""

    path: Path
    array_name: str
    model_bytes: int
    warnings: list[str] = field(default_factory=list)

    @property
    def implementation_macro(self) -> str:
        """The macro one firmware file defines before the include, so the array is in flash once."""
        return implementation_macro(self.array_name)


def model_file_name(path: Path) -> str:
    """The model's name as its file gives it, the array's default name: the stem, without the ``.mltk`` of an
    ``.mltk.zip`` archive (MLTK names it ``<model>.mltk.zip``; ``tflite_micro_speech_mltk`` is no model's name)."""
    if path.name.lower().endswith(ARCHIVE_SUFFIX):
        return path.name[:-len(ARCHIVE_SUFFIX)]
    return path.stem


def arena_estimate(graph: ModelGraph) -> ArenaEstimate:
    """The tensor arena ``kws profile`` estimates for ``graph``, with and without the MVP (its summary's RAM
    figures), for :data:`DEFAULT_ACCELERATOR`: the header's arena size is the profile's figure, not another."""
    summary = build_report(graph, accelerator=DEFAULT_ACCELERATOR).summary
    if summary is None:  # build_report always summarises a graph it takes
        raise ModelError("the profiler gave no summary of the model, so no arena size")
    return ArenaEstimate(DEFAULT_ACCELERATOR, mvp_bytes=summary.arena_bytes_mvp, cpu_bytes=summary.arena_bytes)


def write_firmware_header(model: LoadedModel, source: Path, output: Path,
                          array_name: str | None = None) -> FirmwareHeader:
    """Write ``model``, read from the file ``source``, as the header ``output`` (replaced atomically); the array is
    called ``array_name`` (checked by the caller), else after ``source``. WorkbenchError (one sentence naming the
    file) when it cannot be written: a missing or read-only folder, a full disk."""
    name = c_identifier(model_file_name(source) if array_name is None else array_name)
    section = firmware_section(name, model, arena_estimate(model.graph))
    text = c_header(model.tflite, name, model.params, source.name, header_name=output.name,
                    integration=section.lines)
    atomic_write_bytes(output, text.encode("utf-8"), clean_stale=True)
    warnings = []
    if output.suffix.lower() not in HEADER_SUFFIXES:
        warnings.append(f"{output} is a header, not a source file: compiled alone it defines no model array; "
                        f"include it, and define {implementation_macro(name)} in one file before the include")
    warnings += section.problems
    problem = graph_tflm_problem(model.graph)  # (written all the same: the firmware may be one's own, with the kernel)
    if problem:
        warnings.append(f"the board cannot run {source.name}: {problem.removeprefix(PROBLEM_PREFIX)}")
    return FirmwareHeader(output, name, len(model.tflite), warnings)
