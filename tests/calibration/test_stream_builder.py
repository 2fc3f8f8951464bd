"""Streams built from real clips: deterministic, labelled where the words are, gaps and noise as asked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.calibration.streams.labels import load_labels
from workbench.calibration.streams.recipe_defaults import whole_clip_hourly_counts
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_background_stream, make_dataset_stream, write_stream
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.datasets.layout import scan_dataset

COUNTS = {"keyword_count": 8, "unknown_count": 10, "silence_count": 2}


def build(dataset: Path, **changes: object):  # type: ignore[no-untyped-def]
    recipe = StreamRecipe(**{"split": "all", **COUNTS, **changes})  # type: ignore[arg-type]
    return make_dataset_stream([dataset], recipe)


def rms_db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean((x.astype(np.float64) / 32768) ** 2) + 1e-12)


def test_same_seed_same_stream_other_seed_other_stream(small_dataset: Path, tmp_path: Path) -> None:
    a, b, c = build(small_dataset, seed=1), build(small_dataset, seed=1), build(small_dataset, seed=2)
    assert np.array_equal(a.samples, b.samples) and a.labels == b.labels
    assert not np.array_equal(a.samples[:c.samples.size], c.samples[:a.samples.size])
    wav, json_path, csv_path = write_stream(a, tmp_path / "s.wav")
    write_stream(b, tmp_path / "t.wav")
    assert wav.read_bytes() == (tmp_path / "t.wav").read_bytes()
    assert load_labels(json_path).events == load_labels(csv_path).events == a.labels.events


@pytest.mark.parametrize("whole_clips", [True, False])
def test_counts_labels_and_gaps(small_dataset: Path, whole_clips: bool) -> None:
    built = build(small_dataset, seed=4, gap_s=(0.3, 1.2), whole_clips=whole_clips)
    counts = built.labels.label_counts()
    assert counts == {"yes": 4, "no": 4, "_unknown_": 10, "_silence_": 2}
    events = built.labels.events
    gaps = [b.start_s - a.end_s for a, b in zip(events, events[1:])]
    if whole_clips:  # one-second clips 0.3–1.2 s apart: the words are further apart, by the clips' quiet parts
        assert min(gaps) >= 0.3 - 1e-4 and max(gaps) <= 1.2 + 2.0 and np.mean(gaps) > 1.0
    else:
        assert min(gaps) >= 0.3 - 1e-4 and max(gaps) <= 1.2 + 1e-4
    assert events[-1].end_s < built.duration_s
    assert {e.word for e in events if e.label == "_unknown_"} <= {"up", "go", "left", "cat"}
    assert all(e.clip.startswith(f"{e.word}/") for e in events)


def test_labels_mark_the_spoken_words(small_dataset: Path) -> None:
    """Without noise, the labelled words hold the speech energy and the gaps are near silence."""
    built = build(small_dataset, seed=5, snr_db=None, gain_db=(0.0, 0.0))
    samples, rate = built.samples, built.sample_rate
    words = [e for e in built.labels.events if e.label != "_silence_"]
    inside = np.concatenate([samples[int(e.start_s * rate):int(e.end_s * rate)] for e in words])
    gaps = [samples[int(a.end_s * rate) + 1600:int(b.start_s * rate) - 1600]
            for a, b in zip(built.labels.events, built.labels.events[1:])
            if a.label != "_silence_" and b.label != "_silence_"]
    between = np.concatenate([g for g in gaps if g.size])
    assert rms_db(inside) - rms_db(between) > 25


def test_noise_follows_the_snr(small_dataset: Path) -> None:
    loud = build(small_dataset, seed=6, snr_db=(10.0, 10.0), gain_db=(0.0, 0.0))
    quiet = build(small_dataset, seed=6, snr_db=(40.0, 40.0), gain_db=(0.0, 0.0))
    lead = int(0.9 * loud.sample_rate)  # the lead-in is noise alone
    assert 25 < rms_db(loud.samples[:lead]) - rms_db(quiet.samples[:lead]) < 35
    assert loud.labels == quiet.labels


def test_minutes_fill_the_duration(small_dataset: Path) -> None:
    built = make_dataset_stream([small_dataset], StreamRecipe(minutes=0.5, split="all", seed=1))
    assert built.duration_s == 30.0
    counts = built.labels.label_counts()
    assert counts["_unknown_"] > counts.get("yes", 0) + counts.get("no", 0) > 0


def test_testing_split_uses_only_testing_speakers(speech_commands: Path) -> None:
    built = make_dataset_stream([speech_commands], StreamRecipe(minutes=1.0, seed=2))
    testing = {f"{c.word}/{c.path.name}" for c in scan_dataset(speech_commands).select("testing")}
    used = {e.clip for e in built.labels.events}
    assert used and used <= testing
    assert built.info["split"] == "testing" and built.info["split_method"] == "hash"


def test_background_only_stream(small_dataset: Path) -> None:
    built = make_background_stream([small_dataset / "_background_noise_" / "tap.wav"], 0.25, -30.0, seed=1)
    assert built.labels.events == () and built.duration_s == 15.0
    assert rms_db(built.samples) == pytest.approx(-30.0, abs=1.0)


def test_clear_errors(small_dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="the dataset has no 'stop' clips"):
        build(small_dataset, keywords=("yes", "stop"))
    with pytest.raises(SettingsError, match="gap_s must be LOW:HIGH with LOW <= HIGH"):
        StreamRecipe(gap_s=(1.0, 0.5))
    empty = tmp_path / "empty_noise"
    (empty / "yes").mkdir(parents=True)
    sf.write(str(empty / "yes" / "a_nohash_0.wav"), np.zeros(16000, np.int16), 16000)
    with pytest.raises(WorkbenchError, match="no background noise: .*--noise.*--no-noise"):
        make_dataset_stream([empty], StreamRecipe(keywords=("yes",), keyword_count=1, unknown_count=0,
                                                  silence_count=0, split="all"))
    with pytest.raises(SettingsError, match="needs noise recordings: name them with --noise, or give a --dataset"):
        make_background_stream([], 0.25, -30.0)
    with pytest.raises(SettingsError, match=r"written as a \.wav file"):
        write_stream(build(small_dataset), tmp_path / "s.flac")


def test_a_stream_replaces_an_older_one_with_its_labels_or_not_at_all(small_dataset: Path, tmp_path: Path) -> None:
    """A stream WAV is never left beside another stream's labels (what a Ctrl+C between the files did)."""
    wav, json_path, csv_path = write_stream(build(small_dataset, seed=1), tmp_path / "s.wav")
    old = {p: p.read_bytes() for p in (wav, json_path, csv_path)}
    csv_path.unlink()
    csv_path.mkdir()  # the CSV cannot be written this time
    with pytest.raises(WorkbenchError, match=r"s\.csv: it is a folder"):
        write_stream(build(small_dataset, seed=2), wav)
    assert wav.read_bytes() == old[wav] and json_path.read_bytes() == old[json_path]
    csv_path.rmdir()
    write_stream(build(small_dataset, seed=2), wav)
    assert load_labels(json_path).events == load_labels(csv_path).events == build(small_dataset, seed=2).labels.events
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.json", "s.wav"]  # no temporary files


@pytest.mark.parametrize("minutes", [0.01, 0.07])
def test_a_stream_too_short_for_one_clip_is_refused(small_dataset: Path, minutes: float) -> None:
    with pytest.raises(SettingsError, match=r"too short for even one clip.*at least 0\.09 minutes"):
        make_dataset_stream([small_dataset], StreamRecipe(minutes=minutes, split="all"))
    shortest = make_dataset_stream([small_dataset], StreamRecipe(minutes=0.09, split="all"))
    assert len(shortest.labels.events) >= 1


def test_reused_clips_are_counted(small_dataset: Path) -> None:
    reused = build(small_dataset, keyword_count=30, unknown_count=0, silence_count=0)  # 6 + 6 yes/no clips
    assert reused.info["reused_clips"] == 12 and reused.info["most_uses_of_a_clip"] >= 2
    fresh = build(small_dataset, keyword_count=4, unknown_count=0, silence_count=0)
    assert fresh.info["reused_clips"] == 0 and fresh.info["most_uses_of_a_clip"] == 1


@pytest.mark.parametrize("level", [10.0, float("inf"), float("nan")])
def test_a_background_level_above_full_scale_is_refused(small_dataset: Path, level: float) -> None:
    noise = [small_dataset / "_background_noise_" / "tap.wav"]
    with pytest.raises(SettingsError, match=r"below full scale \(0 dBFS\)"):
        make_background_stream(noise, 0.25, level, seed=1)


def test_a_loud_background_is_built_and_its_clipping_counted(small_dataset: Path) -> None:
    noise = [small_dataset / "_background_noise_" / "tap.wav"]
    loud = make_background_stream(noise, 0.25, 0.0, seed=1)
    assert loud.clipped_samples > 0 and loud.info["clipped_samples"] == loud.clipped_samples
    assert make_background_stream(noise, 0.25, -60.0, seed=1).clipped_samples == 0

@pytest.mark.parametrize(("counts", "expected"), [
    ({"keyword_count": 3}, (3, 16, 2)),  # issue 16's 332 : 1,678 : 169, rounded up
    ({"keyword_count": 332}, (332, 1678, 169)),
    ({"keyword_count": 3, "unknown_count": 0}, (3, 0, 2)),  # a count given is kept
    ({"unknown_count": 5, "minutes": 60.0}, (332, 5, 169)),  # without keyword_count, minutes size the others
])
def test_a_keyword_count_sizes_the_others_in_the_recipes_proportions(counts: dict, expected: tuple) -> None:
    assert StreamRecipe(**counts).counts() == expected


def test_an_hour_of_whole_clips_holds_the_counts_the_help_states(speech_commands: Path) -> None:
    """Whole one-second clips 0.3-1.2 s apart fit about 2,055 items an hour, not issue 16's 2,179."""
    hourly = whole_clip_hourly_counts()
    assert sum(hourly) == 2055 and hourly == (313, 1583, 159)
    built = make_dataset_stream([speech_commands], StreamRecipe(minutes=60.0, seed=16, snr_db=None))
    counts = built.labels.label_counts()
    kinds = (counts["yes"] + counts["no"], counts["_unknown_"], counts["_silence_"])
    assert abs(sum(kinds) - sum(hourly)) < 0.01 * sum(hourly), kinds
    assert all(abs(got - want) < 0.15 * want for got, want in zip(kinds, hourly)), kinds


def test_a_stream_sized_by_keywords_keeps_the_proportions(small_dataset: Path) -> None:
    built = make_dataset_stream([small_dataset], StreamRecipe(split="all", keyword_count=4))
    assert built.labels.label_counts() == {"yes": 2, "no": 2, "_unknown_": 21, "_silence_": 3}


@pytest.mark.parametrize("keyword", ["_silence_", "_unknown_", "_background_noise_"])
def test_a_class_name_is_not_a_keyword(keyword: str) -> None:
    with pytest.raises(SettingsError, match=f"{keyword} is a class name, not a keyword"):
        StreamRecipe(keywords=("yes", keyword))


def test_a_keyword_the_dataset_lacks_is_refused_even_with_no_share(small_dataset: Path) -> None:
    with pytest.raises(WorkbenchError, match="the dataset has no 'stop' clips"):
        build(small_dataset, keywords=("yes", "stop"), keyword_count=1)  # 'stop' would get no item


def test_clips_kept_below_the_gain_asked_for_by_the_peak_limit_are_counted(small_dataset: Path) -> None:
    assert build(small_dataset, gain_db=(-3.0, 3.0)).info["peak_limited_clips"] == 0
    loud = build(small_dataset, gain_db=(100.0, 100.0))
    assert loud.info["peak_limited_clips"] == len(loud.labels.events) == 20
    assert loud.clipped_samples < loud.n_samples // 1000  # the peaks stay under full scale, only noise adds
