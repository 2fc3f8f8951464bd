"""An augmentation preview's ``index.csv`` read back for the window: each sample's files, class, clip and, in a few
words, the transforms that changed it.

Why its own reader, and Qt-free: the GUI may not import the training package that writes the index (an
import-linter contract), so the columns it needs are named here (a test holds them to the writer's); and what a row
says in words is plain text, testable without a window. A transform that changed nothing (loudness 1, speed 1,
pitch 0, an empty cell) is left out of the short words; every value is in :attr:`PreviewRow.details`. The preview's
``preview.json`` gives the name of the spec it is of and its counts (:func:`read_preview_record`).

Why an interrupted preview is checked before it is shown (:func:`check_complete`): ``kws train
--preview-augmentation`` stopped by Ctrl+C (the window's Cancel) still writes an index of the samples it finished
and a record that counts them as written and says it was interrupted, so what was made can be heard. A folder
whose index lists another number of samples than its record, or a sample whose WAV or PNG is missing, is not that
consistent folder, and is not shown as one.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.audio.decibels import DB_PER_AMPLITUDE_DECADE
from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted

PREVIEW_DIR = "augmentation-preview"  # where kws train --preview-augmentation writes into its --out folder
INDEX_FILE = "index.csv"
RECORD_FILE, RECORD_SPEC = "preview.json", "spec"  # what the preview is of, and its key of the spec's name
# the record's keys of the samples it set out to write, of those written, and of whether an interrupt ended it first
RECORD_CHOSEN, RECORD_WRITTEN, RECORD_INTERRUPTED = "chosen", "written", "interrupted"
NUMBER, AUDIO, SPECTROGRAM, CLASS, SOURCE = "n", "audio", "spectrogram", "class", "source"
REQUIRED_COLUMNS = (NUMBER, AUDIO, SPECTROGRAM, CLASS, SOURCE)
OFFSET, NOISE, NOISE_FACTOR = "offset", "noise", "noise_factor"
LOUDNESS, SPEED, PITCH = "loudness", "speed", "pitch_semitones"
MASKS, CONTEXT, HISTORY = "masks", "context", "history"
LIST_SEPARATOR = ";"  # between the masks (or the neighbours) of one sample
GENERATED_CLIP = "generated silence"  # the clip of a sample with no source: silence the plan generated
NO_TRANSFORM = "none"
UNCHANGED = {SPEED: 1.0, PITCH: 0.0, OFFSET: 0.0}
DECIMALS, DB_DECIMALS = 2, 1  # how the short words show a factor or offset, and a gain


class PreviewIndexError(WorkbenchError):
    """The preview's index cannot be read (one sentence)."""


@dataclass(frozen=True)
class PreviewRow:
    """One previewed sample: its number, class, clip (None: generated silence), files and every index value."""

    number: int
    class_name: str
    source: Path | None
    audio: Path
    spectrogram: Path
    values: dict[str, str] = field(default_factory=dict)

    @property
    def clip_name(self) -> str:
        """``word/file.wav``: the clip as the dataset's layout names it."""
        return GENERATED_CLIP if self.source is None else f"{self.source.parent.name}/{self.source.name}"

    @property
    def transforms(self) -> str:
        """What the augmentation did to this sample, in short words (:func:`transform_words`)."""
        return transform_words(self.values)

    @property
    def details(self) -> str:
        """Every value the index holds for this sample, one ``name: value`` per line (empty ones left out)."""
        return "\n".join(f"{name}: {value}" for name, value in self.values.items() if value)


def _number(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _changed(values: dict[str, str], name: str, decimals: int = DECIMALS) -> float | None:
    """The value of ``name`` when it is a number that differs from the unchanged one as shown (to ``decimals``:
    a pitch of -0.003 semitones is no "pitch -0.00"), else None."""
    value = _number(values.get(name))
    return None if value is None or round(value, decimals) == round(UNCHANGED[name], decimals) else value


def _items(text: str | None) -> list[str]:
    return [item.strip() for item in (text or "").split(LIST_SEPARATOR) if item.strip()]


def transform_words(values: dict[str, str]) -> str:
    """``offset 0.44, pink_noise 0.22, gain -2.1 dB, speed x1.05, pitch +1.25 st, 3 masks`` -- the transforms that
    changed the sample, in the order the training applies them (a noise file is named by its stem, "noise" before
    it unless the name says so); ``none`` when none did."""
    words = []
    if (offset := _changed(values, OFFSET)) is not None:
        words.append(f"offset {offset:.{DECIMALS}f}")
    factor = _number(values.get(NOISE_FACTOR))
    if values.get(NOISE) and factor:
        name = Path(values[NOISE]).stem
        words.append(f"{name if NOISE in name.lower() else f'{NOISE} {name}'} {factor:.{DECIMALS}f}")
    loudness = _number(values.get(LOUDNESS))
    gain_db = DB_PER_AMPLITUDE_DECADE * math.log10(loudness) if loudness is not None and loudness > 0 else None
    if loudness is not None and loudness <= 0:
        words.append("silenced")
    elif gain_db is not None and round(gain_db, DB_DECIMALS) != 0:
        words.append(f"gain {gain_db:+.{DB_DECIMALS}f} dB")
    if (speed := _changed(values, SPEED)) is not None:
        words.append(f"speed x{speed:.{DECIMALS}f}")
    if (pitch := _changed(values, PITCH)) is not None:
        words.append(f"pitch {pitch:+.{DECIMALS}f} st")
    if masks := _items(values.get(MASKS)):
        words.append(counted(len(masks), "mask"))
    if neighbours := _items(values.get(CONTEXT)):
        words.append("context " + " and ".join(neighbour.split()[0] for neighbour in neighbours))
    if values.get(HISTORY):
        words.append("history")
    return ", ".join(words) or NO_TRANSFORM


def _row(folder: Path, values: dict[str, str], row: int) -> PreviewRow:
    number = values.get(NUMBER, "")
    if not number.isdigit() or not values.get(AUDIO) or not values.get(SPECTROGRAM):
        raise PreviewIndexError(f"Row {row} of {folder / INDEX_FILE} names no sample (its n, audio or spectrogram "
                                "is missing).")
    source = values.get(SOURCE) or ""
    return PreviewRow(int(number), values.get(CLASS, ""), Path(source) if source else None,
                      folder / values[AUDIO], folder / values[SPECTROGRAM], dict(values))


def read_preview_index(folder: Path) -> list[PreviewRow]:
    """The samples of the preview in ``folder`` (``OUT/augmentation-preview``), in the index's order;
    PreviewIndexError, one sentence, when its index is missing, unreadable or not a preview's."""
    path = Path(folder) / INDEX_FILE
    try:
        with path.open(newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            missing = [name for name in REQUIRED_COLUMNS if name not in (reader.fieldnames or ())]
            if missing:
                raise PreviewIndexError(f"{path} is not an augmentation preview's index: it has no "
                                        f"{', '.join(missing)} column.")
            return [_row(Path(folder), {k: v or "" for k, v in values.items() if k is not None}, row)
                    for row, values in enumerate(reader, start=1)]
    except FileNotFoundError:
        raise PreviewIndexError(f"The augmentation preview wrote no {INDEX_FILE} into {folder}.") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise PreviewIndexError(f"Cannot read {path}: {reason}.") from exc


@dataclass(frozen=True)
class PreviewRecord:
    """What a preview's ``preview.json`` says: the spec's name ("" when unknown), the samples it set out to write
    and those written (None when not said), and whether an interrupt ended it before all were written."""

    spec: str = ""
    chosen: int | None = None
    written: int | None = None
    interrupted: bool = False


def _count(record: dict[str, object], key: str) -> int | None:
    value = record.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def read_preview_record(folder: Path) -> PreviewRecord:
    """The record of the preview in ``folder``; an empty one when its ``preview.json`` is missing (a preview of an
    earlier version) or cannot be read: a whole preview's samples are shown all the same."""
    try:
        record = json.loads((Path(folder) / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return PreviewRecord()
    if not isinstance(record, dict):
        return PreviewRecord()
    name = record.get(RECORD_SPEC)
    return PreviewRecord(name if isinstance(name, str) else "", _count(record, RECORD_CHOSEN),
                         _count(record, RECORD_WRITTEN), record.get(RECORD_INTERRUPTED) is True)


def preview_spec(folder: Path) -> str:
    """The name of the spec the preview in ``folder`` is of; "" when its record does not say."""
    return read_preview_record(folder).spec


def check_complete(folder: Path, rows: list[PreviewRow], record: PreviewRecord) -> None:
    """PreviewIndexError (one sentence) unless the interrupted preview in ``folder`` left what it made whole: its
    record counts the samples chosen and written, its index lists as many (``rows``), and each one's WAV and PNG
    are there (module docstring)."""
    path = Path(folder) / RECORD_FILE
    if record.written is None or record.chosen is None:
        raise PreviewIndexError(f"{path} does not count the samples written.")
    if len(rows) != record.written:
        raise PreviewIndexError(f"{Path(folder) / INDEX_FILE} lists {counted(len(rows), 'sample')} where {path} "
                                f"counts {record.written} written.")
    for row in rows:
        for file in (row.audio, row.spectrogram):
            if not file.is_file():
                raise PreviewIndexError(f"{file.name} of sample {row.number} is missing.")
