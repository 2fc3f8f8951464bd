"""The frr objective's validation stream: a keyword it never says is warned of (its FRR would pass for that of every
keyword), a stream with no keyword at all stops the sweep (every trial's calibration would fail on it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.calibration.streams.labels import LabelEvent, StreamLabels, save_labels
from workbench.core.errors import WorkbenchError
from workbench.sweeps.definition.objectives import ObjectiveStream, stream_warnings
from workbench.sweeps.definition.sweep_file import ObjectiveSettings

SETTINGS = ObjectiveSettings(metric="frr", stream_minutes=1)


def _stream(folder: Path, *events: LabelEvent) -> ObjectiveStream:
    audio = folder / "validation-stream.wav"
    save_labels(StreamLabels(events), audio.with_suffix(".json"))
    return ObjectiveStream(audio, audio.with_suffix(".json"))


def test_a_keyword_the_stream_never_says_is_warned_of(tmp_path: Path) -> None:
    # the audit's 1-minute stream: one "no", no "yes", other words as _unknown_
    stream = _stream(tmp_path, LabelEvent("_unknown_", 1.6, 2.4, word="up"), LabelEvent("no", 9.0, 10.0))
    assert stream_warnings(stream, ("yes", "no"), SETTINGS) == [
        "the frr objective's validation stream holds no yes, so every trial's FRR is that of no alone: lengthen "
        "[objective] stream_minutes (now 1) or give the dataset's validation split more clips of yes"]
    both = _stream(tmp_path, LabelEvent("yes", 1.0, 2.0), LabelEvent("no", 3.0, 4.0))
    assert stream_warnings(both, ("yes", "no"), SETTINGS) == []


def test_a_stream_without_any_keyword_stops_the_sweep(tmp_path: Path) -> None:
    stream = _stream(tmp_path, LabelEvent("_unknown_", 1.6, 2.4, word="up"))
    with pytest.raises(WorkbenchError, match=r"holds none of the keywords yes and no, so no trial's FRR can be "
                                             r"measured: lengthen \[objective\] stream_minutes \(now 1\)"):
        stream_warnings(stream, ("yes", "no"), SETTINGS)


def test_the_validation_stream_is_split_as_the_trials_are(tmp_path: Path, speech_slice: Path) -> None:
    """A fixed validation share (or testing share) reaches kws stream make: the stream's clips are the validation
    split the trials validate on, not the default 15/10 split's, which would hold clips they train on."""
    import json

    from sweep_data import sweep_text, write_sweep

    from workbench.sweeps.definition.objectives import make_validation_stream
    from workbench.sweeps.definition.sweep_file import load_sweep
    from workbench.sweeps.definition.trial_spec import trial_spec

    text = (sweep_text(speech_slice).replace("[fixed]\n", '[fixed]\n"data.validation_resplit_percent" = "off"\n'
                                             '"data.validation_percent" = 30.0\n"data.testing_percent" = 20.0\n')
            + '\n[objective]\nmetric = "frr"\nstream_minutes = 0.5\n')
    sweep = load_sweep(write_sweep(tmp_path, text))
    data = trial_spec(sweep, sweep.specs[0], {}).data
    stream = make_validation_stream(sweep, data, tmp_path / "objective")
    recipe = json.loads(stream.labels.read_text(encoding="utf-8"))["stream"]
    assert (recipe["validation_percent"], recipe["testing_percent"], recipe["split"]) == (30.0, 20.0, "validation")


def test_a_sweep_folder_deleted_before_its_stream_is_not_made_again(tmp_path: Path, speech_slice: Path) -> None:
    """The sweep's folder deleted (or moved) while its datasets were checked: the stream's folder is made only in the
    sweep's folder as it is, so nothing is made again at the old path, and the sweep stops with one sentence (the
    stream's folder used to be made with its parents, the sweep's folder with it)."""
    from sweep_data import sweep_text, write_sweep

    from workbench.core.folder_lock import gone_sentence
    from workbench.sweeps.definition.objectives import make_validation_stream
    from workbench.sweeps.definition.sweep_file import load_sweep
    from workbench.sweeps.definition.trial_spec import trial_spec

    sweep = load_sweep(write_sweep(tmp_path, sweep_text(speech_slice) + '\n[objective]\nmetric = "frr"\n'))
    data = trial_spec(sweep, sweep.specs[0], {}).data
    out = tmp_path / "out"  # deleted: never made, as after "rm -rf out"
    with pytest.raises(WorkbenchError) as gone:
        make_validation_stream(sweep, data, out / "objective")
    assert str(gone.value) == gone_sentence(out)
    assert not out.exists()
