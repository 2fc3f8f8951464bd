"""One augmentation preview: the run's plan, the first epoch's samples, each written as WAV, PNG and index row.

Why through the training's own steps: the spec and ``--set`` are resolved, the datasets scanned, planned and
weighted by the functions :mod:`workbench.training.run.pipeline` runs (imported, not repeated: a preview planned by
other rules would show other data), and every sample is made by the training's
:class:`~workbench.training.data.features.SampleRenderer` from its position in the epoch's sample list -- the same
random generator, noise files, trimming and frontend. The WAV is the 1 s window the model's spectrogram is cut from,
the PNG that spectrogram as the model gets it (masks set), the index row the values drawn
(:mod:`.preview_index`); ``preview.json`` records what was previewed (:mod:`.preview_record`), and one line says so
when ``OUT`` holds a run of another spec or other datasets. Nothing is trained and nothing else is written: no
TensorFlow is imported.

Why an interrupt stops between samples and still writes the index: a preview of thousands of samples is stopped
with Ctrl+C (or the GUI's Cancel, or SIGTERM) once enough were heard, and what was made is worth keeping. While the
samples are written, the caller's :class:`~workbench.training.run.cancel.CancelToken` takes those signals; the
preview ends after the sample it is writing, ``index.csv`` lists the samples written so far and ``preview.json``
counts them. A second Ctrl+C (KeyboardInterrupt) ends it at once but the same way, the half-written sample's files
removed. Before the samples (the scan, the plan) nothing is written and Ctrl+C ends the command as any other.

The samples are rendered in this process, one after another: a preview is a few dozen samples, and the spectrogram
workers' start would cost more than it saves.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.audio.audio_file import wav_bytes
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.core.wording import counted
from workbench.training.data.features import FeatureSettings, SampleRenderer
from workbench.training.data.sample_plan import Sample
from workbench.training.preview.preview_folder import INDEX_FILE, RECORD_FILE, PreviewFolder
from workbench.training.preview.preview_index import PreviewSample, index_csv
from workbench.training.preview.preview_record import PreviewCounts, beside_run_line, preview_record
from workbench.training.preview.preview_samples import PREVIEW_EPOCH, epoch_order, epoch_samples, preview_choice
from workbench.training.preview.spectrogram_png import spectrogram_png
from workbench.training.run.cancel import CancelToken
from workbench.training.run.output_folder import file_stem
from workbench.training.run.pipeline import planned_samples, resolve_spec
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import TrainRequest

PHASE = "preview"  # the progress events' phase
CANCELLED_PHASE = "cancelled"  # the phase of an interrupted preview's end event, as of a stopped training's
GENERATED_STEM = "generated"  # the <clip> of a generated silence sample's file names
WAV_SUFFIX, PNG_SUFFIX = ".wav", ".png"
MIN_SAMPLES = 1


@dataclass
class PreviewOutcome:
    folder: Path  # OUT/augmentation-preview
    samples: list[PreviewSample]
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # clips that could not be read, and why
    chosen: int = 0  # the samples it set out to write
    interrupted: bool = False  # stopped (Ctrl+C, SIGTERM) before all ``chosen`` were written

    def interrupted_text(self) -> str:
        """``interrupted: 589 of 786 samples written to DIR (index.csv lists them)``."""
        return (f"interrupted: {len(self.samples)} of {counted(self.chosen, 'sample')} written to {self.folder} "
                f"({INDEX_FILE} lists them)")

    def file_names(self) -> set[str]:
        return {name for sample in self.samples for name in (sample.audio, sample.spectrogram)}


def sample_stem(number: int, width: int, class_name: str, source: Path | None) -> str:
    """``<n>_<class>_<clip stem>`` (``n`` zero-padded to ``width`` digits, so the files sort as numbered)."""
    clip = GENERATED_STEM if source is None else source.stem
    return file_stem(f"{number:0{width}d}_{class_name}_{clip}")


def _counts_text(classes: tuple[str, ...], labels: list[int]) -> str:
    counts = Counter(labels)
    return ", ".join(f"{name} {counts.get(label, 0)}" for label, name in enumerate(classes))


def run_preview(request: TrainRequest, count: int, progress: Progress,
                cancel: CancelToken | None = None) -> PreviewOutcome:
    """Write ``count`` samples of the run ``request`` describes into ``OUT/augmentation-preview`` (module
    docstring); the run's datasets are read, nothing is trained. ``cancel`` is installed (takes Ctrl+C and SIGTERM)
    while the samples are written, and stops the preview between two of them."""
    if count < MIN_SAMPLES:
        raise SettingsError(f"--preview-augmentation must be at least {MIN_SAMPLES}, not {count}.")
    spec = resolve_spec(request)
    folder = PreviewFolder(request.out)
    folder.check()  # said before the scan, not after it
    beside = beside_run_line(request.out, request, spec)
    if beside:
        progress.warn(PHASE, beside)
    progress.info("scan", f"spec {spec.name}: classes {', '.join(spec.classes)}; previewing its augmentation, "
                          "no training")
    _index, plan = planned_samples(request, spec, progress)
    seed = spec.training.seed
    samples = epoch_samples(plan, spec.data, seed, PREVIEW_EPOCH)
    chosen = preview_choice(samples, epoch_order(seed, PREVIEW_EPOCH, len(samples)), count)
    progress.info("plan", f"training: {_counts_text(plan.classes, [s.label for s in samples])}")
    progress.info("plan", f"preview: {_counts_text(plan.classes, [samples[i].label for i in chosen])} (the first "
                          f"of each class in epoch {PREVIEW_EPOCH}'s order)")
    renderer = SampleRenderer(FeatureSettings.for_plan(spec, plan))
    outcome = PreviewOutcome(folder.path, [], chosen=len(chosen))
    with cancel if cancel is not None else contextlib.nullcontext(), folder:
        _write_samples(folder, renderer, plan.classes, samples, chosen, progress, outcome, cancel)
        folder.write_text(INDEX_FILE, index_csv(outcome.samples, renderer))
        counts = PreviewCounts(count, len(chosen), len(outcome.samples), outcome.interrupted)
        folder.write_text(RECORD_FILE, preview_record(request, spec, counts))
    if outcome.interrupted:
        progress.emit(CANCELLED_PHASE, "end", folder=str(folder.path), message=outcome.interrupted_text())
    else:
        progress.emit(PHASE, "end", folder=str(folder.path),
                      message=f"wrote {counted(len(outcome.samples), 'augmented sample')} (WAV and spectrogram PNG "
                              f"each) and {INDEX_FILE} to {folder.path}")
    return outcome


def _write_samples(folder: PreviewFolder, renderer: SampleRenderer, classes: tuple[str, ...], samples: list[Sample],
                   chosen: list[int], progress: Progress, outcome: PreviewOutcome, cancel: CancelToken | None) -> None:
    """Render and write the ``chosen`` samples in turn into ``outcome`` until all are written or an interrupt stops
    them (module docstring); a clip that cannot be read is skipped, as training skips it."""
    width = len(str(len(chosen)))
    rate = int(renderer.settings.frontend.sample_rate_hz)
    progress.emit(PHASE, "start", message=f"rendering {counted(len(chosen), 'sample')} of epoch {PREVIEW_EPOCH}")
    try:
        for done, index in enumerate(chosen, start=1):
            if cancel is not None and cancel.is_set():
                outcome.interrupted = True
                return
            sample = samples[index]
            try:
                made = renderer.rendered(index, sample.path, PREVIEW_EPOCH)
            except WorkbenchError as exc:
                outcome.skipped.append((Path(str(sample.path)), str(exc)))
                progress.warn(PHASE, f"skipped {sample.path}: {exc}")
                continue
            number = len(outcome.samples) + 1
            stem = sample_stem(number, width, classes[sample.label], sample.path)
            folder.write_bytes(stem + WAV_SUFFIX, wav_bytes(made.audio, rate))
            folder.write_bytes(stem + PNG_SUFFIX, spectrogram_png(made.spectrogram))
            outcome.samples.append(PreviewSample(number, stem + WAV_SUFFIX, stem + PNG_SUFFIX, classes[sample.label],
                                                 sample.path, made.transform))
            progress.emit(PHASE, "progress", done=done, total=len(chosen))
    except KeyboardInterrupt:  # stop now, yet as a stop between samples: the one cut short goes
        outcome.interrupted = True
        folder.keep_only(outcome.file_names())
