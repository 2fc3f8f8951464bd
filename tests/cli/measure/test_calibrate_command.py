"""`kws calibrate` end to end: real stream, real model, real files; figures reproduced by `kws detect`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.calibration.conftest import noise_recording, speech_commands  # noqa: F401  (fixtures)
from workbench.calibration.results.speaker_spread import event_speaker
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.streams.labels import load_labels
from workbench.calibration.sweep.matching import KeywordEvents, evaluate_detections
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.child_command import kws_command
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.model.model_file import load_model

RANGES = ("--thresholds", "150:250:10", "--windows-ms", "300,750,1000", "--suppressions-ms", "500,1500",
          "--counts", "1,3")


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory, speech_commands: Path) -> Path:  # noqa: F811
    wav = tmp_path_factory.mktemp("calibrate") / "stream.wav"
    write_stream(make_dataset_stream([speech_commands], StreamRecipe(minutes=2.0, seed=11)), wav)
    return wav


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def detect(wav: Path, *options: str) -> DetectionArrays:
    """`kws detect` in a real child process, as a user would run it."""
    done = subprocess.run(kws_command("detect", str(wav), "--format", "jsonl", *options),
                          capture_output=True, text=True, check=True)
    found = [json.loads(line) for line in done.stdout.splitlines()]
    return DetectionArrays(np.array([round(d["time_s"] * 1000) for d in found], np.int64),
                           np.array([d["class_index"] for d in found], np.int64),
                           np.array([d["score"] for d in found], np.int64))


def reproduce(stream_wav: Path, backgrounds: list[Path], classes: tuple[str, ...], *options: str):  # type: ignore[no-untyped-def]
    events = KeywordEvents.from_labels(load_labels(stream_wav.with_suffix(".json")), classes)
    hours = load_audio(stream_wav).duration_s / 3600
    background_hours = sum(load_audio(p).duration_s for p in backgrounds) / 3600
    return evaluate_detections(detect(stream_wav, *options), events, 1.5, hours,
                               [detect(p, *options) for p in backgrounds], background_hours)


def test_json_files_and_kws_detect_reproduces_the_recommendation(
        capsys, stream, noise_recording, reference_model_path, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    out_dir, applied = tmp_path / "out", tmp_path / "tuned.tflite"
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                             "--background", str(noise_recording), "--target-fa-per-hour", "200", *RANGES,
                             "--format", "json", "--out", str(out_dir), "--apply-to", str(applied),
                             "--progress", "none")
    # stdout holds the document alone, so the files written are named on stderr: results, which --progress none
    # does not silence (it said nothing before)
    lines = err.splitlines()
    assert code == 0 and lines[-1].startswith(f"wrote {applied} (threshold ")
    assert sorted(lines[:-1]) == sorted(f"wrote {path}" for path in out_dir.iterdir())  # every file, once
    document = json.loads(out)
    assert document == json.loads((out_dir / "calibration.json").read_text())
    assert document["sets_tried"] == 11 * 3 * 2 * 2
    rec = document["recommended"]
    assert set(rec) >= {"detection_threshold", "average_window_duration_ms", "suppression_ms", "minimum_count",
                        "frr", "fa_per_hour", "fa_per_hour_speech", "fa_per_hour_background", "per_keyword"}
    assert 0 <= rec["frr"] <= 1 and rec["fa_per_hour"] <= 200
    assert document["stream"]["keywords"].keys() == {"yes", "no"}
    speakers = {event_speaker(e) for e in load_labels(stream.with_suffix(".json")).keyword_events}
    spread = rec["speaker_interval"]
    assert None not in speakers and spread["speakers"] == len(speakers) >= 5
    assert spread["frr"][0] <= rec["frr"] <= spread["frr"][1] and spread["frr"][0] < spread["frr"][1]
    assert spread["fa_per_hour"][0] <= rec["fa_per_hour"] <= spread["fa_per_hour"][1]
    assert (out_dir / "det.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len((out_dir / "sweep.csv").read_text().splitlines()) == document["sets_tried"] + 1
    assert len(document["pareto"]) >= 2
    params = load_model(applied).params
    for key in ("detection_threshold", "average_window_duration_ms", "suppression_ms", "minimum_count"):
        assert params[key] == rec[key]

    classes = tuple(document["model"]["classes"])
    got = reproduce(stream, [noise_recording], classes, "--model", str(reference_model_path),
                    *rec["kws_detect_options"])
    assert (got.frr, got.fa_per_hour) == (rec["frr"], rec["fa_per_hour"])
    assert (got.fa_per_hour_speech, got.fa_per_hour_background) == (rec["fa_per_hour_speech"],
                                                                     rec["fa_per_hour_background"])
    assert got.latency_mean_s == pytest.approx(rec["latency_mean_s"], abs=1e-12)
    again = reproduce(stream, [noise_recording], classes, "--model", str(applied))
    assert (again.frr, again.fa_per_hour) == (rec["frr"], rec["fa_per_hour"])


def test_per_class_thresholds_are_written_into_the_model(capsys, stream, reference_model_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    applied = tmp_path / "per_class.tflite"
    code, out, _ = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                           "--labels", str(stream.with_suffix(".csv")), "--per-class-thresholds", "--thresholds", "160,200,240", "--windows-ms", "750",
                           "--suppressions-ms", "1000", "--counts", "1", "--target-fa-per-hour", "500",
                           "--format", "json", "--apply-to", str(applied), "--progress", "none")
    assert code == 0
    document = json.loads(out)
    rec = document["recommended"]
    assert document["sets_tried"] == 9 and len(rec["detection_threshold_list"]) == 4
    assert load_model(applied).params["detection_threshold_list"] == rec["detection_threshold_list"]
    got = reproduce(stream, [], tuple(document["model"]["classes"]), "--model", str(applied))
    assert (got.frr, got.fa_per_hour) == (rec["frr"], rec["fa_per_hour"])
    assert rec["kws_detect_options"][:2] == ["--threshold-list", ",".join(map(str, rec["detection_threshold_list"]))]
    got = reproduce(stream, [], tuple(document["model"]["classes"]), "--model", str(reference_model_path),
                    *rec["kws_detect_options"])  # the options alone, on the unchanged model
    assert (got.frr, got.fa_per_hour) == (rec["frr"], rec["fa_per_hour"])


def test_another_latency_is_replayed_and_reproduced(capsys, stream, reference_model_path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                           "--latency-ms", "50", "--thresholds", "200,230", "--windows-ms", "500",
                           "--suppressions-ms", "1000", "--counts", "2", "--target-fa-per-hour", "1000",
                           "--format", "json", "--progress", "none")
    assert code == 0
    document = json.loads(out)
    rec = document["recommended"]
    assert document["model"]["latency_ms"] == rec["latency_ms"] == 50
    assert document["stream"]["inferences"] == int(document["stream"]["duration_s"] * 1000 / 50)
    assert rec["kws_detect_options"][-2:] == ["--latency-ms", "50"]
    got = reproduce(stream, [], tuple(document["model"]["classes"]), "--model", str(reference_model_path),
                    *rec["kws_detect_options"])
    assert (got.frr, got.fa_per_hour) == (rec["frr"], rec["fa_per_hour"])


def test_text_report(capsys, stream, reference_model_path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                             *RANGES, "--progress", "text")
    assert code == 0
    assert "model's own parameters: threshold 185, window 1000 ms, suppression 750 ms, count 3" in out
    assert "recommended for <= 100 FA/h: threshold " in out
    assert f"reproduce: kws detect {stream} --model {reference_model_path} --threshold " in out
    assert "Pareto front (FA/h -> FRR):" in out
    assert "100.0 %  sweep 132 sets" in err  # progress for a person (not a terminal: a line per 10 %)


def test_a_model_without_stored_parameters_is_said_to_run_on_the_firmwares_defaults(  # type: ignore[no-untyped-def]
        capsys, stream, reference_model_path, tmp_path) -> None:
    from workbench.core.detection.settings import DEFAULTS
    from workbench.core.model.model_params import write_params

    bare = tmp_path / "bare.tflite"  # classes and frontend kept, no detection parameter
    kept = {k: v for k, v in load_model(reference_model_path).params.items() if k not in DEFAULTS}
    bare.write_bytes(write_params(reference_model_path.read_bytes(), kept))
    code, out, _ = run_cli(capsys, "calibrate", "--model", str(bare), "--stream", str(stream), *RANGES)
    assert code == 0
    assert ("the firmware's defaults (the model stores no parameters): threshold 185, window 1000 ms, "
            "suppression 1500 ms, count 3") in out


def test_other_models_are_compared_on_the_same_stream(  # type: ignore[no-untyped-def]
        capsys, monkeypatch, stream, reference_model_path, tmp_path) -> None:
    """--compare: each model's figures are exactly those of its own calibration, side by side."""
    from workbench.assets import default_model_path

    alone = [json.loads(run_cli(capsys, "calibrate", "--model", str(path), "--stream", str(stream), *RANGES,
                                "--format", "json", "--progress", "none")[1])
             for path in (default_model_path(), reference_model_path)]
    code, out, err = run_cli(capsys, "calibrate", "--model", str(default_model_path()), "--compare",
                             str(reference_model_path), "--stream", str(stream), *RANGES, "--format", "json",
                             "--out", str(tmp_path / "out"), "--progress", "jsonl")
    assert code == 0
    document = json.loads(out)
    assert document["recommended"] == alone[0]["recommended"]
    (compared,) = document["compared"]
    assert compared["model"]["name"] == "tflite_micro_speech"
    assert compared["recommended"] == alone[1]["recommended"]
    assert compared["model_parameters"] == alone[1]["model_parameters"]
    assert compared["difference"]["frr"] == alone[1]["recommended"]["frr"] - alone[0]["recommended"]["frr"]
    low, high = compared["difference"]["speaker_interval"]["frr"]
    assert low <= compared["difference"]["frr"] <= high
    fractions = [json.loads(line)["fraction"] for line in err.splitlines() if '"fraction"' in line]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0  # one bar over both models
    assert any("tflite_micro_speech (2/2)" in line for line in err.splitlines())
    assert (tmp_path / "out" / "det.png").stat().st_size > 0

    given = Path("sub") / reference_model_path.name  # a path relative to the working folder, with a folder
    (tmp_path / "sub").mkdir()
    (tmp_path / given).write_bytes(reference_model_path.read_bytes())
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "calibrate", "--model", str(default_model_path()), "--compare",
                           str(given), "--stream", str(stream), *RANGES, "--progress", "none")
    assert code == 0 and "compared on the same stream" in out
    assert out.count("tflite_micro_speech") >= 2 and "FRR against kws_yes_no" in out
    # the settings behind the compared model's figures, and the line that gives them again
    options = " ".join(compared["recommended"]["kws_detect_options"])
    rec = compared["recommended"]
    assert (f"    tflite_micro_speech: threshold {rec['detection_threshold']}, window "
            f"{rec['average_window_duration_ms']} ms, suppression {rec['suppression_ms']} ms, count "
            f"{rec['minimum_count']}\n") in out
    # the model as it was given (its bare name, before, was no file in the working folder)
    assert (f"      reproduce: kws detect {stream} --model {given.as_posix()} {options} "
            f"--labels {stream.with_suffix('.json')}\n") in out


def test_the_text_report_counts_the_inferences_of_stream_and_background(  # type: ignore[no-untyped-def]
        capsys, stream, noise_recording, reference_model_path) -> None:  # noqa: F811
    args = ("calibrate", "--model", str(reference_model_path), "--stream", str(stream), "--background",
            str(noise_recording), *RANGES, "--progress", "none")
    document = json.loads(run_cli(capsys, *args, "--format", "json")[1])
    code, out, _ = run_cli(capsys, *args)
    assert code == 0
    in_stream = document["stream"]["inferences"]
    in_background = int(document["background"][0]["duration_s"] * 1000 / document["model"]["latency_ms"])
    first = out.splitlines()[0]
    keywords = sum(document["stream"]["keywords"].values())
    assert first == (f"model tflite_micro_speech: {in_stream + in_background:,} inferences every 100 ms: "
                     f"{in_stream:,} over 2.0 min of stream ({keywords} keywords) and {in_background:,} over 30.0 s "
                     "of background audio")


def test_the_model_written_by_apply_to_is_named_with_its_parameters(  # type: ignore[no-untyped-def]
        capsys, stream, reference_model_path, tmp_path) -> None:
    applied = tmp_path / "tuned.tflite"
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                             *RANGES, "--target-fa-per-hour", "200", "--apply-to", str(applied), "--progress", "none")
    assert code == 0 and err == ""
    params = load_model(applied).params
    said = (f"threshold {params['detection_threshold']}, window {params['average_window_duration_ms']} ms, "
            f"suppression {params['suppression_ms']} ms, count {params['minimum_count']}")
    assert out.splitlines()[-1] == f"wrote {applied} ({said})"
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                             *RANGES, "--target-fa-per-hour", "200", "--apply-to", str(tmp_path / "again"),
                             "--format", "json", "--progress", "none")
    assert code == 0 and json.loads(out)["recommended"]  # stdout: the document alone
    # named as kws params -o names a copy (.tflite added), and said whatever --progress is
    again = tmp_path / "again.tflite"
    assert not (tmp_path / "again").exists() and load_model(again).params == params
    assert err == f"wrote {again} ({said})\n"


def test_unreachable_target(capsys, stream, reference_model_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                           "--thresholds", "100", "--windows-ms", "300", "--counts", "1",
                           "--target-fa-per-hour", "0", "--format", "json", "--progress", "none")
    assert code == 0 and json.loads(out)["recommended"] is None
    code, _, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                           "--thresholds", "100", "--windows-ms", "300", "--counts", "1",
                           "--target-fa-per-hour", "0", "--apply-to", str(tmp_path / "m.tflite"), "--progress", "none")
    assert code == 2 and "no parameter set reaches 0 false accepts per hour" in err
    assert not (tmp_path / "m.tflite").exists()


@pytest.mark.parametrize(("extra", "labels", "message"), [
    (("--suppressions-ms", "0:1000:500"), None, "a suppression of 0 ms cannot be swept"),
    (("--thresholds", "200:100"), None, "--thresholds range '200:100' must have START <= STOP"),
    (("--counts", "9", "--windows-ms", "300"), None, "no minimum count in [9] fits any averaging window"),
    (("--target-fa-per-hour", "inf"), None, "the target must be a number of false accepts per hour >= 0"),
    ((), '{"events": [{"label": "up", "start_s": 1, "end_s": 2}]}', "labels.json: event 1 has the label 'up'"),
    ((), '{"events": []}', "labels.json marks no keyword of model tflite_micro_speech"),
])
def test_bad_input_is_one_line(capsys, stream, reference_model_path, tmp_path, extra, labels, message) -> None:  # type: ignore[no-untyped-def]
    options = []
    if labels is not None:
        (tmp_path / "labels.json").write_text(labels)
        options = ["--labels", str(tmp_path / "labels.json")]
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                             *options, *extra, "--progress", "none", "--out", str(tmp_path / "out"))
    assert code == 2 and out == "" and err.startswith("kws: error: ") and err.count("\n") == 1
    assert message in err
    assert not (tmp_path / "out").exists()



@pytest.mark.parametrize(("option", "where", "message"), [
    ("--out", "a_file/cal", "Cannot create the folder {tmp}/a_file/cal: {tmp}/a_file is a file, not a folder."),
    ("--apply-to", "missing/tuned.tflite", "Cannot write {tmp}/missing/tuned.tflite: the folder {tmp}/missing "
     "does not exist."),
    ("--apply-to", "missing/tuned", "Cannot write {tmp}/missing/tuned.tflite: the folder {tmp}/missing "
     "does not exist."),  # the name the copy would have (kws params -o's rule)
    ("--apply-to", "tuned.bin", "Cannot save the model copy as tuned.bin: name it with the .tflite suffix."),
])
def test_unwritable_destinations_stop_it_before_the_replay(  # type: ignore[no-untyped-def]
        capsys, stream, reference_model_path, tmp_path, option, where, message) -> None:
    (tmp_path / "a_file").write_bytes(b"x")
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                             *RANGES, "--progress", "jsonl", option, str(tmp_path / where))
    assert code == 2 and out == ""
    assert err == f"kws: error: {message.format(tmp=tmp_path)}\n"  # no progress line: nothing was replayed


def test_a_background_folder_stands_for_the_audio_files_in_it(  # type: ignore[no-untyped-def]
        capsys, stream, noise_recording, reference_model_path, tmp_path) -> None:  # noqa: F811
    folder = tmp_path / "tv"
    (folder / "monday").mkdir(parents=True)
    (folder / ".cache").mkdir()
    samples, rate = sf.read(str(noise_recording), dtype="int16")
    sf.write(str(folder / "sunday.wav"), samples, rate)
    sf.write(str(folder / "monday" / "evening.flac"), samples[: rate * 10], rate)
    sf.write(str(folder / ".cache" / "skip.wav"), samples, rate)
    (folder / "notes.txt").write_text("not audio")
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(stream),
                             "--background", str(folder), *RANGES, "--format", "json", "--progress", "none")
    assert code == 0, err
    background = json.loads(out)["background"]
    assert [(Path(b["audio"]).relative_to(folder).as_posix(), b["duration_s"]) for b in background] == [
        ("monday/evening.flac", 10.0), ("sunday.wav", 30.0)]
    (folder / "sunday.wav").unlink()
    (folder / "monday" / "evening.flac").unlink()
    code, _, err = run_cli(capsys, "calibrate", "--stream", str(stream), "--background", str(folder),
                           "--progress", "none")
    assert code == 2 and err == f"kws: error: no audio files (.wav, .flac, .ogg, .mp3) in the folder {folder}\n"

def test_missing_labels(capsys, tmp_path, reference_model_path) -> None:  # type: ignore[no-untyped-def]
    wav = tmp_path / "mine.wav"
    save_wav(wav, np.zeros(16000, np.int16))
    code, _, err = run_cli(capsys, "calibrate", "--stream", str(wav), "--progress", "none")
    assert code == 2 and err == "kws: error: no labels for mine.wav: give --labels (JSON, CSV or Audacity .txt)\n"


@pytest.mark.skipif(sys.platform == "win32", reason="signals to a child are POSIX here")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_cleanly_and_writes_nothing(  # type: ignore[no-untyped-def]
        stream, reference_model_path, tmp_path, stop) -> None:
    """SIGTERM (timeout, kill, a parent's Cancel) is the same clean stop as Ctrl-C: exit 130, one line, no file."""
    long_stream = tmp_path / "long.wav"
    save_wav(long_stream, np.tile(load_audio(stream).samples, 10))  # 20 min: seconds of replay to interrupt
    events = json.loads(stream.with_suffix(".json").read_text())["events"]  # not its record of a 2-minute stream
    (tmp_path / "long.json").write_text(json.dumps({"events": events}))
    child = subprocess.Popen(kws_command("calibrate", "--model", str(reference_model_path), "--stream",
                                         str(long_stream), "--out", str(tmp_path / "out"), "--progress", "jsonl",
                                         "--apply-to", str(tmp_path / "tuned.tflite")),
                             stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ})
    assert child.stderr is not None
    for line in child.stderr:
        if line.startswith("{") and "replay" in json.loads(line).get("phase", ""):
            break
    child.send_signal(stop)
    out, rest = child.communicate(timeout=60)
    assert child.returncode == 130 and rest.splitlines()[-1] == "kws: interrupted"
    assert "Traceback" not in rest and out == ""  # nothing printed: no figures of half a replay
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.json", "long.wav"]  # no --out, no model


def test_a_stream_shorter_than_the_models_window_is_refused(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, tmp_path) -> None:
    """0.3 s with one "yes": three inferences of a 1 s window, never heard whole -- no figures, one sentence."""
    from tests.bundled_model_paths import yes_no_model_path
    from workbench.assets import sample_audio_path

    speech = load_audio(sample_audio_path()).samples
    short = tmp_path / "short.wav"
    save_wav(short, speech[8000:12800])  # 4,800 samples: 0.30 s
    (tmp_path / "short.json").write_text('{"events": [{"label": "yes", "start_s": 0.05, "end_s": 0.25}]}')
    for models in (["--model", str(reference_model_path)],
                   ["--model", str(yes_no_model_path()), "--compare", str(reference_model_path)]):
        code, out, err = run_cli(capsys, "calibrate", *models, "--stream", str(short), "--out",
                                 str(tmp_path / "out"), "--progress", "jsonl")
        assert code == 2 and out == ""
        name = "kws_yes_no" if "--compare" in models else "tflite_micro_speech"
        assert err == (f"kws: error: the stream short.wav is 0.30 s long, shorter than the 1.00 s window one "
                       f"inference of model {name} hears; give a stream at least that long (minutes with dozens "
                       "of keywords for figures worth trusting)\n")
        assert not (tmp_path / "out").exists()
    save_wav(short, np.zeros(15978, np.int16))  # 0.99863 s: a rounding that read "1.00 s, shorter than 1.00 s"
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(short))
    assert code == 2 and "is 0.999 s long, shorter than the 1.000 s window" in err
    save_wav(short, np.zeros(16000, np.int16))  # exactly one window: accepted (and calibrated)
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(short),
                             "--thresholds", "200", "--windows-ms", "300", "--counts", "1", "--format", "json",
                             "--progress", "none")
    assert code == 0, err
    assert json.loads(out)["stream"]["inferences"] == 10


def test_a_compared_model_the_engine_cannot_run_is_named_by_its_file_before_any_replay(  # type: ignore[no-untyped-def]
        capsys, stream, tmp_path) -> None:
    """Compared models may share a name (copies of one model); the file says which is at fault, and it is said
    before the first model's replay rather than after it."""
    from workbench.assets import default_model_path
    from workbench.core.model.model_file import model_with_params, save_model

    model = load_model(default_model_path())
    absurd = save_model(model_with_params(model, {**model.params, "fe.filterbank_lower_band_limit": 9000.0}),
                        tmp_path / "copy.tflite")
    code, out, err = run_cli(capsys, "calibrate", "--stream", str(stream), "--compare", str(absurd),
                             "--progress", "jsonl", "--out", str(tmp_path / "out"))
    assert code == 2 and out == ""
    assert err == (f"kws: error: {absurd}: the filterbank band limits must satisfy 0 <= lower < upper "
                   "(got 9000 and 7500 Hz)\n")
    assert not (tmp_path / "out").exists()
