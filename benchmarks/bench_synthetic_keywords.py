"""How good are keyword models trained on synthetic speech? Real vs synthetic vs both, on real speakers.

Trains the seed architecture (MLTK's tflite_micro_speech, from scratch, the same settings each time)

  (a) on real Speech Commands clips only -- the baseline, measured in this run;
  (b) on synthetic clips only (``kws dataset synth``: every local voice, no real speech at all);
  (c) on real + synthetic clips;

and evaluates each on the speaker-disjoint TEST split of the real ../shared/datasets/speech_commands
(per-class accuracy with ``kws evaluate``) and on a stream of those test speakers (``kws stream make``,
replayed by ``kws calibrate``): false rejects and false accepts per hour at the model's own detection
parameters, and the fewest false rejects at or under the target false accepts per hour.

``--levers`` also trains variants of (b), one change each, to measure what moves synthetic-only models
toward real speech: sound-alike negatives weighted (``unknown_word_weights``), more distinct voices (all
espeak-ng variants added; and the same number of clips spread over those voices, to tell voices from
clips), recorded-sounding clips (``--room``), training-time augmentation (speed, pitch, loudness), only
the voices of recorded people (no espeak-ng), the best two combined (b6), and real + b2 / b6 (c2, c6);
b7 trains (b)'s clips on a convolution learned beforehand from real speech of *other* words (the real
dataset without its "yes" and "no" folders) and kept: only the head learns, from synthetic speech;
b8 leaves out the sound-alike negatives (the real dataset's vocabulary stays), and c8 adds real clips to b8;
``--levers b1,b4`` trains only those (b1, b4 and b5 reuse the default synthetic set, the others build more).
Every step is cached in ``--work`` (a step whose output exists is not redone),
so the script can be stopped and run again. Children run ``nice``d. Hours of CPU: run it on purpose.

Needs ../shared (or KWS_SHARED_DIR), TensorFlow and the speech engines (``kws dataset voices``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import tempfile
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from workbench.child_command import kws_command  # noqa: E402

SHARED = Path(os.environ.get("KWS_SHARED_DIR", REPO.parent / "shared"))
KEYWORDS = ("yes", "no")
CLASSES = ("yes", "no", "_unknown_", "_silence_")
GOAL = 0.60  # synthetic-only: yes, no and unknown each at least this on real speakers
NEGATIVE_WEIGHT = 3.0
TARGET_FA_PER_HOUR = 100.0

SPEC = """
extends = "tflite_micro_speech"
name = "{name}"
{top_extra}
[training]
max_epochs = {epochs}
early_stopping_patience = {patience}
reduce_lr_patience = {lr_patience}
seed = {seed}
{training_extra}

[data]
validation_resplit_percent = 20.0
{data_extra}

[augmentation]
{augmentation}
"""
AUGMENTATION_LEVER = "loudness_range = [0.5, 1.5]\nspeed_range = [0.85, 1.15]\npitch_range = [-2.0, 2.0]\n" \
                     "bg_noise_range = [0.0, 0.4]"

# (b7) the real words whose speech trains the feature extractor: the dataset's other core words
PRETRAIN_WORDS = ("up", "down", "left", "right", "on", "off", "stop", "go")
FEATURE_LAYERS = 2  # the seed architecture's convolution and its batch norm
PRETRAIN_SPEC = """
extends = "tflite_micro_speech"
name = "features_other_words"

[training]
max_epochs = {epochs}
early_stopping_patience = 25
seed = {seed}

[data]
keywords = {words}
validation_resplit_percent = 20.0
"""

# trained with every seed (the others: the first only)
ALL_SEEDS = ("a", "b", "c", "b2", "c2", "b6", "c6", "b7", "b8", "c8")
SIMILAR_PER_KEYWORD = 12
SYNTH_SEED = 1
SYNTH_BASE = ["--words", ",".join(KEYWORDS), "--similar", str(SIMILAR_PER_KEYWORD), "--takes", "8",
              "--negative-takes", "2", "--espeak-variants", "curated"]


def code_digest() -> str:
    """A short digest of the training and synthesis code, recorded with the results (figures from
    different code must not be compared as if they were one run)."""
    digest = hashlib.sha1()
    for package in ("training", "synthesis"):
        for path in sorted((REPO / "workbench" / package).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def kws(*args: str, stdout: Path | None = None) -> str:
    """Run ``kws args`` (niced by this process); its stdout (also saved to ``stdout``)."""
    log("kws " + " ".join(args))
    done = subprocess.run(kws_command(*args), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"kws {args[0]} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    if stdout is not None:
        stdout.write_text(done.stdout)
    return done.stdout


def synth(work: Path, name: str, *extra: str) -> Path:
    out = work / name
    if not (out / "synth.json").is_file() or json.loads((out / "synth.json").read_text()).get("cancelled"):
        resume = ["--resume"] if out.is_dir() else []
        kws("dataset", "synth", *SYNTH_BASE, "--negatives-from", str(SHARED / "datasets" / "speech_commands"),
            "--seed", str(SYNTH_SEED), "--out", str(out), "--progress", "none", *extra, *resume)
    return out


def subset(work: Path, name: str, source: Path, prefix: str, keyword_takes: int | None = None,
           negative_takes: int | None = None) -> Path:
    """A copy (hard links) of ``source`` in which the speakers whose id starts with ``prefix`` keep only
    their first ``keyword_takes`` / ``negative_takes`` clips per folder (None: all of them; 0: none)."""
    out = work / name
    if out.is_dir():
        return out
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        (out / folder.name).mkdir(parents=True)
        limit = keyword_takes if folder.name in KEYWORDS else negative_takes
        for clip in folder.iterdir():
            speaker, _, number = clip.stem.partition("_nohash_")
            if speaker.startswith(prefix) and number.isdigit() and limit is not None and int(number) >= limit:
                continue
            os.link(clip, out / folder.name / clip.name)
    return out


def linked_subset(work: Path, name: str, source: Path, leave_out: set[str]) -> Path:
    """``work/name``: links to ``source``'s folders except those named in ``leave_out`` (made once)."""
    out = work / name
    if not out.is_dir():
        staging = work / f"{name}.partial"
        staging.mkdir(exist_ok=True)
        for folder in sorted(p for p in source.iterdir() if p.is_dir() and p.name not in leave_out):
            if not (staging / folder.name).exists():
                (staging / folder.name).symlink_to(folder.resolve(), target_is_directory=True)
        staging.rename(out)
    return out


def without_sound_alikes(work: Path, synthetic: Path) -> Path:
    """``synthetic`` without the negatives the sound-alike search added: the negatives are then only the
    real dataset's vocabulary ("go" among them), spoken by the same voices."""
    manifest = json.loads((synthetic / "synth.json").read_text())
    alikes = {n["word"].replace(" ", "_") for n in manifest["negatives"] if n["reason"].startswith("sounds like")}
    return linked_subset(work, "synth_no_sound_alikes", synthetic, alikes)


def sound_alikes(dataset: Path) -> dict[str, float]:
    """``unknown_word_weights`` for the negatives of a synthetic build that sound like a keyword (the CMU
    search's words, also when they came in first from another source, such as "go" from Speech Commands)."""
    from workbench.synthesis.negatives import phonetic_negatives

    manifest = json.loads((dataset / "synth.json").read_text())
    built = {n["word"] for n in manifest["negatives"]}
    similar, _ = phonetic_negatives(list(KEYWORDS), per_keyword=SIMILAR_PER_KEYWORD, seed=SYNTH_SEED)
    return {w.text.replace(" ", "_"): NEGATIVE_WEIGHT for w in similar if w.text in built}


def spec_file(work: Path, name: str, args: argparse.Namespace, seed: int, weights: dict[str, float] | None = None,
              augmentation: str = "", features: Path | None = None) -> Path:
    """The spec of one training; ``features``: a model whose convolution (+ batch norm) is taken and
    kept (``init_layers``, ``frozen_layers``) -- only the head learns."""
    data_extra = ""
    if weights:
        pairs = ", ".join(f'"{w}" = {v:g}' for w, v in sorted(weights.items()))
        data_extra = f"unknown_word_weights = {{ {pairs} }}"
    top_extra = f"init_from = {json.dumps(str(features))}" if features else ""
    training_extra = f"init_layers = {FEATURE_LAYERS}\nfrozen_layers = {FEATURE_LAYERS}" if features else ""
    path = work / f"{name}_s{seed}.toml"
    path.write_text(SPEC.format(name=name, epochs=args.epochs, patience=args.patience or args.epochs,
                                lr_patience=args.lr_patience, seed=seed, data_extra=data_extra,
                                augmentation=augmentation, top_extra=top_extra, training_extra=training_extra))
    return path


def other_words(work: Path, real: Path) -> Path:
    """The real dataset without the keywords' folders: real speech with no "yes" or "no" in it."""
    return linked_subset(work, "real_other_words", real, set(KEYWORDS))


def feature_model(work: Path, real: Path, args: argparse.Namespace) -> Path:
    """The seed architecture trained on real speech of other words only (``PRETRAIN_WORDS`` as classes,
    the dataset's other words as unknown; the keywords' folders left out): as openWakeWord's speech
    embedding, features learned from real voices for a head that then learns from synthetic ones."""
    spec = work / "features_other_words.toml"
    spec.write_text(PRETRAIN_SPEC.format(epochs=args.epochs, seed=SYNTH_SEED,
                                         words=json.dumps(list(PRETRAIN_WORDS))))
    out = work / "run_features_other_words"
    model = out / "features_other_words.keras"
    if not model.is_file():
        resume = ["--resume"] if (out / "run.json").is_file() else []
        data_args = [] if resume else ["--dataset", str(other_words(work, real))]
        kws("train", *data_args, "--out", str(out), "--spec", str(spec), "--progress", "none", "--no-evaluate",
            *resume)
    return model


def train(work: Path, name: str, spec: Path, datasets: list[Path]) -> Path:
    out = work / f"run_{name}"
    model = out / f"{spec.stem.rsplit('_s', 1)[0]}.tflite"
    if not model.is_file():
        resume = ["--resume"] if (out / "run.json").is_file() else []
        data_args = [] if resume else [a for d in datasets for a in ("--dataset", str(d))]
        kws("train", *data_args, "--out", str(out), "--spec", str(spec), "--keywords", ",".join(KEYWORDS),
            "--progress", "none", "--no-evaluate", *resume)
    return model


def evaluate(work: Path, name: str, model: Path, stream: Path) -> dict[str, Any]:
    result_file = work / f"eval_{name}.json"
    calibration_file = work / f"calibrate_{name}.json"
    real = SHARED / "datasets" / "speech_commands"
    if not result_file.is_file():
        kws("evaluate", str(model), "--dataset", str(real), "--split", "test", "--format", "json",
            stdout=result_file)
    if not calibration_file.is_file():
        kws("calibrate", "--model", str(model), "--stream", str(stream), "--format", "json", "--progress", "none",
            "--target-fa-per-hour", f"{TARGET_FA_PER_HOUR:g}", stdout=calibration_file)
    evaluation = json.loads(result_file.read_text())
    calibration = json.loads(calibration_file.read_text())
    accuracy = dict(zip(evaluation["classes"], evaluation["class_accuracies"]))
    own = calibration["model_parameters"]
    best = calibration.get("recommended") or {}
    return {"accuracy": accuracy, "balanced": evaluation["balanced_accuracy"],
            "confusion": evaluation["confusion_matrix"], "frr": own["frr"], "fa_per_hour": own["fa_per_hour"],
            "best_frr": best.get("frr"), "best_fa_per_hour": best.get("fa_per_hour")}


def average(per_seed: list[dict[str, Any]]) -> dict[str, Any]:
    """The mean of each figure over the seeds, and the spread (max - min) of the balanced accuracy."""
    def mean(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    out: dict[str, Any] = {"accuracy": {c: mean([r["accuracy"][c] for r in per_seed]) for c in CLASSES}}
    for key in ("balanced", "frr", "fa_per_hour", "best_frr", "best_fa_per_hour"):
        out[key] = mean([r[key] for r in per_seed])
    balanced = [r["balanced"] for r in per_seed]
    out["spread"] = max(balanced) - min(balanced)
    out["seeds"] = per_seed
    return out


def table(results: dict[str, dict[str, Any]]) -> str:
    width = max(len(name) for name in results) + 2
    head = (f"{'run':<{width}}{'yes':>7}{'no':>7}{'unknown':>9}{'silence':>9}{'balanced':>10}{'(spread)':>9}"
            f"{'FRR':>8}{'FA/h':>8}{'FRR@' + format(TARGET_FA_PER_HOUR, 'g') + 'FA/h':>14}")
    lines = [head, "-" * len(head)]
    for name, r in results.items():
        a = r["accuracy"]
        best = "-" if r["best_frr"] is None else f"{r['best_frr']:.3f} ({r['best_fa_per_hour']:.0f})"
        lines.append(f"{name:<{width}}{a['yes']:>7.3f}{a['no']:>7.3f}{a['_unknown_']:>9.3f}{a['_silence_']:>9.3f}"
                     f"{r['balanced']:>10.3f}{r['spread']:>9.3f}{r['frr']:>8.3f}{r['fa_per_hour']:>8.0f}{best:>14}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kws-bench-synthetic",
                        help="folder for datasets, models and results (cached between runs)")
    parser.add_argument("--epochs", type=int, default=100, help="epochs per training (default 100)")
    parser.add_argument("--patience", type=int, default=0, help="early-stopping patience (default 0: none, every "
                        "run trains --epochs epochs; the best validation checkpoint is kept)")
    parser.add_argument("--lr-patience", type=int, default=7, help="reduce-LR patience (default 7, MLTK's)")
    parser.add_argument("--seeds", default="42,43", help="training seeds; figures are their mean (default 42,43)")
    parser.add_argument("--stream-minutes", type=float, default=10.0)
    parser.add_argument("--levers", nargs="?", const="all", default="", metavar="KEYS",
                        help="also measure the levers: all of them, or the comma-separated keys given "
                        f"({', '.join(LEVERS)}); b1, b4 and b5 build no other synthetic set")
    parser.add_argument("--lever-seeds", action="store_true", help="train the levers with every seed too "
                        "(default: the first seed only)")
    parser.add_argument("--nice", type=int, default=10, help="niceness of every child (default 10)")
    args = parser.parse_args()
    real = SHARED / "datasets" / "speech_commands"
    if not real.is_dir():
        print(f"skipped: shared data not found under {SHARED}")
        return 0
    os.nice(args.nice)
    log(f"training + synthesis code {code_digest()}")
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    stream = work / "stream_test.wav"
    if not stream.is_file():
        # --snr-reference file: the stream the recorded figures were measured on (SNR to each noise file's level)
        kws("stream", "make", "--dataset", str(real), "--split", "testing", "--minutes", f"{args.stream_minutes:g}",
            "--seed", "0", "--snr-reference", "file", "--out", str(stream), "--progress", "none")
    synthetic = synth(work, "synth")
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    runs: dict[str, tuple[str, dict[str, Any], list[Path]]] = {
        "(a) real only (baseline)": ("bench", {}, [real]),
        "(b) synthetic only": ("bench", {}, [synthetic]),
        "(c) real + synthetic": ("bench", {}, [real, synthetic]),
    }
    runs.update(lever_runs(work, synthetic, real, parse_levers(args.levers), args))
    results = {}
    for label, (spec_name, spec_options, datasets) in runs.items():
        key = label.split(")")[0].strip("(")
        started = time.monotonic()
        per_seed = []
        for seed in seeds if key in ALL_SEEDS or args.lever_seeds else seeds[:1]:
            spec = spec_file(work, spec_name, args, seed, **spec_options)
            model = train(work, f"{key}_s{seed}", spec, datasets)
            per_seed.append(evaluate(work, f"{key}_s{seed}", model, stream))
        results[label] = average(per_seed)
        log(f"{label}: done in {time.monotonic() - started:.0f} s")
    (work / "results.json").write_text(json.dumps({"code": code_digest(), "runs": results}, indent=2) + "\n")
    print()
    print(f"real test split: {real} (hash of speaker, testing 10 %); stream: {stream.name}, "
          f"{args.stream_minutes:g} min of those speakers; seeds {args.seeds} (mean; spread = max - min of "
          "the balanced accuracy)")
    print(table(results))
    a = results["(a) real only (baseline)"]
    print(f"\ngoal for synthetic-only models: yes, no and unknown each >= {GOAL:.0%} on real speakers")
    for label, r in results.items():
        if label.startswith("(b"):
            met = all(r["accuracy"][k] >= GOAL for k in ("yes", "no", "_unknown_"))
            print(f"  {label}: {'met' if met else 'NOT met'}")
    for label, c in results.items():
        if label.startswith("(c"):
            best = (f", FRR at <= {TARGET_FA_PER_HOUR:g} FA/h {c['best_frr'] - a['best_frr']:+.3f}"
                    if c["best_frr"] is not None and a["best_frr"] is not None else "")
            print(f"{label} - (a): balanced accuracy {c['balanced'] - a['balanced']:+.3f}, "
                  f"yes {c['accuracy']['yes'] - a['accuracy']['yes']:+.3f}, "
                  f"no {c['accuracy']['no'] - a['accuracy']['no']:+.3f}, "
                  f"unknown {c['accuracy']['_unknown_'] - a['accuracy']['_unknown_']:+.3f}{best}")
    return 0


LEVERS = ("b1", "b2", "b2c", "b3", "b4", "b5", "b6", "b7", "b8", "c2", "c6", "c8")


def parse_levers(text: str) -> list[str]:
    """``"all"`` → every lever; ``"b1,b4"`` → those; unknown keys are an error."""
    if not text:
        return []
    keys = list(LEVERS) if text == "all" else [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in LEVERS]
    if unknown:
        raise SystemExit(f"unknown lever {unknown[0]!r}: use {', '.join(LEVERS)} or all")
    return keys


def lever_runs(work: Path, synthetic: Path, real: Path, keys: list[str], args: argparse.Namespace
               ) -> dict[str, tuple[str, dict[str, Any], list[Path]]]:
    """The lever trainings asked for (label → spec name, spec options, datasets); each extra synthetic set
    is built only when a lever asked for needs it."""
    def extra() -> Path:
        return synth(work, "synth_espeak_extra", *extra_espeak())

    def room() -> Path:
        return synth(work, "synth_room", "--room")

    def extra_room() -> Path:
        return synth(work, "synth_espeak_extra_room", *extra_espeak(), "--room")

    makers = {
        "b1": lambda: ("(b1) + sound-alikes weighted x3", "bench_weighted", {"weights": sound_alikes(synthetic)},
                       [synthetic]),
        "b2": lambda: ("(b2) + 63 more espeak voices", "bench", {}, [synthetic, extra()]),
        "b2c": lambda: ("(b2c) 89 espeak voices, same clips", "bench", {},
                        [subset(work, "synth_fewer_takes", synthetic, "espeak-", 3, 1), extra()]),
        "b3": lambda: ("(b3) room/mic/noise-floor clips", "bench", {}, [room()]),
        "b4": lambda: ("(b4) + speed/pitch/loudness aug", "bench_augment", {"augmentation": AUGMENTATION_LEVER},
                       [synthetic]),
        "b5": lambda: ("(b5) recorded voices only (no espeak)", "bench", {},
                       [subset(work, "synth_recorded", synthetic, "espeak-", 0, 0)]),
        "b6": lambda: ("(b6) b2 + b3: all voices, room", "bench", {}, [room(), extra_room()]),
        "c2": lambda: ("(c2) real + b2 clips", "bench", {}, [real, synthetic, extra()]),
        "c6": lambda: ("(c6) real + b6 clips", "bench", {}, [real, room(), extra_room()]),
        "b7": lambda: ("(b7) on features of real other words", "bench_features",
                       {"features": feature_model(work, real, args)}, [synthetic]),
        "b8": lambda: ("(b8) without sound-alike negatives", "bench", {}, [without_sound_alikes(work, synthetic)]),
        "c8": lambda: ("(c8) real + b8 clips", "bench", {}, [real, without_sound_alikes(work, synthetic)]),
    }
    runs = {}
    for key in keys:
        label, spec_name, options, datasets = makers[key]()
        runs[label] = (spec_name, options, datasets)
    return runs


def extra_espeak() -> list[str]:
    """``kws dataset synth`` options for the espeak-ng variants beyond the default set (3 takes each)."""
    from workbench.synthesis.engines.espeak_engine import CURATED_VARIANT_NAMES, EspeakEngine

    voices = [v.id for v in EspeakEngine("all").voices() if v.name not in CURATED_VARIANT_NAMES and " " not in v.name]
    return ["--engines", "espeak", "--espeak-variants", "all", "--takes", "3", "--negative-takes", "1", "--no-noise",
            "--voices", ",".join(voices)]


if __name__ == "__main__":
    sys.exit(main())
