"""`kws calibrate`'s warnings of audio that makes its figures mislead without being wrong: a background recording of
digital silence (its minutes lower the FA/h while testing nothing), said by `kws detect --background` too, and a
stream WAV whose samples are not those its labels were written for (an older build without the build comment).
Real streams built by `kws stream make` from Speech Commands clips, real kitchen noise, the bundled model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.calibration.conftest import noise_recording, small_dataset, speech_commands  # noqa: F401  (fixtures)
from workbench.assets import default_model_path
from workbench.cli.main import main
from workbench.core.audio.audio_file import save_wav
from workbench.core.audio.decibels import amplitude_ratio

RATE = 16000
SILENT_SECONDS = 30
QUIET_ROOM_DB = -60  # the kitchen noise this much lower: peaks of a few tens of int16 steps, a very quiet room
RANGES = ("--thresholds", "150,200", "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1")


def build(dataset: Path, wav: Path, seed: str) -> Path:
    assert main(["stream", "make", "--dataset", str(dataset), "--out", str(wav), "--keywords", "yes,no", "--split",
                 "all", "--minutes", "0.3", "--seed", seed, "--progress", "none"]) == 0
    return wav


def silence_warning(name: str, length: str) -> str:
    return (f"kws: warning: the background recording {name} is digital silence as the model hears it (no sample "
            f"above -90 dBFS): its {length} count in the hours false accepts per hour divide by while testing "
            "nothing, which lowers the FA/h; leave it out of --background\n")


@pytest.fixture
def backgrounds(tmp_path: Path, noise_recording: Path) -> dict[str, Path]:  # noqa: F811
    """A file of zeros, a muted input (its last bit dithering), and real kitchen noise turned down to a quiet
    room's few steps."""
    folder = tmp_path / "backgrounds"
    folder.mkdir()
    dither = np.random.default_rng(3).integers(-1, 2, SILENT_SECONDS * RATE).astype(np.int16)
    kitchen = sf.read(str(noise_recording), dtype="int16")[0].astype(np.float64)
    quiet = np.round(kitchen * amplitude_ratio(QUIET_ROOM_DB)).astype(np.int16)
    assert 1 < int(np.abs(quiet.astype(np.int32)).max()) < 2 ** 6  # above one step, under -54 dBFS: quiet
    return {"zeros": save_wav(folder / "zeros.wav", np.zeros(SILENT_SECONDS * RATE, np.int16)),
            "muted": save_wav(folder / "muted.wav", dither), "quiet": save_wav(folder / "quiet_room.wav", quiet)}


def test_silent_background_recordings_are_warned_of_once_and_a_quiet_room_is_not(  # type: ignore[no-untyped-def]
        capsys, small_dataset: Path, tmp_path: Path, backgrounds: dict[str, Path]) -> None:  # noqa: F811
    stream = build(small_dataset, tmp_path / "s.wav", "1")
    model = str(default_model_path())
    code = main(["calibrate", "--model", model, "--compare", model, "--stream", str(stream), *RANGES,
                 "--background", str(backgrounds["zeros"].parent), "--progress", "none"])
    out, err = capsys.readouterr()
    assert code == 0 and "background" in out  # the report counts the background audio
    said = [line + "\n" for line in err.splitlines() if "digital silence" in line]
    assert sorted(said) == [silence_warning("muted.wav", "30.0 s"), silence_warning("zeros.wav", "30.0 s")]  # once each
    assert "quiet_room.wav" not in err


def test_kws_detect_background_warns_of_a_silent_recording(  # type: ignore[no-untyped-def]
        capsys, small_dataset: Path, tmp_path: Path, backgrounds: dict[str, Path]) -> None:  # noqa: F811
    stream = build(small_dataset, tmp_path / "s.wav", "1")
    capsys.readouterr()  # what kws stream make said
    code = main(["detect", str(stream), "--labels", str(stream.with_suffix(".json")),
                 "--background", str(backgrounds["zeros"]), "--background", str(backgrounds["quiet"])])
    out, err = capsys.readouterr()
    assert code == 0 and "per hour" in out
    assert [line for line in err.splitlines(keepends=True) if "warning" in line] == [
        silence_warning("zeros.wav", "30.0 s")]


def test_an_older_build_of_the_stream_beside_current_labels_is_warned_of(  # type: ignore[no-untyped-def]
        capsys, small_dataset: Path, tmp_path: Path) -> None:  # noqa: F811
    """Another seed's build of the same length, its comment gone (as an older version wrote it), beside the labels of
    the stream they were built for: `kws calibrate`, `kws stream check` and `kws detect --labels` warn of it (and still
    run); the stream's own samples without the comment are not warned of."""
    current, other = build(small_dataset, tmp_path / "a.wav", "1"), build(small_dataset, tmp_path / "b.wav", "2")
    own, older = (sf.read(str(path), dtype="int16")[0] for path in (current, other))
    assert own.size == older.size and not np.array_equal(own, older)  # the length cannot tell them apart
    capsys.readouterr()  # what kws stream make said
    sf.write(str(current), older, RATE, subtype="PCM_16")  # no comment: as an older version wrote it
    warning = ("kws: warning: a.wav carries no build comment and its samples are not those a.json was written for "
               "(an older build of the stream, or the stream edited in another tool); if it was rebuilt, cut or "
               "spliced, a.json no longer describes it: build the stream again (or choose the labels written with "
               "it); if only its level changed or it was converted, the labels still hold\n")
    code = main(["calibrate", "--stream", str(current), *RANGES, "--progress", "none"])
    _, err = capsys.readouterr()
    assert code == 0 and err == warning
    code = main(["stream", "check", str(current)])
    _, err = capsys.readouterr()
    assert code == 0 and err == warning
    code = main(["detect", str(current), "--labels", str(current.with_suffix(".json"))])  # its figures are calibrate's
    _, err = capsys.readouterr()
    assert code == 0 and err.startswith(warning)
    sf.write(str(current), own, RATE, subtype="PCM_16")  # the build's own samples, the comment lost
    code = main(["calibrate", "--stream", str(current), *RANGES, "--progress", "none"])
    _, err = capsys.readouterr()
    assert code == 0 and err == ""


def test_the_document_keeps_the_warnings_and_the_text_report_leaves_them_on_stderr(  # type: ignore[no-untyped-def]
        capsys, small_dataset: Path, tmp_path: Path, backgrounds: dict[str, Path]) -> None:  # noqa: F811
    """calibration.json (--out) and --format json carry the run's warnings, once each however many models ran, as
    load_calibration_output reads them back; the text report is what it was; a document without the key loads."""
    import json

    from workbench.calibration.results.result_files import load_calibration_output

    stream = build(small_dataset, tmp_path / "s.wav", "1")
    model = str(default_model_path())
    common = ["calibrate", "--model", model, "--compare", model, "--stream", str(stream), *RANGES, "--background",
              str(backgrounds["zeros"]), "--background", str(backgrounds["quiet"]), "--progress", "none"]
    capsys.readouterr()  # what kws stream make said
    assert main([*common, "--format", "json", "--out", str(tmp_path / "report")]) == 0
    out, err = capsys.readouterr()
    silence = silence_warning("zeros.wav", "30.0 s").removeprefix("kws: warning: ").removesuffix("\n")
    assert err.count(silence) == 1
    printed, written = json.loads(out), json.loads((tmp_path / "report" / "calibration.json").read_text())
    assert printed["warnings"] == written["warnings"] == [silence]
    assert load_calibration_output(tmp_path / "report").warnings == (silence,)

    assert main(common) == 0
    text, err = capsys.readouterr()
    assert "digital silence" not in text and err.count(silence) == 1

    del written["warnings"]  # as a report written before the document kept them
    (tmp_path / "report" / "calibration.json").write_text(json.dumps(written), encoding="utf-8")
    assert load_calibration_output(tmp_path / "report").warnings == ()
