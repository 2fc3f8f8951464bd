"""A synthetic dataset from two real engines: the Speech Commands layout, speaker-disjoint splits, valid
clips with the word inside, repeatable with a seed (whatever the number of processes), cancel and resume,
and a missing engine that is reported, not fatal."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.core.errors import WorkbenchError
from workbench.datasets.layout import scan_dataset
from workbench.datasets.splits import split_of
from workbench.synthesis.build_plan import SynthSettings, folder_name, plan_clips
from workbench.synthesis.clip_placement import PlacementSettings, speech_span
from workbench.synthesis.dataset_builder import MANIFEST, build_dataset, default_workers
from workbench.synthesis.negatives import NegativeWord
from workbench.synthesis.voice_registry import discover_voices

PEAK_DBFS = (-18.0, -3.0)


def settings(**changes) -> SynthSettings:
    base = dict(words=("yes", "hey lamp"), negatives=(NegativeWord("go", "given"),), takes=2, seed=5,
                noise_seconds=2.0, placement=PlacementSettings(peak_dbfs=PEAK_DBFS))
    base.update(changes)
    return SynthSettings(**base)


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.wav"))}


def test_two_words_from_two_engines_make_a_speech_commands_dataset(two_engine_registry, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    progress = []
    report = build_dataset(settings(), two_engine_registry, out, workers=1, progress=progress.append)
    assert not report.failures and not report.cancelled
    assert report.counts == {"go": 5, "hey_lamp": 10, "yes": 10}  # 5 voices x 2 takes, 1 take of negatives
    assert sorted(p.name for p in out.iterdir()) == ["_background_noise_", "go", "hey_lamp", MANIFEST, "yes"]
    assert sorted(p.name for p in (out / "_background_noise_").iterdir()) == [
        "babble.wav", "brown.wav", "hum_50hz.wav", "hum_60hz.wav", "pink.wav", "white.wav"]
    assert progress[-1].phase == "done" and progress[-1].done == progress[-1].total
    names = sorted(p.name for p in (out / "yes").iterdir())
    assert names[:2] == ["espeak-f2_nohash_0.wav", "espeak-f2_nohash_1.wav"] and "kal_nohash_1.wav" in names
    placement = PlacementSettings()
    margin = int(placement.margin_s * placement.sample_rate)
    for path in sorted(out.glob("[!_]*/*.wav")):
        info = sf.info(str(path))
        assert (info.samplerate, info.channels, info.subtype, info.frames) == (16000, 1, "PCM_16", 16000), path
        clip, _ = sf.read(str(path), dtype="int16")
        level = 20 * np.log10(np.abs(clip.astype(np.int32)).max() / 32767)
        assert PEAK_DBFS[0] - 0.1 <= level <= PEAK_DBFS[1] + 0.1, (path, level)
        nonzero = np.flatnonzero(clip)
        assert margin <= nonzero[0] and nonzero[-1] < clip.size - margin  # the word is inside the clip
        start, end = speech_span(clip.astype(np.float32), 16000, trim_db=30)
        assert end - start > 0.15 * 16000  # a word, not a click
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["settings"]["words"] == ["yes", "hey lamp"] and manifest["counts"] == report.counts
    assert manifest["speakers"]["kal"] == ["flite:kal16"] and manifest["negatives"][0]["word"] == "go"
    assert not list(out.rglob("*.tmp"))


def test_each_speaker_stays_in_one_split(two_engine_registry, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    build_dataset(settings(noise_kinds=()), two_engine_registry, out, workers=1)
    index = scan_dataset(out)
    assert index.words() == {"go": 5, "hey_lamp": 10, "yes": 10}
    splits = defaultdict(set)
    for clip in index.clips:
        splits[clip.speaker].add(clip.split)
        assert clip.split == split_of(clip.path)
    assert set(splits) == {"espeak-m3", "espeak-f2", "espeak-klatt", "kal", "slt"}
    assert all(len(s) == 1 for s in splits.values())  # never one voice on two sides


def test_one_person_under_two_engines_is_one_speaker(need_programs, tmp_path: Path) -> None:
    need_programs("flite", "festival")
    registry = discover_voices(["flite", "festival"], ["kal"])
    if len(registry.voices) < 2:
        pytest.skip("festvox-kallpc16k is not installed")
    build_dataset(settings(words=("yes",), negatives=(), noise_kinds=()), registry, tmp_path / "kal", workers=1)
    names = sorted(p.name for p in (tmp_path / "kal" / "yes").iterdir())
    assert names == ["kal_nohash_0.wav", "kal_nohash_1.wav", "kal_nohash_2.wav", "kal_nohash_3.wav"]


def test_the_same_seed_gives_the_same_dataset_with_any_number_of_workers(two_engine_registry, tmp_path: Path) -> None:
    build_dataset(settings(), two_engine_registry, tmp_path / "a", workers=1)
    build_dataset(settings(), two_engine_registry, tmp_path / "b", workers=2)
    build_dataset(settings(seed=6), two_engine_registry, tmp_path / "c", workers=1)
    a, b, c = digests(tmp_path / "a"), digests(tmp_path / "b"), digests(tmp_path / "c")
    assert a == b
    assert a.keys() == c.keys() and sum(a[k] != c[k] for k in a) > len(a) // 2


def test_cancel_keeps_what_is_written_and_resume_finishes_it(two_engine_registry, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    cancel = threading.Event()

    def stop_after_first_batch(report) -> None:
        if report.phase == "clips" and report.done > 0:
            cancel.set()

    first = build_dataset(settings(), two_engine_registry, out, workers=1, progress=stop_after_first_batch,
                          cancel=cancel)
    assert first.cancelled and 0 < first.written < 25
    assert json.loads((out / MANIFEST).read_text())["cancelled"] is True
    with pytest.raises(WorkbenchError, match="not empty"):
        build_dataset(settings(), two_engine_registry, out, workers=1)
    second = build_dataset(settings(), two_engine_registry, out, workers=1, resume=True)
    assert not second.cancelled and second.kept == first.written and second.clips == 25
    build_dataset(settings(), two_engine_registry, tmp_path / "fresh", workers=1)
    assert digests(out) == digests(tmp_path / "fresh")


def test_a_missing_engine_is_reported_not_fatal(need_programs, tmp_path: Path, monkeypatch) -> None:
    need_programs("espeak-ng")
    only_espeak = tmp_path / "bin"
    only_espeak.mkdir()
    os.symlink(shutil.which("espeak-ng"), only_espeak / "espeak-ng")
    monkeypatch.setenv("PATH", str(only_espeak))
    registry = discover_voices(["espeak", "flite"], ["espeak:m1", "flite:*"])
    assert [s.engine for s in registry.missing] == ["flite"]
    assert "apt-get install flite" in registry.notes()[0]
    report = build_dataset(settings(noise_kinds=()), registry, tmp_path / "synth", workers=1)
    assert report.counts == {"go": 1, "hey_lamp": 2, "yes": 2}
    manifest = json.loads((tmp_path / "synth" / MANIFEST).read_text())
    assert any(e["name"] == "flite" and not e["available"] for e in manifest["engines"])


def test_no_voice_at_all_is_one_clear_error(empty_path, tmp_path: Path) -> None:
    registry = discover_voices(["espeak", "flite", "festival"])
    with pytest.raises(WorkbenchError, match="No voice is installed.*apt-get install espeak-ng"):
        build_dataset(settings(), registry, tmp_path / "synth")
    assert not (tmp_path / "synth").exists()


def test_the_plan_names_every_clip_once(two_engine_registry) -> None:
    jobs = plan_clips(settings(takes=3), two_engine_registry.voices)
    paths = [j.path for j in jobs]
    assert len(paths) == len(set(paths)) == (2 * 3 + 1) * 5
    assert folder_name("Hey  Lamp") == "hey_lamp"
    with pytest.raises(WorkbenchError):
        folder_name("__")
    with pytest.raises(WorkbenchError):
        SynthSettings(words=("yes", "Yes"))


def test_resume_refuses_other_settings(two_engine_registry, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    build_dataset(settings(noise_kinds=()), two_engine_registry, out, workers=1)
    with pytest.raises(WorkbenchError, match="other settings"):
        build_dataset(settings(noise_kinds=(), takes=3), two_engine_registry, out, workers=1, resume=True)
    again = build_dataset(settings(noise_kinds=()), two_engine_registry, out, workers=1, resume=True)
    assert again.written == 0 and again.kept == 25


def test_the_manifest_says_building_while_it_runs_and_how_it_ended(two_engine_registry, tmp_path: Path) -> None:
    """synth.json is written first, so a build killed midway (kill -9) is recognisable as unfinished."""
    out = tmp_path / "synth"
    seen = []

    def look(report) -> None:
        seen.append(json.loads((out / MANIFEST).read_text())["state"])

    build_dataset(settings(noise_kinds=()), two_engine_registry, out, workers=2, progress=look)
    assert seen[0] == "building" and json.loads((out / MANIFEST).read_text())["state"] == "finished"
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["cancelled"] is False and sum(manifest["counts"].values()) == 25
    with pytest.raises(WorkbenchError, match="same settings into it with --resume"):
        build_dataset(settings(noise_kinds=()), two_engine_registry, out, workers=1)


def test_a_cancelled_build_with_workers_says_so_and_resume_finishes(two_engine_registry, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    cancel = threading.Event()

    def stop_after_first_batch(report) -> None:
        if report.phase == "clips" and report.done > 0:
            cancel.set()

    first = build_dataset(settings(noise_kinds=()), two_engine_registry, out, workers=max(2, default_workers()),
                          progress=stop_after_first_batch, cancel=cancel)
    assert first.cancelled and json.loads((out / MANIFEST).read_text())["state"] == "cancelled"
    second = build_dataset(settings(noise_kinds=()), two_engine_registry, out, workers=2, resume=True)
    assert second.clips == 25 and json.loads((out / MANIFEST).read_text())["state"] == "finished"


def _real_recordings(folder: Path) -> Path:
    """A folder of real recordings in the Speech Commands layout, as a person keeps one (no synth.json)."""
    (folder / "stop").mkdir(parents=True)
    sf.write(str(folder / "stop" / "kal_nohash_0.wav"), np.zeros(16000, np.int16), 16000, subtype="PCM_16")
    return folder


def test_resume_never_writes_into_a_folder_no_build_made(two_engine_registry, tmp_path: Path) -> None:
    """--resume on real recordings counted stop/kal_nohash_0.wav as a synthetic take and added synth.json and
    _background_noise_ to the folder."""
    real = _real_recordings(tmp_path / "real")
    before = digests(real)
    with pytest.raises(WorkbenchError) as refused:
        build_dataset(settings(words=("stop",)), two_engine_registry, real, workers=1, resume=True)
    assert str(refused.value) == (f"--resume continues a cancelled kws dataset synth build, but {real} holds no "
                                  "synth.json, so it is no synth build: choose a new folder.")
    assert sorted(p.name for p in real.iterdir()) == ["stop"] and digests(real) == before


@pytest.mark.parametrize("text, why", [
    ("{not json", "it is not valid JSON: "),
    ("[1, 2]", "it holds no build settings"),
    (b"\xff\xfe", "it is not UTF-8 text"),
])
def test_resume_says_an_unreadable_manifest_is_unreadable(two_engine_registry, tmp_path: Path, text, why) -> None:
    """A corrupt synth.json was reported as "built with other settings"."""
    out = _real_recordings(tmp_path / "synth")
    if isinstance(text, bytes):
        (out / MANIFEST).write_bytes(text)
    else:
        (out / MANIFEST).write_text(text)
    with pytest.raises(WorkbenchError) as refused:
        build_dataset(settings(words=("stop",)), two_engine_registry, out, workers=1, resume=True)
    message = str(refused.value)
    assert message.startswith(f"{out / MANIFEST} cannot be read ({why}") and "other settings" not in message
    assert message.endswith(f"so --resume cannot tell whether {out} was built with the same settings: choose a new "
                            "folder.")
    assert sorted(p.name for p in out.iterdir()) == ["stop", MANIFEST]


def test_resume_into_an_empty_or_missing_folder_builds_it(two_engine_registry, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "empty", tmp_path / "new"):
        report = build_dataset(settings(words=("yes",), noise_kinds=()), two_engine_registry, out, workers=1,
                               resume=True)
        assert report.counts == {"go": 5, "yes": 10} and report.kept == 0


def test_a_disk_that_fills_midway_says_to_resume_and_resume_finishes(two_engine_registry, tmp_path: Path) -> None:
    """"free some space and run it again" alone led to a refusal (the folder is not empty): it says --resume."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from small_disk import fill, mounted_tmpfs

    with mounted_tmpfs(tmp_path / "disk", "4m") as disk:
        out = disk / "synth"
        filler: list[Path] = []

        def fill_after_a_few(report) -> None:
            if report.phase == "clips" and report.done >= 5 and not filler:
                filler.append(fill(disk))

        with pytest.raises(WorkbenchError) as raised:
            build_dataset(settings(), two_engine_registry, out, workers=1, progress=fill_after_a_few)
        message = str(raised.value)
        assert "No space left on device" in message and message.endswith(
            "are kept: the same command with --resume continues the build."), message
        filler[0].unlink()
        report = build_dataset(settings(), two_engine_registry, out, workers=1, resume=True)
        assert not report.cancelled and report.kept > 0 and report.counts == {"go": 5, "hey_lamp": 10, "yes": 10}
