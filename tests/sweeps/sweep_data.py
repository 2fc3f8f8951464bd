"""Test data for the sweep tests: a slice of the real Speech Commands clips and small sweep files on it.

The slice keeps the dataset's layout; sweeps on it use the stratified speaker split (the shared
subset's keyword speakers sit in the official hash's validation/test bands) and two epochs, so a
trial trains in well under a minute on two CPUs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from workbench.datasets.splits import speaker_percentage

# clips per word folder: enough for every class in every stratified split, small enough to train fast
SLICE = {"yes": 30, "no": 30, "go": 8, "left": 8, "up": 8, "six": 6, "_silence_": 12}
NOISES = ("white_noise.wav", "pink_noise.wav")



def copy_slice(source: Path, root: Path) -> Path:
    """``SLICE`` clips per word, spread over the speaker-hash range, and two noise files."""
    for word, count in SLICE.items():
        clips = sorted((source / word).glob("*.wav"), key=lambda p: (speaker_percentage(p.name), p.name))
        step = max(1.0, len(clips) / count)
        (root / word).mkdir(parents=True, exist_ok=True)
        for i in range(min(count, len(clips))):
            shutil.copy(clips[int(i * step)], root / word)
    (root / "_background_noise_").mkdir(exist_ok=True)
    for name in NOISES:
        shutil.copy(source / "_background_noise_" / name, root / "_background_noise_" / name)
    return root


def sweep_text(dataset: Path, *, trials: int = 2, epochs: int = 2, search: str = "", board: str = "",
               scheduler: str = 'type = "fifo"', extra: str = "") -> str:
    """A small sweep file on ``dataset`` (fast trials: few epochs, few representative samples)."""
    search = search or ('"training.learning_rate" = { loguniform = [1e-3, 1e-2] }\n'
                        '"layers.1.filters" = { int = [4, 8] }')
    return f"""
name = "test_sweep"
datasets = [{str(dataset)!r}]
specs = ["tflite_micro_speech"]
epochs = {epochs}
seed = 3
{extra}

[fixed]
"data.split_method" = "stratified"
"conversion.representative_samples" = 32

[search]
{search}

[budget]
trials = {trials}

[scheduler]
{scheduler}

[board]
{board}
"""


def write_sweep(folder: Path, text: str, name: str = "sweep.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
