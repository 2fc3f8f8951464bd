"""A calibration read back from its folder: its report copied elsewhere, a chosen set written into the model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from workbench.calibration.results.output_files import REPORT_NAMES
from workbench.calibration.results.result_files import load_calibration_output, parameter_set_of
from workbench.cli.main import main
from workbench.core.detection.settings import DetectionSettings
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import load_model


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory, real_stream: Path, reference_model_path: Path) -> Path:
    folder = tmp_path_factory.mktemp("calibrated") / "run"
    assert main(["calibrate", "--model", str(reference_model_path), "--stream", str(real_stream), "--thresholds",
                 "150:250:20", "--windows-ms", "500,1000", "--suppressions-ms", "1000", "--counts", "1,3",
                 "--out", str(folder), "--progress", "none"]) == 0
    return folder


def test_the_report_is_copied_file_by_file(calibrated: Path, tmp_path: Path) -> None:
    output = load_calibration_output(calibrated)
    copied = output.copy_report(tmp_path / "report")
    assert sorted(p.name for p in copied) == sorted([*REPORT_NAMES, "labels.json"])
    for path in copied:
        assert path.read_bytes() == (calibrated / path.name).read_bytes()
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(WorkbenchError, match="a file"):
        output.copy_report(blocker)


def test_a_chosen_set_is_written_into_a_copy_of_the_model(calibrated: Path, tmp_path: Path,
                                                          reference_model_path: Path) -> None:
    output = load_calibration_output(calibrated)
    item = output.pareto[-1]
    saved = output.save_set_into_model(reference_model_path, item, tmp_path / "tuned.tflite")
    settings = DetectionSettings.from_params(load_model(saved).params)
    assert (settings.detection_threshold, settings.average_window_duration_ms, settings.suppression_ms,
            settings.minimum_count) == (item["detection_threshold"], item["average_window_duration_ms"],
                                        item["suppression_ms"], item["minimum_count"])
    assert settings.latency_ms == output.latency_ms
    assert output.score(settings).frr == pytest.approx(item["frr"])  # type: ignore[union-attr]


def test_a_report_opens_with_its_own_labels_after_the_stream_is_gone(calibrated: Path, tmp_path: Path,
                                                                     real_stream: Path) -> None:
    original = load_calibration_output(calibrated)
    assert Path(original.document["stream"]["labels"]).is_absolute() and Path(original.model_file).is_absolute()
    report = tmp_path / "report"
    original.copy_report(report)
    document = json.loads((report / "calibration.json").read_text())
    document["stream"]["labels"] = str(tmp_path / "moved away.json")  # the stream's labels are gone
    (report / "calibration.json").write_text(json.dumps(document))
    reopened = load_calibration_output(report)
    for mine, theirs in zip(reopened.audio.events.starts, original.audio.events.starts):
        assert np.array_equal(mine, theirs)
    item = original.pareto[0]
    assert reopened.score(parameter_set_of(item).settings(DetectionSettings(latency_ms=original.latency_ms))) \
        .frr == pytest.approx(item["frr"])  # type: ignore[union-attr]
    (report / "labels.json").unlink()  # neither copy nor original: one sentence naming the file
    with pytest.raises(WorkbenchError, match="moved away.json"):
        load_calibration_output(report)


@pytest.mark.parametrize("text, message", [
    ("[1, 2]", "is not a calibration.json written by kws calibrate"),
    ('{"version": 1, "model": {}}', "is not a calibration.json written by kws calibrate"),
    ('{"version": 1, "model": {}, "stream": {}, "target_fa_per_hour": 100, "tolerance_s": 1.5, "sets_tried": 1}',
     "is not a calibration.json written by kws calibrate"),
    ("{not json", "cannot read the calibration"),
])
def test_a_folder_without_a_calibration_is_one_clear_error(calibrated: Path, tmp_path: Path, text: str,
                                                           message: str) -> None:
    with pytest.raises(WorkbenchError, match="lacks calibration.json"):
        load_calibration_output(tmp_path)
    for name in ("sweep.csv", "scores.npz"):
        (tmp_path / name).write_bytes((calibrated / name).read_bytes())
    (tmp_path / "calibration.json").write_text(text)
    with pytest.raises(WorkbenchError, match=message):
        load_calibration_output(tmp_path)


def test_a_document_of_another_version_is_refused(calibrated: Path, tmp_path: Path) -> None:
    for name in ("sweep.csv", "scores.npz", "labels.json"):
        (tmp_path / name).write_bytes((calibrated / name).read_bytes())
    document = json.loads((calibrated / "calibration.json").read_text())
    document["version"] = 99
    (tmp_path / "calibration.json").write_text(json.dumps(document))
    with pytest.raises(WorkbenchError, match="of version 99; this workbench reads version 1"):
        load_calibration_output(tmp_path)


def test_a_copied_report_replaces_an_older_one_whole(calibrated: Path, tmp_path: Path) -> None:
    report = tmp_path / "report"
    report.mkdir()
    (report / "calibration.json").write_text(json.dumps({"labels_file": "labels.csv"}))  # an older calibration
    (report / "labels.csv").write_text("label,start_s,end_s\n")
    (report / "notes.txt").write_text("mine")
    load_calibration_output(calibrated).copy_report(report)
    assert sorted(p.name for p in report.iterdir()) == sorted([*REPORT_NAMES, "labels.json", "notes.txt"])


def test_a_report_whose_files_are_gone_is_not_copied_and_the_target_keeps_its_own(calibrated: Path,
                                                                                 tmp_path: Path) -> None:
    import shutil

    source = tmp_path / "source"
    shutil.copytree(calibrated, source)
    output = load_calibration_output(source)
    target = tmp_path / "target"
    shutil.copytree(calibrated, target)  # another report, saved there earlier
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    (source / "calibration.json").unlink()
    (source / "scores.npz").unlink()
    with pytest.raises(WorkbenchError, match=r"^cannot save the report: calibration.json and scores.npz are no "
                                             r"longer in .*source; nothing was written into .*target$"):
        output.copy_report(target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    shutil.move(source, tmp_path / "moved")
    with pytest.raises(WorkbenchError, match=r"^cannot save the report: its folder .*source is gone; nothing was "):
        output.copy_report(tmp_path / "new")
    assert not (tmp_path / "new").exists()
    shutil.move(tmp_path / "moved", source)
    (source / "det.png").unlink()  # a report without its plot (no matplotlib) still copies
    shutil.copy(calibrated / "calibration.json", source)
    shutil.copy(calibrated / "scores.npz", source)
    assert sorted(p.name for p in output.copy_report(target)) == ["calibration.json", "labels.json", "scores.npz",
                                                                  "sweep.csv"]
    assert not (target / "det.png").exists()


def test_a_report_opens_from_its_calibration_json_and_another_file_asks_for_the_folder(calibrated: Path) -> None:
    by_file = load_calibration_output(calibrated / "calibration.json")
    assert by_file.folder == calibrated
    assert by_file.document == load_calibration_output(calibrated).document
    with pytest.raises(WorkbenchError, match=r"sweep.csv is a file: choose the calibration report's folder"):
        load_calibration_output(calibrated / "sweep.csv")


def test_a_set_is_never_written_over_the_calibrated_or_a_bundled_model(calibrated: Path, tmp_path: Path,
                                                                        reference_model_path: Path) -> None:
    from workbench.bundled_models import bundled_model_file

    output = load_calibration_output(calibrated)
    own = tmp_path / "own.tflite"
    own.write_bytes(reference_model_path.read_bytes())
    bundled = bundled_model_file("kws_yes_no")
    assert bundled is not None
    before = bundled.read_bytes()
    with pytest.raises(WorkbenchError, match="own.tflite is the input: writing there would replace it"):
        output.save_set_into_model(own, output.pareto[-1], own)
    with pytest.raises(WorkbenchError, match="would overwrite the bundled model kws_yes_no.tflite"):
        output.save_set_into_model(own, output.pareto[-1], bundled)
    assert own.read_bytes() == reference_model_path.read_bytes() and bundled.read_bytes() == before
    # the window's rule (its file dialog asked before replacing): the calibrated model itself, never a bundled one
    with pytest.raises(WorkbenchError, match="would overwrite the bundled model kws_yes_no.tflite"):
        output.save_set_into_model(own, output.pareto[-1], bundled, replace_model=True)
    assert output.save_set_into_model(own, output.pareto[-1], own, replace_model=True) == own
    assert load_model(own).params["detection_threshold"] == output.pareto[-1]["detection_threshold"]


def test_a_set_is_not_saved_into_another_model_put_where_the_calibrated_one_was(
        calibrated: Path, tmp_path: Path, reference_model_path: Path) -> None:
    """The report records the calibrated network's digest: a file replaced since by another model (the window's
    "Save into model…" after a copy over it) is refused instead of getting thresholds measured on another model."""
    from workbench.assets import default_model_path

    output = load_calibration_output(calibrated)
    assert output.document["model"]["network_sha256"] == load_model(reference_model_path).network_digest
    replaced = tmp_path / "model.tflite"
    replaced.write_bytes(default_model_path().read_bytes())  # another network under the calibrated name
    with pytest.raises(WorkbenchError, match="no longer the model this calibration measured"):
        output.save_set_into_model(replaced, output.pareto[-1], tmp_path / "tuned.tflite")
    assert not (tmp_path / "tuned.tflite").exists()
    own = tmp_path / "own.tflite"  # the calibrated network: a set saved into it, then another set over that
    own.write_bytes(reference_model_path.read_bytes())
    for item in (output.pareto[-1], output.pareto[0]):
        output.save_set_into_model(own, item, own, replace_model=True)
        assert DetectionSettings.from_params(load_model(own).params).detection_threshold == item["detection_threshold"]


def test_the_report_keeps_the_labels_that_were_scored_though_the_file_went_meanwhile(
        real_stream: Path, reference_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Labels deleted (or replaced) while the stream replayed: the report was lost ("cannot read the labels"), or
    held the new file's labels beside figures scored on the old ones. It copies the bytes that were scored."""
    import shutil

    import workbench.calibration.calibration_run as calibration_run

    stream = Path(shutil.copy(real_stream, tmp_path / "stream.wav"))
    labels = Path(shutil.copy(real_stream.with_suffix(".json"), tmp_path / "stream.json"))
    scored = labels.read_bytes()
    replay = calibration_run.replay_samples

    def replay_then_lose_the_labels(*args, **kwargs):  # type: ignore[no-untyped-def]
        labels.unlink(missing_ok=True)  # during the replay, as a user tidying up
        return replay(*args, **kwargs)

    monkeypatch.setattr(calibration_run, "replay_samples", replay_then_lose_the_labels)
    folder = tmp_path / "run"
    assert main(["calibrate", "--model", str(reference_model_path), "--stream", str(stream), "--thresholds",
                 "150:250:50", "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1",
                 "--out", str(folder), "--progress", "none"]) == 0
    assert (folder / "labels.json").read_bytes() == scored
    assert load_calibration_output(folder).pareto


def first_version_report(calibrated: Path, folder: Path, labels: str) -> Path:
    """The report of ``calibrated`` as the first version left it: no copy of the labels, and the stream and
    labels named as given on its command line, relative to the folder it ran in (``streams/s.json``)."""
    load_calibration_output(calibrated).copy_report(folder)
    (folder / "labels.json").unlink()
    document = json.loads((folder / "calibration.json").read_text())
    del document["labels_file"]
    document["stream"].update(audio=str(Path(labels).with_suffix(".wav")), labels=labels)
    (folder / "calibration.json").write_text(json.dumps(document))
    return folder


def test_a_first_version_report_finds_its_relative_labels_or_says_it_stored_a_relative_path(
        calibrated: Path, tmp_path: Path, real_stream: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from workbench.calibration.results.result_files import LabelsNotFound

    made_in = tmp_path / "made in"
    (made_in / "streams").mkdir(parents=True)
    labels = Path(shutil.copy(real_stream.with_suffix(".json"), made_in / "streams" / "s.json"))
    report = first_version_report(calibrated, made_in / "cal" / "c-old", "streams/s.json")
    pareto = load_calibration_output(calibrated).pareto
    monkeypatch.chdir(made_in)  # where it was made: the name as given
    assert load_calibration_output(report).pareto == pareto
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(LabelsNotFound) as raised:
        load_calibration_output(report)
    assert str(raised.value) == (
        f"the calibration report in {report} was made by an older version of the workbench, which stored its labels "
        "file as a path relative to the folder it ran in (streams/s.json), and it is neither in the report's folder "
        f"nor in the working folder {elsewhere}: choose the labels file its stream was made with")
    assert raised.value.stored == "streams/s.json"
    assert load_calibration_output(report, labels).pareto == pareto  # the file chosen
    shutil.copytree(made_in / "streams", report / "streams")  # the report kept with its stream
    assert load_calibration_output(report).pareto == pareto


def test_labels_chosen_for_a_report_must_fit_its_stream(calibrated: Path, tmp_path: Path, real_stream: Path) -> None:
    report = first_version_report(calibrated, tmp_path / "report", "streams/gone.json")
    other = json.loads(real_stream.with_suffix(".json").read_text())
    other["stream"]["duration_s"] += 60  # another build of the stream, a minute longer
    (tmp_path / "other.json").write_text(json.dumps(other))
    with pytest.raises(WorkbenchError, match="they belong to different builds of the stream"):
        load_calibration_output(report, tmp_path / "other.json")
