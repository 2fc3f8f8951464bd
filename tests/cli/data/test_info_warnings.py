"""``kws dataset info``'s warnings after its tables, and ``--check`` reading every clip of a real dataset on disk:
each problem clip named under its warning, the JSON listing them all, progress for a large dataset, and a clean
stop on Ctrl+C or SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests"))
from dataset_builders import RATE, make_dataset, speaker_names, write_clip  # noqa: E402

import workbench.cli.data.info_warnings as info_warnings  # noqa: E402
import workbench.datasets.clip_checks as clip_checks  # noqa: E402
from workbench.child_command import EXIT_CANCELLED  # noqa: E402
from workbench.cli.main import main  # noqa: E402

TONE_HZ = 300


def write_samples(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), samples, rate, subtype="PCM_16")
    return path


def tone(seconds: float = 1.0, level: float = 0.3, rate: int = RATE) -> np.ndarray:
    return level * np.sin(2 * np.pi * TONE_HZ * np.arange(int(rate * seconds)) / rate)


@pytest.fixture()
def dataset(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """Enough good clips for every split, and one clip of each problem written by hand."""
    root = make_dataset(tmp_path / "data", {"yes": speaker_names(20), "no": speaker_names(20, start=100),
                                           "go": speaker_names(10, start=200)})
    problems = {
        "silent": write_samples(root / "yes" / "quiet_nohash_0.wav", tone(level=0.003)),
        "clipped": write_samples(root / "no" / "loud_nohash_0.wav", np.sign(tone(level=1.0))),
        "too_short": write_clip(root / "go" / "cut_nohash_0.wav", seconds=0.2),
        "other_format": write_samples(root / "no" / "phone_nohash_0.wav", tone(rate=8000), rate=8000),
    }
    return root, problems


def warning_block(out: str, start: str) -> list[str]:
    """The lines of the warning starting with ``start``: the warning and its indented paths."""
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    block = [lines[first]]
    for line in lines[first + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def test_check_names_each_problem_clip_under_its_warning(capsys, dataset) -> None:
    root, problems = dataset
    assert main(["dataset", "info", str(root), "--check"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert out.index("speakers ") < out.index("warning: 1 clip is silent")  # after the table
    assert warning_block(out, "warning: 1 clip is silent") == [
        "warning: 1 clip is silent (peak below -40 dBFS): an empty take or a muted microphone, learned as its word:",
        f"  {problems['silent']}  (peak -50 dBFS)"]
    assert warning_block(out, "warning: 1 clip is clipped")[1:] == [
        f"  {problems['clipped']}  (100.0 % of samples at full scale)"]
    assert warning_block(out, "warning: 1 clip is too short (under 0.5 s of the model's 1000 ms input)")[1:] == [
        f"  {problems['too_short']}  (0.20 s)"]
    assert warning_block(out, "warning: 1 clip is not 16000 Hz mono as the model hears")[1:] == [
        f"  {problems['other_format']}  (8000 Hz)"]
    assert captured.err == ""  # a small dataset: no progress bar


def test_the_json_lists_every_finding_and_the_warnings(capsys, dataset) -> None:
    root, problems = dataset
    assert main(["dataset", "info", str(root), "--check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    check = data["clip_check"]
    assert check["complete"] is True and check["checked"] == check["total"] == data["clips"]
    assert {kind: [f["path"] for f in found] for kind, found in check["findings"].items()} == {
        "silent": [str(problems["silent"])], "clipped": [str(problems["clipped"])],
        "too_short": [str(problems["too_short"])], "other_format": [str(problems["other_format"])],
        "unreadable": []}
    assert check["limits"] == {"sample_rate_hz": 16000, "channels": 1, "min_duration_s": 0.5,
                               "silent_peak_dbfs": -40.0, "clipped_share": 0.01}
    assert main(["dataset", "info", str(root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["clip_check"] is None and data["plan"] is None and isinstance(data["warnings"], list)


def test_the_first_ten_paths_of_a_kind_then_a_count(capsys, tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "data", {"yes": speaker_names(20), "no": speaker_names(20, start=100)})
    quiet = [write_samples(root / "no" / f"q{i:02d}_nohash_0.wav", tone(level=0.001)) for i in range(13)]
    assert main(["dataset", "info", str(root), "--check"]) == 0
    block = warning_block(capsys.readouterr().out, "warning: 13 clips are silent")
    assert block[1:] == [f"  {path}  (peak -60 dBFS)" for path in quiet[:10]] + [
        "  ... and 3 more (--json lists them all)"]
    assert main(["dataset", "info", str(root), "--check", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["clip_check"]["findings"]["silent"]) == 13


def test_the_split_warnings_follow_the_table_in_text_and_json(capsys, tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "data", {"yes": speaker_names(3), "no": speaker_names(12, start=100),
                                           "go": speaker_names(2, start=200)})
    (root / "validation_list.txt").write_text("no/00000064_nohash_0.wav\ngo/000000c8_nohash_0.wav\n")
    (root / "testing_list.txt").write_text("no/00000064_nohash_1.wav\nno/00000065_nohash_0.wav\n"
                                           "no/00000065_nohash_1.wav\n")
    assert main(["dataset", "info", str(root), "--keywords", "yes,no"]) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.startswith("warning: ")]
    assert out.index("speakers ") < out.index(warnings[0])
    assert warnings[0].startswith("warning: yes (6) has fewer than 20 training clips in the dataset's split")
    assert warnings[1].startswith("warning: yes has no validation or testing clips and _unknown_ has no testing "
                                  "clips: without validation clips")
    assert warnings[2].startswith("warning: 2 speakers have clips in more than one split")
    assert warnings[2].endswith(": 00000064 (validation 1, testing 1), 000000c8 (training 1, validation 1)")
    assert main(["dataset", "info", str(root), "--keywords", "yes,no", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(w["kind"], w["names"]) for w in data["warnings"]] == [
        ("few_training_clips", ["yes"]), ("class_missing_from_split", ["yes", "_unknown_"]),
        ("speaker_in_several_splits", ["00000064", "000000c8"])]
    assert ["warning: " + w["message"] for w in data["warnings"]] == warnings


def test_the_runs_own_warnings_come_with_the_spec(capsys, shared_dir: Path) -> None:
    """tflite_micro_speech keeps the shared subset's split: the run itself warns, after the dataset's warnings."""
    speech = shared_dir / "datasets" / "speech_commands"
    assert main(["dataset", "info", str(speech), "--spec", "tflite_micro_speech"]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        "warning: yes (7) and no (5) have fewer than 20 training clips in the dataset's split, too few for a model to "
        "learn them: add clips, or set validation_resplit_percent in the spec's [data] table (for one run: kws train "
        "--set data.validation_resplit_percent=20) to re-split the non-test clips by speaker",
        "warning: the run: yes (7), no (5) and _unknown_ (18) have fewer than 20 training samples, too few for the "
        "model to learn: add clips of them, or set validation_resplit_percent in the spec's [data] table (the default "
        "spec does; for one run: kws train --set data.validation_resplit_percent=20) to re-split the non-test clips "
        "by speaker."]
    assert main(["dataset", "info", str(speech), "--spec", "tflite_micro_speech", "--json"]) == 0
    kinds = [w["kind"] for w in json.loads(capsys.readouterr().out)["warnings"]]
    assert kinds == ["few_training_clips", "run_plan"]


def test_a_large_dataset_shows_progress_on_stderr(capsys, dataset, monkeypatch) -> None:
    root, _ = dataset
    monkeypatch.setattr(info_warnings, "PROGRESS_MIN_CLIPS", 10)
    assert main(["dataset", "info", str(root), "--check", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["clip_check"]["complete"] is True
    lines = captured.err.splitlines()
    assert len(lines) >= 10 and all(line.startswith("checking clips ") for line in lines)
    assert lines[-1].startswith("checking clips [############################] 100.0%")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_ends_the_check_with_what_it_read(capsys, dataset, monkeypatch, signum) -> None:
    """Ctrl+C (or SIGTERM) while the clips are read: the clip being read is finished, the tables and what was found
    so far are printed with where it stopped, exit 130 -- no traceback."""
    root, _ = dataset
    real_load = clip_checks.load_audio
    calls = []

    def load_then_signal(path, *args, **kwargs):  # the real reader; a real signal sent to this process
        calls.append(path)
        if len(calls) == 3:
            os.kill(os.getpid(), signum)
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(clip_checks, "load_audio", load_then_signal)
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert main(["dataset", "info", str(root), "--check"]) == EXIT_CANCELLED
    captured = capsys.readouterr()
    total = len(list(root.glob("*/*.wav")))
    assert len(calls) == 3
    assert captured.err == f"kws: interrupted: the clip check stopped after 3 of {total} clips\n"
    assert "speakers " in captured.out
    assert captured.out.rstrip().endswith(f"warning: the clip check was stopped after 3 of {total} clips: the lists "
                                          "above cover those")
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers  # given back


def test_the_remedy_names_a_real_setting_that_the_named_recipe_sets() -> None:
    """"kws train --spec default re-splits ... (validation_resplit_percent)" must stay true of the shipped recipe."""
    from workbench.training.spec.model_spec import load_spec

    assert load_spec(info_warnings.RESPLITTING_SPEC).data.validation_resplit_percent is not None
    assert getattr(load_spec("tflite_micro_speech").data, info_warnings.RESPLIT_OPTION) is None


def test_a_folder_without_the_default_keywords_says_to_name_its_own(tmp_path: Path, capsys) -> None:
    """One's own takes of "hey lamp" (no synth.json names their words): counted against yes and no, the table said
    nothing of the dataset's words and the only remedy offered was a re-split; the warning names --keywords and the
    dataset's words, first, and not when the keywords are chosen."""
    takes = make_dataset(tmp_path / "takes", {"hey_lamp": speaker_names(3, start=7), "camp": speaker_names(2)})
    assert main(["dataset", "info", str(takes), "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert warnings[0] == {"kind": "keywords_absent", "names": ["yes", "no"], "message": (
        "the dataset has none of the keywords yes,no, which are counted without --keywords (its words: camp, "
        "hey_lamp): count its own with --keywords WORDS, as kws train takes them")}
    assert main(["dataset", "info", str(takes), "--json", "--keywords", "hey_lamp"]) == 0
    assert "keywords_absent" not in {w["kind"] for w in json.loads(capsys.readouterr().out)["warnings"]}
