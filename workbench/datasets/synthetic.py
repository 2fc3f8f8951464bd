"""The keywords a synthetic dataset was made for, read from the ``synth.json`` that ``kws dataset synth`` writes.

Why: a set synthesised for ``sheila, hey lamp`` holds those words plus negative words (sound-alikes, Speech
Commands words such as yes and no). Counted with the default keywords (yes, no) it shows the negatives as
keywords and its own words as ``_unknown_`` -- the opposite of what it is for. Its manifest
(:func:`workbench.synthesis.dataset_builder.manifest`) records the words in ``settings.words``; this module
is the one place that reads them back, as word folders (``hey lamp`` → ``hey_lamp``, the synthesiser's own
:func:`~workbench.synthesis.build_plan.folder_name`).

A build that did not finish (cancelled, failed, or killed while it ran: its manifest still says ``building``)
is named by :func:`unfinished_build`, so ``kws dataset info`` (and training) can say so instead of showing
it as an ordinary, smaller dataset.

A folder without a manifest is simply not synthetic. One whose manifest cannot be read or names no words
is reported in one sentence, and the caller keeps its default keywords (a damaged manifest must not stop
``kws dataset info``, nor pass silently: the yes/no it then counts would look like the set's own words).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

MS_PER_SECOND = 1000
SAMPLE_LENGTH_SETTING = "frontend.sample_length_ms"  # the spec setting of the model's input length


def manifest_path(folder: Path) -> Path:
    """Where a synthetic dataset keeps its manifest."""
    from workbench.synthesis.dataset_builder import MANIFEST  # imported here: the builder is not small

    return Path(folder) / MANIFEST


def synthetic_keywords(folder: Path) -> list[str]:
    """The word folders ``folder`` was synthesised for, in the order they were asked for; [] when it is not a
    synthetic dataset. Raises SettingsError for a manifest that cannot be read or names no words."""
    from workbench.core.errors import SettingsError, WorkbenchError
    from workbench.synthesis.build_plan import folder_name
    from workbench.synthesis.dataset_builder import MANIFEST_SETTINGS_KEY, MANIFEST_WORDS_KEY

    path = manifest_path(folder)
    if not path.is_file():
        return []
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SettingsError(f"{path} cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    settings = document.get(MANIFEST_SETTINGS_KEY) if isinstance(document, dict) else None
    words = settings.get(MANIFEST_WORDS_KEY) if isinstance(settings, dict) else None
    if not isinstance(words, list) or not words:
        raise SettingsError(f"{path} names no words ({MANIFEST_SETTINGS_KEY}.{MANIFEST_WORDS_KEY})")
    folders: list[str] = []
    for word in words:
        try:
            name = folder_name(word) if isinstance(word, str) else None
        except WorkbenchError:  # a hand-edited manifest: a word that names no folder is left out
            name = None
        if name and name not in folders:
            folders.append(name)
    return folders


def datasets_keywords(folders: Sequence[Path]) -> tuple[list[str], list[Path], list[str]]:
    """The keywords of merged datasets taken from their manifests, the synthetic folders they came from (both
    empty when none of ``folders`` is synthetic), and a sentence per manifest that could not be read."""
    from workbench.core.errors import SettingsError

    keywords: list[str] = []
    sources: list[Path] = []
    problems: list[str] = []
    for folder in folders:
        try:
            words = synthetic_keywords(folder)
        except SettingsError as exc:
            problems.append(str(exc))
            continue
        if words:
            sources.append(Path(folder))
            keywords += [w for w in words if w not in keywords]
    return keywords, sources, problems


def _manifest_document(folder: Path) -> Any:
    try:
        return json.loads(manifest_path(folder).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def synthetic_clip_ms(folder: Path) -> float | None:
    """How long the clips synthesised into ``folder`` are, in ms (its manifest's placement); None when it is not
    synthetic or its manifest does not say (the clips are then whatever length they are)."""
    from workbench.synthesis.dataset_builder import MANIFEST_SETTINGS_KEY

    document = _manifest_document(folder)
    settings = document.get(MANIFEST_SETTINGS_KEY) if isinstance(document, dict) else None
    placement = settings.get("placement") if isinstance(settings, dict) else None
    if not isinstance(placement, dict):
        return None
    length, rate = placement.get("sample_length"), placement.get("sample_rate")
    if not isinstance(length, int) or not isinstance(rate, int) or rate <= 0:
        return None
    return MS_PER_SECOND * length / rate


def longer_clips(folder: Path, model_ms: float) -> str | None:
    """One sentence when ``folder`` holds synthetic clips longer than the model's input (``model_ms``), else None.

    Why: a phrase too long for 1 s is synthesised into longer clips (``kws dataset synth --sample-ms``, the
    builder's Clip length), and a run whose frontend keeps its 1 s input cuts each clip to that: the phrase the
    clips were made long for is cut, and nothing said so."""
    clip_ms = synthetic_clip_ms(folder)
    if clip_ms is None or clip_ms <= model_ms:
        return None
    return (f"{folder} holds clips of {clip_ms:g} ms, and the model hears {model_ms:g} ms of each: set "
            f"{SAMPLE_LENGTH_SETTING} = {clip_ms:g} (kws train --set {SAMPLE_LENGTH_SETTING}={clip_ms:g}) to "
            "train on the whole phrase")


def unfinished_build(folder: Path) -> str | None:
    """One sentence when ``folder`` holds a synthetic build that did not finish, else None (also for a folder
    that is not synthetic, or whose manifest cannot be read: :func:`datasets_keywords` reports that one)."""
    from workbench.synthesis.dataset_builder import BUILDING, CANCELLED, FAILED, FINISHED, MANIFEST_STATE_KEY

    how = {BUILDING: "was stopped or is still running", CANCELLED: "was cancelled", FAILED: "stopped on an error"}

    document = _manifest_document(folder)
    if not isinstance(document, dict):
        return None
    state = document.get(MANIFEST_STATE_KEY)
    if state is None:  # written before the manifest had a state: only "cancelled" tells
        state = CANCELLED if document.get("cancelled") is True else FINISHED
    if state == FINISHED:
        return None
    return (f"{folder} holds an unfinished synthetic build (it {how.get(state, how[BUILDING])}): finish it with the "
            "same kws dataset synth command and --resume")
