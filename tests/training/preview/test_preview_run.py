"""An augmentation preview of a small real dataset is what the first training epoch trains on: the same samples,
in the plan's balance, each the very audio and spectrogram the training pipeline computes for it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from preview_files import png_spectrogram, preview_request, read_index, wav_samples

from workbench.core.audio.audio_file import load_audio
from workbench.core.frontend import MicroFrontend
from workbench.datasets.layout import scan_dataset
from workbench.training.data.augmentation import MASK_VALUE, to_int16
from workbench.training.data.features import FeatureMaker, FeatureSettings, SampleRenderer
from workbench.training.data.sample_plan import Sample, SamplePlan, make_plan
from workbench.training.preview.preview_folder import INDEX_FILE, PREVIEW_DIR, RECORD_FILE
from workbench.training.preview.preview_run import run_preview
from workbench.training.preview.preview_samples import PREVIEW_EPOCH, epoch_order, epoch_samples, preview_choice
from workbench.training.run.pipeline import resolve_spec
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import TrainRequest
from workbench.training.spec.model_spec import ModelSpec

COUNT = 6
EVERY_TRANSFORM_ON = ("augmentation.mask_share=1.0", "augmentation.loudness_range=[0.5, 1.5]",
                      "augmentation.speed_range=[0.9, 1.1]", "augmentation.pitch_range=[-2.0, 2.0]")
EVERY_TRANSFORM_OFF = ("augmentation.bg_noise_range=[0.0, 0.0]", "augmentation.offset_range=[0.0, 0.0]",
                       "augmentation.trim_threshold_db=off")  # the quick spec has no loudness, speed, pitch or masks
MASK_SPAN = re.compile(r"(channel|frame)s? (\d+)(?:-(\d+))?")


class TrainingSide:
    """What the training makes of the request: its spec, plan, first epoch's samples and the ones previewed."""

    def __init__(self, request: TrainRequest, count: int) -> None:
        self.spec: ModelSpec = resolve_spec(request)
        data, seed = self.spec.data, self.spec.training.seed
        index = scan_dataset(request.datasets[0].path, validation_percent=data.validation_percent,
                             testing_percent=data.testing_percent, split_method=data.split_method)
        self.plan: SamplePlan = make_plan(index, data, seed)
        self.samples: list[Sample] = epoch_samples(self.plan, data, seed, PREVIEW_EPOCH)
        self.chosen = preview_choice(self.samples, epoch_order(seed, PREVIEW_EPOCH, len(self.samples)), count)
        self.settings = FeatureSettings.for_plan(self.spec, self.plan)


def _preview(request: TrainRequest, count: int) -> tuple[Path, list[dict[str, str]]]:
    outcome = run_preview(request, count, Progress())
    folder = request.out / PREVIEW_DIR
    assert outcome.folder == folder
    return folder, read_index(folder)


def test_six_samples_are_wav_and_png_pairs_with_an_index_in_the_plans_balance(speech_slice: Path, quick_spec: Path,
                                                                             tmp_path: Path) -> None:
    request = preview_request(speech_slice, tmp_path / "out", quick_spec)
    folder, rows = _preview(request, COUNT)
    side = TrainingSide(request, COUNT)
    assert [row["n"] for row in rows] == [str(n) for n in range(1, COUNT + 1)]
    files = [INDEX_FILE, RECORD_FILE] + [row["audio"] for row in rows] + [row["spectrogram"] for row in rows]
    assert sorted(path.name for path in folder.iterdir()) == sorted(files)
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [PREVIEW_DIR]  # nothing else, no lock
    for row, index in zip(rows, side.chosen, strict=True):
        sample = side.samples[index]
        stem = "generated" if sample.path is None else sample.path.stem
        assert (row["audio"], row["spectrogram"]) == (f"{row['n']}_{row['class']}_{stem}.wav",
                                                      f"{row['n']}_{row['class']}_{stem}.png")
        assert row["class"] == side.plan.classes[sample.label]
        assert row["source"] == ("" if sample.path is None else str(sample.path.absolute()))
        audio, rate = wav_samples(folder / row["audio"])
        assert rate == side.spec.frontend.sample_rate_hz and audio.shape == (side.spec.frontend.sample_length,)
        assert png_spectrogram(folder / row["spectrogram"]).shape == side.spec.frontend.spectrogram_shape
    shown = Counter(row["class"] for row in rows)
    trained = Counter(side.plan.classes[sample.label] for sample in side.samples)
    assert set(shown) == set(side.plan.classes)  # every class, silence too
    assert all(abs(shown[name] - COUNT * trained[name] / len(side.samples)) <= 1 for name in side.plan.classes)


def _masked_regions(text: str, spectrogram: np.ndarray) -> list[np.ndarray]:
    regions = []
    for what, first, last in MASK_SPAN.findall(text):
        span = slice(int(first), int(last or first) + 1)
        regions.append(spectrogram[:, span] if what == "channel" else spectrogram[span, :])
    return regions


def test_every_sample_is_the_training_pipelines_own(speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    request = preview_request(speech_slice, tmp_path / "out", quick_spec, *EVERY_TRANSFORM_ON)
    folder, rows = _preview(request, COUNT)
    side = TrainingSide(request, COUNT)
    with FeatureMaker(side.settings, workers=1) as maker:  # the epoch as the trainer has it computed
        batch = maker.compute(side.samples, PREVIEW_EPOCH)
    assert not batch.failed
    renderer = SampleRenderer(side.settings)
    for row, index in zip(rows, side.chosen, strict=True):
        path = side.samples[index].path
        spectrogram = png_spectrogram(folder / row["spectrogram"])
        assert np.array_equal(spectrogram, batch.features[index])
        audio, _rate = wav_samples(folder / row["audio"])
        assert np.array_equal(audio, to_int16(renderer.waveform(index, path, PREVIEW_EPOCH)))
        drawn = renderer.transform(index, path, PREVIEW_EPOCH)
        assert float(row["loudness"]) == pytest.approx(drawn.loudness, rel=1e-3)
        assert float(row["speed"]) == pytest.approx(drawn.speed, rel=1e-3)
        assert float(row["pitch_semitones"]) == pytest.approx(drawn.semitones, rel=1e-3, abs=1e-4)
        assert float(row["offset"]) == pytest.approx(drawn.offset, rel=1e-3, abs=1e-4)
        noise = side.settings.background[drawn.noise_index] if drawn.noise_index is not None else None
        assert row["noise"] == (str(noise.absolute()) if noise is not None and drawn.noise_factor > 0 else "")
        regions = _masked_regions(row["masks"], spectrogram)
        assert regions and all((region == MASK_VALUE).all() for region in regions)  # mask_share 1: every sample
    assert len({row["speed"] for row in rows}) == COUNT  # drawn, not the default


def test_with_every_transform_off_the_audio_is_the_source_clip_placed_as_training_places_it(
        speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    request = preview_request(speech_slice, tmp_path / "out", quick_spec, *EVERY_TRANSFORM_OFF)
    folder, rows = _preview(request, COUNT)
    side = TrainingSide(request, COUNT)
    frontend, length = MicroFrontend(side.spec.frontend), side.spec.frontend.sample_length
    renderer = SampleRenderer(side.settings)
    for row, index in zip(rows, side.chosen, strict=True):
        path = side.samples[index].path
        expected = np.zeros(length, np.int16)  # a generated silence sample: nothing at all
        if path is not None:
            clip = load_audio(path, int(side.spec.frontend.sample_rate_hz)).samples[:length]
            expected[:clip.size] = clip  # at offset 0: padded after, or cropped
        audio, _rate = wav_samples(folder / row["audio"])
        assert np.array_equal(audio, expected)
        assert np.array_equal(audio, to_int16(renderer.waveform(index, path, PREVIEW_EPOCH)))
        assert np.array_equal(png_spectrogram(folder / row["spectrogram"]),
                              frontend.process_clip(expected, dtype=np.int8))
        applied = (row["offset"], row["trim_db"], row["noise"], row["loudness"], row["speed"],
                   row["pitch_semitones"], row["masks"], row["context"], row["history"])
        assert applied == ("0", "", "", "1", "1", "0", "", "", "")
