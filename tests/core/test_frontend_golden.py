"""The native frontend reproduces MLTK's spectrograms bit for bit (../shared/golden/frontend)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings

GOLDEN_CLIPS = [
    "mltk_no", "mltk_yes", "synth_chirp_100_7900hz", "synth_noise_20dBFS", "synth_noise_40dBFS",
    "synth_noise_60dBFS", "synth_silence", "synth_square_250hz_clipped", "synth_tone_1khz",
    "tts_down", "tts_left", "tts_no", "tts_right", "tts_up", "tts_yes",
]


def _settings_from_golden(golden_dir: Path) -> FrontendSettings:
    params = json.loads((golden_dir / "settings.json").read_text())["mltk_afg_settings"]
    return FrontendSettings.from_params(params)


def test_default_settings_are_the_reference_models(golden_dir: Path) -> None:
    assert _settings_from_golden(golden_dir) == FrontendSettings()


def test_every_golden_clip_is_listed(golden_dir: Path) -> None:
    on_disk = {p.stem for p in golden_dir.glob("*.npz") if not p.stem.startswith("stream_")}
    assert on_disk == set(GOLDEN_CLIPS)


@pytest.mark.parametrize("clip", GOLDEN_CLIPS)
def test_clip_bit_exact(golden_dir: Path, clip: str) -> None:
    ref = np.load(golden_dir / f"{clip}.npz")
    fe = MicroFrontend(_settings_from_golden(golden_dir))
    u16 = fe.process_clip(ref["audio"])
    i8 = fe.process_clip(ref["audio"], dtype=np.int8)
    assert u16.dtype == np.uint16 and i8.dtype == np.int8
    assert u16.shape == ref["features_uint16"].shape == (49, 40)
    assert np.count_nonzero(u16 != ref["features_uint16"]) == 0
    assert np.count_nonzero(i8 != ref["features_int8"]) == 0


def _variant_cases(golden_dir_path: Path) -> list[str]:
    index = json.loads((golden_dir_path / "variants" / "index.json").read_text())
    return [name for name, entry in index.items() if "settings" in entry]


def test_variants_bit_exact(golden_dir: Path) -> None:
    index = json.loads((golden_dir / "variants" / "index.json").read_text())
    names = _variant_cases(golden_dir)
    on_disk = {p.stem for p in (golden_dir / "variants").glob("*.npz")}
    assert set(names) == on_disk, "every variant file must be covered"
    checked = 0
    for name in names:
        entry = index[name]
        params = {"fe." + k: v for k, v in {**entry["settings"], **entry["overrides"]}.items()}
        settings = FrontendSettings.from_params(params)
        assert settings.spectrogram_shape == tuple(entry["spectrogram_shape"]), name
        fe = MicroFrontend(settings)
        data = np.load(golden_dir / "variants" / f"{name}.npz")
        clips = sorted({key.split("__")[0] for key in data.files})
        assert len(clips) == len(GOLDEN_CLIPS)
        for clip in clips:
            audio = data[f"{clip}__audio"]
            u16 = fe.process_clip(audio)
            diff_u16 = np.count_nonzero(u16 != data[f"{clip}__uint16"])
            diff_i8 = np.count_nonzero(fe.process_clip(audio, np.int8) != data[f"{clip}__int8"])
            assert (diff_u16, diff_i8) == (0, 0), f"{name}/{clip}: {diff_u16} uint16, {diff_i8} int8 differ"
            checked += 1
    assert checked == len(names) * len(GOLDEN_CLIPS)


def _irregular_chunks(n: int, seed: int, largest: int) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    bounds, start = [], 0
    while start < n:
        size = int(rng.integers(0, largest))  # includes empty chunks
        bounds.append((start, min(n, start + size)))
        start += size
    return bounds


@pytest.mark.parametrize("stream,step", [("stream_step10", 10), ("stream_step20", 20)])
@pytest.mark.parametrize("seed,largest", [(1, 7), (2, 333), (3, 5000)])
def test_streaming_bit_exact_in_irregular_chunks(golden_dir: Path, stream: str, step: int,
                                                 seed: int, largest: int) -> None:
    ref = np.load(golden_dir / f"{stream}.npz")
    audio = ref["audio"]
    settings = FrontendSettings(window_step_ms=step)
    fe_u16, fe_i8 = MicroFrontend(settings), MicroFrontend(settings)
    rows_u16, rows_i8 = [], []
    for a, b in _irregular_chunks(audio.size, seed, largest):
        rows_u16.append(fe_u16.feed(audio[a:b]))
        rows_i8.append(fe_i8.feed(audio[a:b], dtype=np.int8))
    u16, i8 = np.concatenate(rows_u16), np.concatenate(rows_i8)
    assert u16.shape == ref["features_uint16"].shape
    assert np.count_nonzero(u16 != ref["features_uint16"]) == 0
    assert np.count_nonzero(i8 != ref["features_int8"]) == 0


def test_reset_restarts_the_stream(golden_dir: Path) -> None:
    ref = np.load(golden_dir / "mltk_yes.npz")
    fe = MicroFrontend()
    fe.feed(np.load(golden_dir / "synth_noise_20dBFS.npz")["audio"][:7000])
    fe.reset()
    assert np.array_equal(fe.feed(ref["audio"]), ref["features_uint16"])


def test_clip_does_not_disturb_the_stream(golden_dir: Path) -> None:
    ref = np.load(golden_dir / "stream_step20.npz")
    audio = ref["audio"]
    fe = MicroFrontend()
    first = fe.feed(audio[:8000])
    fe.process_clip(np.load(golden_dir / "tts_up.npz")["audio"])
    second = fe.feed(audio[8000:])
    assert np.array_equal(np.concatenate([first, second]), ref["features_uint16"])
