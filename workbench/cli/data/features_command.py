"""``kws features``: the spectrogram the model sees, as a NumPy file or CSV (for notebooks and training checks),
or as a PNG picture.

The frontend settings come from the model's embedded ``fe.*`` parameters, so the features match what the
model was trained on and what the board computes. ``--set fe.NAME=VALUE`` changes any of them
(:mod:`.frontend_changes`) to see what other settings make of the audio before training for them, as MLTK's
``view_audio`` is used to choose them: the model's input is not enforced here, the summary only says when the
model could not run the settings. The output never replaces the audio file or the model
(:mod:`workbench.output_guard`). ``-o``'s extension names the format, and one it does not write is refused:
a ``.csv`` used to get NumPy binary without a word. numpy, the frontend and the model are imported where they are
used: ``kws features --help`` loads neither numpy nor LiteRT (:mod:`workbench.cli.main`).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.command_list import summary
from workbench.cli.data.frontend_changes import SET_OPTION, changed_params, changes_text, settings_with_changes
from workbench.cli.model_argument import model_argument
from workbench.documentation import TRAINING, see
from workbench.core.errors import SettingsError, WorkbenchError

if TYPE_CHECKING:
    import numpy as np

    from workbench.core.frontend_settings import FrontendSettings
    from workbench.core.model.model_file import LoadedModel

MS_PER_S = 1000
NPY, CSV, PNG = ".npy", ".csv", ".png"
DATA_SUFFIXES = (NPY, CSV)
OUTPUT_SUFFIXES = (*DATA_SUFFIXES, PNG)
CSV_DELIMITER = ","


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "features",
        help=summary("features"),
        description="Run an audio file through the native frontend (from fresh state, as one stream) "
        "and save the spectrogram (frames x channels) as .npy (NumPy), .csv (one line per frame, one "
        "comma-separated column per channel, no header) or .png (a picture: time across, channel centre "
        "frequencies up; needs matplotlib), as -o's extension says. --set tries other frontend settings; "
        "two pictures to compare: for n in 40 32; do kws features a.wav --set fe.filterbank_n_channels=$n "
        "-o a-$n.png; done. Choosing settings: the training guide's [frontend] section. " + see(TRAINING),
    )
    p.add_argument("file", type=Path, help="WAV/FLAC/OGG/MP3 file (any rate, channels, depth)")
    p.add_argument("-o", "--output", type=Path, required=True, help="output .npy, .csv or .png file")
    p.add_argument("--dtype", choices=("int8", "uint16"), default="int8",
                   help="int8 = the model input (MLTK quantisation), uint16 = raw frontend output")
    p.add_argument("--model", type=model_argument, help="take the frontend settings from this model (default: bundled)")
    p.add_argument("--clip", action="store_true",
                   help="one model input: the first sample_length_ms of audio (zero-padded), as MLTK trains")
    p.add_argument(SET_OPTION, action="append", default=[], dest="changes", metavar="fe.NAME=VALUE",
                   help="change one frontend setting from the model's (repeatable; the names kws params prints); "
                   "the model's input need not fit them")
    p.set_defaults(func=run)


def compute_features(samples: np.ndarray, settings: FrontendSettings, dtype: str, clip: bool) -> np.ndarray:
    """Spectrogram of ``samples`` with ``settings``; ``clip`` = one training-style model input."""
    import numpy as np

    from workbench.core.frontend import MicroFrontend, quantize

    frontend = MicroFrontend(settings)
    if clip:
        audio = np.zeros(settings.sample_length, np.int16)
        n = min(samples.size, audio.size)
        audio[:n] = samples[:n]
        rows = frontend.process_clip(audio, np.uint16)
    else:
        rows = frontend.feed(samples, np.uint16)
    return quantize(rows, settings) if dtype == "int8" else rows


def _heard_s(duration_s: float, settings: FrontendSettings, clip: bool) -> float:
    """Seconds of the file the spectrogram covers: with --clip only the first ``sample_length_ms``."""
    return min(duration_s, settings.sample_length_ms / MS_PER_S) if clip else duration_s


def check_output_suffix(output: Path) -> None:
    """SettingsError for an ``-o`` whose extension names a format this command does not write."""
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        shown = f"the extension {output.suffix}" if output.suffix else "no extension"
        raise SettingsError(f"-o {output} has {shown}: kws features writes {' or '.join(DATA_SUFFIXES)} files, "
                            f"or a {PNG} picture.")


def encode_features(features: np.ndarray, suffix: str) -> bytes:
    """The file's bytes in the format ``suffix`` names: NumPy's .npy, or CSV rows of integers (one per frame)."""
    import numpy as np

    if suffix == CSV:
        text = io.StringIO()
        np.savetxt(text, features, fmt="%d", delimiter=CSV_DELIMITER)
        return text.getvalue().encode("ascii")
    buffer = io.BytesIO()
    np.save(buffer, features)
    return buffer.getvalue()


def model_problem(model: LoadedModel, settings: FrontendSettings) -> str:
    """Why ``model`` could not run with ``settings`` ("" when it could): its input tensor must take the frames x
    channels of one input of theirs, by the rule every runner applies (:func:`spectrogram_input`)."""
    from workbench.core.model.model_input import spectrogram_input

    graph = model.graph
    if not graph.inputs:
        return f"{model.name} has no input tensor"
    shape = [int(d) for d in graph.tensors[graph.inputs[0]].shape]
    if spectrogram_input(shape, {**model.params, **settings.to_params()}).fits:
        return ""
    frames, channels = settings.spectrogram_shape
    return (f"{model.name} could not run these settings: one input of {settings.sample_length_ms} ms is "
            f"{frames}x{channels} with them, its input tensor is {shape}")


def run(args: argparse.Namespace) -> int:
    from workbench.assets import default_model_path
    from workbench.core.atomic_write import atomic_write_bytes
    from workbench.core.audio.audio_file import load_audio
    from workbench.core.frontend_settings import FrontendSettings
    from workbench.core.model.model_file import load_model
    from workbench.output_guard import check_output_file

    check_output_file(args.output, [args.file, *([args.model] if args.model else [])])
    check_output_suffix(args.output)
    model = load_model(args.model or default_model_path())
    own = FrontendSettings.from_params(model.params)
    settings = settings_with_changes(own, args.changes)
    clip = load_audio(args.file, sample_rate=int(settings.sample_rate_hz))
    features = compute_features(clip.samples, settings, args.dtype, args.clip)
    if features.shape[0] == 0:
        raise WorkbenchError(f"{args.file} is shorter than one frontend window ({settings.window_size_ms} ms)")
    changes = changes_text(changed_params(settings, own), model.name)
    suffix = args.output.suffix.lower()
    if suffix == PNG:
        from workbench.cli.data.spectrogram_plot import spectrogram_png

        title = f"{args.file.name}\n{changes or f'the frontend settings of {model.name}'}"
        data = spectrogram_png(features, settings, title)
    else:
        data = encode_features(features, suffix)
    atomic_write_bytes(args.output, data)
    print(f"wrote {args.output}: {features.shape[0]}x{features.shape[1]} {features.dtype} "
          f"({_heard_s(clip.duration_s, settings, args.clip):.2f} s of audio)", file=sys.stderr)
    if changes:
        print(f"frontend settings changed: {changes}", file=sys.stderr)
    problem = model_problem(model, settings) if args.model else ""
    if problem:
        print(problem, file=sys.stderr)
    return 0
