"""How a model hears the test clips from fresh frontend state (as ``kws evaluate`` and MLTK) and as in a stream.

On the board the frontend never restarts: when a word reaches the model's window, the noise estimate and
the gain control (PCAN) have already heard the words and pauses before it. ``kws evaluate`` -- like MLTK's
training and evaluation -- renders every clip from fresh state. This prints, per word of the dataset's
testing split, the accuracy and the share of clips scored above 0.98 (where a calibrated threshold sits)
both ways: fresh (the clip alone, over a noise bed), and heard (the same audio after another test clip of
another word and a 0.3-1.2 s gap, over the same noise bed at 20-40 dB SNR below the clip: the goal
stream's mix). The fresh column is the baseline of the same run::

    python benchmarks/frontend_history.py [--model MODEL] [--words yes,no,go,down,left]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from workbench.assets import default_model_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.detector import keyword_classes
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import load_model
from workbench.datasets.clip_length import fit_length
from workbench.datasets.dataset_defaults import MLTK_TRIM_DB
from workbench.datasets.layout import SILENCE, UNKNOWN, scan_dataset
from workbench.evaluation.evaluate import clips_for_split

REPO = Path(__file__).resolve().parents[1]
SHARED_DATASET = REPO.parent / "shared" / "datasets" / "speech_commands"
NOISE = "_background_noise_/pink_noise.wav"
GAP_S = (0.3, 1.2)
SNR_DB = (20.0, 40.0)
CONFIDENT = 0.98
SEED = 16


def _level(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None, help="model (default: the bundled model)")
    parser.add_argument("--dataset", type=Path, default=SHARED_DATASET, help="dataset folder")
    parser.add_argument("--words", default="yes,no,go,down,left", help="words to report, comma separated")
    args = parser.parse_args()
    model = load_model(args.model or default_model_path())
    runner, settings = ModelRunner(model.tflite), FrontendSettings.from_params(model.params)
    frontend, length, step = MicroFrontend(settings), settings.sample_length, settings.window_step_samples
    rate = settings.sample_rate_hz
    clips = clips_for_split(scan_dataset(args.dataset), "test")
    words = [w.strip() for w in args.words.split(",") if w.strip()]
    noise = load_audio(args.dataset / NOISE, rate).samples.astype(np.float64)
    rng = np.random.default_rng(SEED)
    classes = list(model.classes)

    def audio(path: Path) -> np.ndarray:
        return fit_length(load_audio(path, rate).samples, length, trim_db=MLTK_TRIM_DB).astype(np.float64)

    print(f"{model.name}: per word, fresh frontend state / heard after another word (testing split)")
    keywords = keyword_classes(classes)
    print(f"{'word':8} {'clips':>5}  {'accuracy %':>15}" + "".join(f"  {f'P({k}) > {CONFIDENT} %':>17}" for k in keywords))
    for word in words:
        mine = [c for c in clips if c.word == word]
        if not mine:
            print(f"{word:8} no clips in the testing split")
            continue
        others = [c for c in clips if c.word not in (word, SILENCE)]
        target = classes.index(word) if word in classes else classes.index(UNKNOWN)
        fresh, heard = [], []
        for clip in mine:
            own, before = audio(clip.path), audio(others[int(rng.integers(len(others)))].path)
            gap = int(rng.uniform(*GAP_S) * rate)
            gap -= (before.size + gap) % step  # the clip's frames are cut where a fresh frontend cuts them
            total = before.size + gap + own.size
            start = int(rng.integers(noise.size - total))
            bed = noise[start:start + total]
            bed = bed * _level(own) / max(_level(bed), 1e-9) / 10 ** (rng.uniform(*SNR_DB) / 20)
            stream = np.clip(np.concatenate([before, np.zeros(gap), own]) + bed, -32768, 32767).astype(np.int16)
            window = stream[-own.size:]
            fresh.append(runner.probabilities(frontend.process_clip(window, dtype=runner.features_dtype)))
            heard.append(runner.probabilities(frontend.process_clip(window, dtype=runner.features_dtype,
                                                                    history=stream[:-own.size])))
        a, b = np.array(fresh), np.array(heard)

        def pair(values_a: np.ndarray, values_b: np.ndarray) -> str:
            return f"{100 * values_a.mean():6.1f} / {100 * values_b.mean():5.1f}"

        confident = "".join(f"  {pair(a[:, i] > CONFIDENT, b[:, i] > CONFIDENT):>17}"
                            for i in (classes.index(k) for k in keywords))
        print(f"{word:8} {len(mine):5d}  {pair(a.argmax(1) == target, b.argmax(1) == target):>15}" + confident)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
