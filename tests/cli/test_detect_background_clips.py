"""`kws detect FILE --labels L --background REC`: every keyword detected in a background-only recording is a false
accept, counted in the summary as kws calibrate counts it (FA/h over all the audio, the stream's and the
background's apart), and with --save-false-accepts DIR saved as a clip (the window that ends at it, as the model
heard it) into DIR/_false_accept_/ beside the stream's; a folder stands for its recordings, a recording named twice
is heard once; the line says how many came from background audio, and a rerun writes none again.

The stream is test_detect_outcomes' (the bundled sample seven times), labelled so that every detection in it is a
hit: every false accept comes from the background. The "TV" is the sample after half a second of silence: the
reference model detects its "yes" and its "no" there; the "office" is silence, where it detects nothing (and which
is warned of: its minutes lower FA/h while testing nothing).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.cli.test_detect_mistake_clips import _hits, _labels
from tests.cli.test_detect_outcomes import CLIP, RATE, REPEATS, _clip, detect, run_cli
from tests.cli.test_detect_outcomes import stream  # noqa: F401  (fixture)
from workbench.assets import sample_audio_path
from workbench.calibration.sweep.matching import SECONDS_PER_HOUR
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.engine import Engine, detections_of
from workbench.core.model.model_file import load_model
from workbench.datasets.layout import scan_dataset
from workbench.datasets.splits import TRAINING

LEAD_S = 0.5
FALSE_ACCEPTS = "_false_accept_"
QUIET_S = 3  # the office recording's length


@pytest.fixture
def recordings(tmp_path: Path) -> tuple[Path, Path, np.ndarray]:
    """The TV recording, a folder holding the silent office recording, and the TV's audio."""
    sample = load_audio(sample_audio_path()).samples
    tv_audio = np.concatenate([np.zeros(int(LEAD_S * RATE), np.int16), sample, np.zeros(RATE, np.int16)])
    tv = tmp_path / "tv.wav"
    save_wav(tv, tv_audio)
    folder = tmp_path / "office"
    folder.mkdir()
    save_wav(folder / "quiet.wav", np.zeros(QUIET_S * RATE, np.int16))
    return tv, folder, tv_audio


def test_background_false_accepts_are_saved_beside_the_streams_and_said_as_such(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, recordings, tmp_path) -> None:
    tv, folder, tv_audio = recordings
    labelled = (stream[0], _labels(tmp_path, _hits(*range(REPEATS))))  # no false accept in the stream
    out_dir = tmp_path / "mistakes"
    options = ("--save-false-accepts", str(out_dir), "--background", str(tv), "--background", str(folder),
               "--background", str(tv))  # the TV named twice: heard once
    code, out, err = detect(capsys, reference_model_path, labelled, *options)
    assert code == 0, err
    heard = detections_of(Engine(load_model(reference_model_path)).run_clip(tv_audio))
    assert [d.label for d in heard] == ["yes", "no"]  # the TV's two false accepts
    assert out.splitlines()[-2:] == [
        f"no false accepts: nothing written into {out_dir}",
        f"wrote 2 false-accept clips of 1 s from background audio (2 recordings) into {out_dir} ({FALSE_ACCEPTS} 2)"]
    saved = sorted(out_dir.rglob("*.wav"))
    assert saved == [out_dir / FALSE_ACCEPTS / f"background_nohash_{n}.wav" for n in range(2)]
    for path, detection in zip(saved, heard):  # the window the model had just heard when it detected
        end = round(detection.time_s * RATE)
        assert np.array_equal(_clip(path), tv_audio[end - CLIP:end]), path
    assert [(clip.word, clip.split) for clip in scan_dataset(out_dir).clips] == [(FALSE_ACCEPTS, TRAINING)] * 2
    warnings = [line for line in err.splitlines() if line.startswith("kws: warning:")]
    assert len(warnings) == 1 and "quiet.wav is digital silence" in warnings[0]  # the silent office's, no other

    code, out, err = detect(capsys, reference_model_path, labelled, *options, "--format", "jsonl")
    assert code == 0 and "wrote" not in out  # stdout holds JSON alone
    assert err.splitlines()[-1] == (f"wrote 0 false-accept clips of 1 s from background audio (2 recordings) into "
                                    f"{out_dir}: 2 already there")
    assert sorted(out_dir.rglob("*.wav")) == saved

    code, out, _ = detect(capsys, reference_model_path, labelled, "--save-false-accepts", str(out_dir),
                          "--background", str(folder / "quiet.wav"))
    assert code == 0 and out.splitlines()[-1] == (f"no false accepts from background audio (1 recording): nothing "
                                                  f"written into {out_dir}")


def test_the_summary_counts_the_backgrounds_false_accepts_with_the_streams(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, recordings, tmp_path) -> None:
    """With --labels alone (no clips asked for): the TV's two detections are false accepts over the stream's and
    the recordings' hours together, and apart, under calibration.json's keys; nothing is written."""
    tv, folder, tv_audio = recordings
    labelled = (stream[0], _labels(tmp_path, _hits(*range(REPEATS))))  # no false accept in the stream
    code, out, err = detect(capsys, reference_model_path, labelled, "--background", str(tv), "--background",
                            str(folder), "--format", "jsonl")
    assert code == 0, err
    summary = json.loads(out.splitlines()[-1])
    stream_s, tv_s = load_audio(stream[0]).duration_s, tv_audio.size / RATE
    assert summary["background"] == [{"audio": str(tv.absolute()), "duration_s": tv_s, "false_accepts": 2},
                                     {"audio": str((folder / "quiet.wav").absolute()), "duration_s": QUIET_S,
                                      "false_accepts": 0}]
    assert (summary["false_accepts_speech"], summary["false_accepts_background"], summary["false_accepts"]) == (0, 2, 2)
    assert summary["hits"] == summary["keywords"] == 2 * REPEATS
    assert summary["fa_per_hour"] == pytest.approx(2 * SECONDS_PER_HOUR / (stream_s + tv_s + QUIET_S))
    assert summary["fa_per_hour_speech"] == 0
    assert summary["fa_per_hour_background"] == pytest.approx(2 * SECONDS_PER_HOUR / (tv_s + QUIET_S))
    assert [item["false_accepts"] for item in summary["per_keyword"].values()] == [1, 1]  # the TV's yes and no

    code, out, err = detect(capsys, reference_model_path, labelled, "--background", str(tv), "--background",
                            str(folder))
    assert code == 0, err
    assert out.splitlines()[-3] == (
        f"against labels.json and 2 background recordings (tolerance 1.5 s, {stream_s:.1f} s of audio and "
        f"{tv_s + QUIET_S:.1f} s of background audio): {2 * REPEATS} keywords, {2 * REPEATS} hit, 0 missed "
        f"(FRR 0.0 %), 2 false accepts ({summary['fa_per_hour']:.1f} per hour; stream 0, 0.0 per hour; "
        f"background 2, {summary['fa_per_hour_background']:.1f} per hour)")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["labels.json", "office", "tv.wav"]


def test_background_audio_without_labels_is_one_sentence(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, recordings) -> None:
    code, out, err = run_cli(capsys, "detect", str(stream[0]), "--model", str(reference_model_path),
                             "--background", str(recordings[0]))
    assert code == 2 and out == ""
    assert err == ("kws: error: --background is for --labels: the false accepts in background-only recordings are "
                   "counted with the labelled file's, as kws calibrate --background counts them\n")


@pytest.mark.parametrize(("options", "sentence"), [
    (("--save-false-accepts", "clips", "--background", "gone.wav"), "kws: error: background recording not found: "
                                                                    "{tmp}/gone.wav\n"),
    # unreadable: said only once the stream had been heard, its summary and clips lost to it
    (("--save-false-accepts", "clips", "--background", "notes.wav"), "kws: error: {tmp}/notes.wav is not a readable "
                                                                     "WAV/FLAC/OGG/MP3 audio file (Format not "
                                                                     "recognised.)\n"),
    (("--save-false-accepts", "clips", "--background", "empty.wav"), "kws: error: {tmp}/empty.wav is empty (0 "
                                                                     "bytes), not an audio file\n"),
    (("--save-false-accepts", "clips", "--background", "header.wav"), "kws: error: {tmp}/header.wav contains no "
                                                                      "audio samples\n"),  # a header, no frames
])
def test_a_background_that_cannot_be_heard_is_one_sentence_before_the_stream_is(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, recordings, tmp_path, options, sentence) -> None:
    (tmp_path / "notes.wav").write_text("not audio: a text file given a .wav name\n")
    (tmp_path / "empty.wav").write_bytes(b"")
    sf.write(tmp_path / "header.wav", np.zeros(0, np.int16), 16000, subtype="PCM_16")
    given = [str(tmp_path / option) if option.endswith((".wav", "clips")) else option for option in options]
    code, out, err = detect(capsys, reference_model_path, stream, *given)
    assert code == 2 and out == "" and err == sentence.format(tmp=tmp_path)
    assert not (tmp_path / "clips").exists()
