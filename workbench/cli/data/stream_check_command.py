"""``kws stream check``: whether a recording's labels can be used, and what they hold.

Why the keywords come from the labels when no ``--model`` is given: a stream made for the user's own words
(``kws stream make --keywords left,right,lamp``) checked against the bundled yes/no model failed on its first
``right`` and advised relabelling the very words the user chose. Without a model the labels are checked on their
own -- their format, overlaps, and times within the recording -- against the keywords ``kws stream make``
recorded in the labels JSON (``stream.recipe.keywords``), or for labels without that record (a CSV, a file
labelled by hand) the keyword labels they use; the output says which keywords it took and from where. With
``--model`` the labels are checked against the model's classes and the recording against its input window, as
``kws calibrate`` will check them. A WAV whose samples are not those its labels were written for is warned of
on stderr, as ``kws calibrate`` warns of it (:func:`~workbench.calibration.streams.build_tag.build_doubt`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from workbench.core.wording import listed, plural

if TYPE_CHECKING:
    from workbench.calibration.streams.labels import StreamLabels


def run_check(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from workbench.calibration.streams.build_tag import audio_build, build_doubt
    from workbench.calibration.streams.labels import labels_for, load_labels
    from workbench.calibration.streams.stream_length import check_stream_length
    from workbench.core.audio.audio_file import load_audio
    from workbench.core.detection.detector import keyword_classes
    from workbench.core.model.model_file import load_model

    out = out or sys.stdout
    audio_name = Path(args.audio).name
    labels_path = labels_for(args.audio, args.labels)
    clip = load_audio(args.audio)
    labels, build = load_labels(labels_path), audio_build(args.audio)
    if args.model is not None:
        model = load_model(args.model)
        check_stream_length(clip.duration_s, model, audio_name)
        keywords, source = keyword_classes(model.classes), ""
        owner = f"of model {model.name}"
        labels = labels.validated(model.classes, clip.duration_s, f"model {model.name}", audio_name, build)
    else:
        keywords, source = _labels_keywords(labels, labels_path)
        owner = f"that {labels_path.name} records"
        labels = labels.validated(keywords, clip.duration_s, f"the stream {labels_path.name} describes", audio_name,
                                  build)
    doubt = build_doubt(build, labels, audio_name)  # after the refusals: a WAV of another length is refused
    if doubt:
        print(f"kws: warning: {doubt}", file=sys.stderr)
    counts = labels.label_counts()
    listing = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    out.write(f"{audio_name}: {clip.duration_s:.1f} s, {len(labels.events)} events"
              + (f" ({listing})" if listing else "")
              + ("" if labels.keyword_events else ": no keyword events, so kws calibrate takes it only as "
                 "--background (background-only audio, every detection in it a false accept)") + "\n")
    if source and keywords:
        out.write(f"keywords: {', '.join(keywords)} ({source}); checked without a model: --model MODEL checks "
                  "them against its keywords, and the recording's length against its input window\n")
    missing = [k for k in keywords if k not in counts]
    if missing:
        out.write(f"note: no events for the {plural(len(missing), 'keyword')} {listed(missing)} {owner}\n")
    return 0


def _labels_keywords(labels: StreamLabels, labels_path: Path) -> tuple[list[str], str]:
    """The keywords the labels are checked against without a model, and where they came from: those ``kws stream
    make`` recorded in the labels JSON, else the keyword labels the events use."""
    from workbench.calibration.streams.stream_files import recorded_keywords

    recorded = recorded_keywords(labels)
    if recorded is not None:
        return list(recorded), f"recorded by kws stream make in {labels_path.name}"
    used = sorted(labels.keyword_counts())
    return used, f"the keyword labels of {labels_path.name}"
