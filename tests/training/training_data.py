"""A slice of the real Speech Commands clips and a quick spec, for training tests (tests/training, tests/cli).

The slice keeps the dataset's own layout and split rule (the hash of the speaker), so its test split
is the same speakers as in the full shared folder; the quick spec re-splits the non-test clips into
training and validation (as the default recipe does) and trains for a few epochs only. A ``kws train`` child
started with ``--progress jsonl`` is stopped after its first epoch, as a user's Stop does, by
:func:`stop_after_first_epoch`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from workbench.child_command import EXIT_CANCELLED, STOP_FILE_NAME
from workbench.datasets.splits import speaker_percentage

# clips per word folder: keywords and silence get enough to learn something in a few epochs
SLICE = {"yes": 100, "no": 100, "go": 20, "left": 20, "up": 16, "down": 16, "six": 14, "_silence_": 40}
NOISES = ("white_noise.wav", "pink_noise.wav")
QUICK_EPOCHS = 12

# the seed model's layers with faster batch-norm statistics (a few dozen steps must settle them)
QUICK_SPEC = """
extends = "tflite_micro_speech"
name = "quick_kws"

[[layers]]
type = "conv2d"
filters = 8
kernel = [10, 8]
strides = [2, 2]

[[layers]]
type = "batch_norm"
momentum = 0.8

[[layers]]
type = "relu"

[[layers]]
type = "dropout"
rate = 0.5

[[layers]]
type = "flatten"

[[layers]]
type = "dense"
activation = "softmax"

[training]
max_epochs = {epochs}
batch_size = 16
learning_rate = 0.002
seed = 7

[data]
validation_resplit_percent = 25.0

[conversion]
representative_samples = 64
"""


def _balanced_slice(folder: Path, count: int) -> list[Path]:
    """``count`` clips spread over the hash range (so every split gets some), in a fixed order."""
    clips = sorted(folder.glob("*.wav"), key=lambda p: (speaker_percentage(p.name), p.name))
    if len(clips) <= count:
        return clips
    step = len(clips) / count
    return [clips[int(i * step)] for i in range(count)]


def copy_slice(source: Path, root: Path, per_word: dict[str, int] = SLICE) -> Path:
    for word, count in per_word.items():
        (root / word).mkdir(parents=True, exist_ok=True)
        for clip in _balanced_slice(source / word, count):
            shutil.copy(clip, root / word / clip.name)
    (root / "_background_noise_").mkdir(exist_ok=True)
    for name in NOISES:
        shutil.copy(source / "_background_noise_" / name, root / "_background_noise_" / name)
    return root


def stop_after_first_epoch(child: subprocess.Popen, out: Path, limit_s: float) -> None:
    """Stop the ``kws train --progress jsonl`` child writing into ``out`` once its first epoch is saved (the stop
    file, as the GUI's Stop); it must end as stopped on request. ``limit_s`` is a safety net for a hung child."""
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("{") and json.loads(line).get("event") == "epoch":
            (out / STOP_FILE_NAME).touch()
            break
    _out, err = child.communicate(timeout=limit_s)
    assert child.returncode == EXIT_CANCELLED, err
    (out / STOP_FILE_NAME).unlink(missing_ok=True)
