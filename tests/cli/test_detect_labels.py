"""`kws detect FILE --labels`: the summary after the detections is `kws calibrate`'s own scoring -- a real
stream, a real calibration, `kws detect` in a real child process with the options the calibration prints."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.calibration.conftest import speech_commands  # noqa: F401  (fixtures)
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.child_command import kws_command
from workbench.cli.main import main

GRID = ("--thresholds", "150:250:20", "--windows-ms", "300,1000", "--suppressions-ms", "500,1500", "--counts", "1,3")
FIGURES = ("keywords", "hits", "misses", "frr", "false_accepts_speech", "fa_per_hour", "fa_per_hour_speech")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory, speech_commands: Path) -> Path:  # noqa: F811
    """One minute of real keywords, other words and silences over noise (labels beside it as JSON and CSV)."""
    wav = tmp_path_factory.mktemp("detect_labels") / "stream.wav"
    write_stream(make_dataset_stream([speech_commands], StreamRecipe(minutes=1.0, seed=5)), wav)
    return wav


@pytest.mark.parametrize(("tolerance", "labels_suffix"), [(None, ".json"), ("0.3", ".csv")])
def test_the_summary_gives_exactly_calibrates_recommended_counts(  # type: ignore[no-untyped-def]
        capsys, stream, reference_model_path, tolerance, labels_suffix) -> None:
    tolerance_option = [] if tolerance is None else ["--tolerance-s", tolerance]
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                             *GRID, *tolerance_option, "--target-fa-per-hour", "300", "--format", "json",
                             "--progress", "none")
    assert code == 0, err
    rec = json.loads(out)["recommended"]
    assert rec is not None and rec["hits"] > 0 and rec["misses"] > 0 and rec["false_accepts_speech"] > 0

    labels = stream.with_suffix(labels_suffix)
    done = subprocess.run(kws_command("detect", str(stream), "--model", str(reference_model_path),
                                      *rec["kws_detect_options"], "--labels", str(labels), *tolerance_option,
                                      "--format", "jsonl"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *events, summary = [json.loads(line) for line in done.stdout.splitlines()]
    detections = [e for e in events if e["type"] == "detection"]
    assert {e["type"] for e in events} == {"detection", "miss"} and summary["type"] == "summary"
    assert len(detections) == rec["hits"] + rec["false_accepts_speech"]
    outcomes = Counter(e["outcome"] for e in events)  # each line's outcome: exactly what calibrate counts
    assert outcomes == {"hit": rec["hits"], "false_accept": rec["false_accepts_speech"], "miss": rec["misses"]}
    assert [e["time_s"] for e in events] == sorted(e["time_s"] for e in events)
    for name, item in rec["per_keyword"].items():
        mine = Counter(e["outcome"] for e in events if e["label"] == name)
        assert (mine["hit"], mine["false_accept"], mine["miss"]) == (
            item["hits"], item["false_accepts"], item["keywords"] - item["hits"])
    assert {key: summary[key] for key in FIGURES} == {key: rec[key] for key in FIGURES}
    assert summary["false_accepts"] == rec["false_accepts_speech"]
    assert summary["tolerance_s"] == (1.5 if tolerance is None else float(tolerance))
    assert summary["labels"] == str(labels)
    for name, item in rec["per_keyword"].items():
        assert summary["per_keyword"][name] == {**item, "misses": item["keywords"] - item["hits"]}

    code, out, _ = run_cli(capsys, "detect", str(stream), "--model", str(reference_model_path),
                           *rec["kws_detect_options"], "--labels", str(labels), *tolerance_option)
    assert code == 0
    *lines, headline, yes, no = out.splitlines()
    detected = [line for line in lines if " detected " in line]
    assert len(detected) == len(detections) and len(lines) == len(detections) + rec["misses"]
    assert sum(" hit " in line for line in detected) == rec["hits"]
    assert sum(" false accept " in line for line in detected) == rec["false_accepts_speech"]
    assert sum(" missed " in line for line in lines) == rec["misses"]
    assert headline == (f"against {labels.name} (tolerance {summary['tolerance_s']:g} s, 60.0 s of audio): "
                        f"{rec['keywords']} keywords, {rec['hits']} hit, {rec['misses']} missed "
                        f"(FRR {rec['frr'] * 100:.1f} %), {rec['false_accepts_speech']} false accept"
                        f"{'' if rec['false_accepts_speech'] == 1 else 's'} "
                        f"({rec['fa_per_hour']:.1f} per hour)")
    assert yes.startswith(f"  yes: {rec['per_keyword']['yes']['keywords']} keywords, ") and no.startswith("  no: ")


def test_a_file_without_keywords_counts_its_false_accepts(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from workbench.assets import sample_audio_path

    labels = tmp_path / "none.json"
    labels.write_text('{"events": []}')  # background audio: every detection is false
    code, out, _ = run_cli(capsys, "detect", str(sample_audio_path()), "--labels", str(labels), "--format", "jsonl")
    assert code == 0
    *detections, summary = [json.loads(line) for line in out.splitlines()]
    assert summary["keywords"] == summary["hits"] == 0 and summary["frr"] is None
    assert summary["false_accepts"] == len(detections) == 2
    assert summary["fa_per_hour"] == pytest.approx(2 / summary["duration_s"] * 3600)


@pytest.mark.parametrize(("options", "labels", "message"), [
    (["--mic"], None, "--labels is for an audio file: the microphone's words have no labels"),
    (["FILE", "--tolerance-s", "1"], None,
     "--tolerance-s is for --labels: it says when a detection hits a labelled keyword"),
    (["FILE", "--tolerance-s", "-1"], '{"events": []}', "--tolerance-s must be a number of seconds >= 0, got -1"),
    (["FILE", "--model", "MODEL"], '{"events": [{"label": "up", "start_s": 1, "end_s": 2}]}',
     "l.json: event 1 has the label 'up', which is not a keyword of model kws_yes_no (its keywords: yes, no); "
     "label other speech '_unknown_'"),
    (["FILE"], '{"events": [{"label": "up", "start_s": 1, "end_s": 2}, {"label": "lamp", "start_s": 3, "end_s": 4}]}',
     "l.json marks the keywords up and lamp, which the default model kws_yes_no_stream does not know (its keywords: "
     "yes, no): no --model was given, so the bundled model was used; pass your model with --model"),
    (["FILE"], '{"events": [{"label": "yes", "start_s": 1, "end_s": 9}]}',
     "l.json: event 1 ('yes' 1.00–9.00 s) ends after the end of yes_no.wav, which is 4.50 s long"),
])
def test_bad_labels_options_are_one_line_before_any_detection(  # type: ignore[no-untyped-def]
        capsys, tmp_path, options, labels, message) -> None:
    from tests.bundled_model_paths import yes_no_model_path
    from workbench.assets import sample_audio_path

    path = tmp_path / "l.json"
    if labels is not None:
        path.write_text(labels)
    paths = {"FILE": str(sample_audio_path()), "MODEL": str(yes_no_model_path())}  # the model: the user's choice
    argv = [paths.get(o, o) for o in options]
    if "--tolerance-s" not in options or labels is not None:
        argv += ["--labels", str(path)]
    code, out, err = run_cli(capsys, "detect", *argv)
    assert code == 2 and out == "" and err == f"kws: error: {message}\n"


def test_counts_of_one_are_said_in_the_singular(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The bundled sample says "yes" then "no": labelled with its "yes" only, one keyword and one false accept."""
    from workbench.assets import default_model_path, sample_audio_path
    from workbench.core.audio.audio_file import load_audio
    from workbench.core.engine import Engine, detections_of
    from workbench.core.model.model_file import load_model

    found = detections_of(Engine(load_model(default_model_path())).run_clip(load_audio(sample_audio_path()).samples))
    yes = next(d for d in found if d.label == "yes")
    labels = tmp_path / "one.json"
    labels.write_text(f'{{"events": [{{"label": "yes", "start_s": {yes.time_s - 0.8}, "end_s": {yes.time_s - 0.1}}}]}}')
    code, out, _ = run_cli(capsys, "detect", str(sample_audio_path()), "--labels", str(labels))
    assert code == 0 and ": 1 keyword, 1 hit, 0 missed (FRR 0.0 %), 1 false accept (" in out, out
