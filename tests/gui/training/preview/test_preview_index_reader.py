"""The preview's index read back without Qt: the writer's columns, each sample's files and clip, and what the
augmentation did to it in a few words."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest

from workbench.gui.training.preview import preview_index_reader as reader
from workbench.gui.training.preview.preview_index_reader import (GENERATED_CLIP, PreviewIndexError, PreviewRecord,
                                                                 check_complete, preview_spec, read_preview_index,
                                                                 read_preview_record, transform_words)
from workbench.training.preview.preview_folder import INDEX_FILE, PREVIEW_DIR, RECORD_FILE
from workbench.training.preview.preview_record import SPEC_KEY, PreviewCounts
from workbench.training.preview.preview_index import INDEX_COLUMNS, LIST_SEPARATOR


def test_the_reader_names_the_columns_and_folder_the_writer_writes() -> None:
    named = {reader.NUMBER, reader.AUDIO, reader.SPECTROGRAM, reader.CLASS, reader.SOURCE, reader.OFFSET,
             reader.NOISE, reader.NOISE_FACTOR, reader.LOUDNESS, reader.SPEED, reader.PITCH, reader.MASKS,
             reader.CONTEXT, reader.HISTORY}
    assert named <= set(INDEX_COLUMNS)
    assert (reader.PREVIEW_DIR, reader.INDEX_FILE) == (PREVIEW_DIR, INDEX_FILE)
    assert (reader.RECORD_FILE, reader.RECORD_SPEC) == (RECORD_FILE, SPEC_KEY)
    counts = {field.name for field in dataclasses.fields(PreviewCounts)}
    assert {reader.RECORD_CHOSEN, reader.RECORD_WRITTEN, reader.RECORD_INTERRUPTED} <= counts
    assert LIST_SEPARATOR.strip() == reader.LIST_SEPARATOR


def test_a_real_preview_reads_as_its_index_says(written_preview: Path) -> None:
    with (written_preview / INDEX_FILE).open(newline="", encoding="utf-8") as file:
        written = list(csv.DictReader(file))
    rows = read_preview_index(written_preview)
    assert [row.number for row in rows] == [int(values["n"]) for values in written]
    assert [row.class_name for row in rows] == [values["class"] for values in written]
    for row, values in zip(rows, written, strict=True):
        assert row.audio == written_preview / values["audio"] and row.audio.is_file()
        assert row.spectrogram == written_preview / values["spectrogram"] and row.spectrogram.is_file()
        source = Path(values["source"]) if values["source"] else None
        assert row.source == source
        assert row.clip_name == (GENERATED_CLIP if source is None else f"{source.parent.name}/{source.name}")
        assert "mask" in row.transforms  # the preview was written with every sample masked
        assert f"masks: {values['masks']}" in row.details.splitlines()


def test_the_spec_previewed_is_read_from_the_record_and_none_is_no_error(written_preview: Path) -> None:
    assert preview_spec(written_preview) == "quick_kws"  # the quick spec's name
    record = written_preview / RECORD_FILE
    for text in ("{not json", '["quick_kws"]', '{"spec": 3}'):
        record.write_text(text, encoding="utf-8")
        assert preview_spec(written_preview) == ""
    record.unlink()  # a preview of an earlier version: no record
    assert preview_spec(written_preview) == "" and len(read_preview_index(written_preview)) > 0


def test_an_interrupted_preview_is_whole_when_its_record_index_and_files_agree(written_preview: Path) -> None:
    """What a cancelled preview left is shown only when its record counts what its index lists, and every sample's
    WAV and PNG is there."""
    rows = read_preview_index(written_preview)
    record = read_preview_record(written_preview)
    assert record == PreviewRecord("quick_kws", len(rows), len(rows), interrupted=False)
    path = written_preview / RECORD_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), "chosen": 24, "interrupted": True}))
    record = read_preview_record(written_preview)
    assert record == PreviewRecord("quick_kws", 24, len(rows), interrupted=True)
    check_complete(written_preview, rows, record)  # whole: no error
    broken = [(dataclasses.replace(record, written=len(rows) + 1), f"lists {len(rows)} samples where "),
              (dataclasses.replace(record, written=None), "does not count the samples written."),
              (record, f"{rows[-1].spectrogram.name} of sample {rows[-1].number} is missing.")]
    rows[-1].spectrogram.unlink()
    for wrong, words in broken:
        with pytest.raises(PreviewIndexError) as raised:
            check_complete(written_preview, rows, wrong)
        assert words in str(raised.value) and str(raised.value).endswith(".")


def test_every_transform_in_short_words_and_none_when_nothing_changed() -> None:
    values = {"offset": "0.4418", "trim_db": "20", "noise": "/data/_background_noise_/pink_noise.wav",
              "noise_factor": "0.2167", "noise_at_s": "12.66", "loudness": "0.5", "speed": "1.05",
              "pitch_semitones": "-1.5", "masks": "channel 32; channels 15-18; frame 17",
              "context": "before /data/yes/a.wav gap 0.1 s gain -3.0 dB; after /data/no/b.wav gap 0.2 s gain -1.0 dB",
              "history": "/data/up/c.wav lead 0.5 s gap 0.1 s gain -6.0 dB"}
    assert transform_words(values) == ("offset 0.44, pink_noise 0.22, gain -6.0 dB, speed x1.05, pitch -1.50 st, "
                                       "3 masks, context before and after, history")
    assert transform_words({**values, "noise": "/data/_background_noise_/dishes.wav"}).startswith(
        "offset 0.44, noise dishes 0.22, gain")
    unchanged = {"offset": "0", "trim_db": "", "noise": "", "noise_factor": "", "noise_at_s": "", "loudness": "1",
                 "speed": "1", "pitch_semitones": "0", "masks": "", "context": "", "history": ""}
    assert transform_words(unchanged) == "none"
    assert transform_words({"loudness": "not a number", "masks": "frame 3"}) == "1 mask"
    barely = {**unchanged, "loudness": "0.9995", "speed": "1.004", "pitch_semitones": "-0.003", "offset": "0.001"}
    assert transform_words(barely) == "none"  # nothing that shows as a change: no "pitch -0.00 st"
    assert transform_words({**unchanged, "loudness": "0"}) == "silenced"


def _write_index(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / INDEX_FILE).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("text", "words"), [
    (None, "wrote no index.csv into"),
    ("n,audio,class\n1,a.wav,yes\n", "has no spectrogram, source column"),
    ("n,audio,spectrogram,class,source\nx,a.wav,a.png,yes,\n", "Row 1 of"),
    (b"n,audio\xff\n", "Cannot read"),
])
def test_an_index_that_cannot_be_read_is_one_sentence(tmp_path: Path, text: str | bytes | None, words: str) -> None:
    folder = tmp_path / PREVIEW_DIR
    folder.mkdir()
    if isinstance(text, bytes):
        (folder / INDEX_FILE).write_bytes(text)
    elif text is not None:
        _write_index(folder, text)
    with pytest.raises(PreviewIndexError) as raised:
        read_preview_index(folder)
    message = str(raised.value)
    assert words in message and message.endswith(".") and "\n" not in message


def test_a_generated_silence_sample_has_no_clip(tmp_path: Path) -> None:
    folder = _write_index(tmp_path / PREVIEW_DIR, "n,audio,spectrogram,class,source,masks\n"
                                                  "1,1__silence__generated.wav,1__silence__generated.png,_silence_,,\n")
    (row,) = read_preview_index(folder)
    assert row.source is None and row.clip_name == GENERATED_CLIP and row.transforms == "none"
    assert row.audio == folder / "1__silence__generated.wav"
