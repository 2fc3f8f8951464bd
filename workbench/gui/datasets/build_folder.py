"""The dataset builder's output folder: which folder the form names, whether Continue can finish a build in it,
and what a finished build left there (the dialog's last line).

Why the dialog checks the folder itself: ``kws dataset synth`` resolves a relative ``--out`` against its working
directory -- the app's, which the user never chose -- and refuses a non-empty folder with a sentence about
``--resume`` even when no build wrote it; the dialog refuses both before a child starts. Why it counts the
clips: a build that "succeeded" may still be unable to train (every negative word was dropped as a keyword, or
none was given: ``kws train`` needs their clips as its ``_unknown_`` class), and the last line must say so
instead of "Train with …".
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from workbench.core.errors import SettingsError
from workbench.core.wording import counted
from workbench.datasets.synthetic import synthetic_keywords
from workbench.synthesis.build_plan import folder_name
from workbench.synthesis.dataset_builder import MANIFEST

WAV_PATTERN = "*.wav"
NOT_WORD_FOLDER = (".", "_")  # hidden folders and _background_noise_ hold no word's clips


def output_folder(text: str) -> Path:
    """The folder the form names (``~`` expanded); a SettingsError (one sentence) when there is none or it is
    relative (it would land wherever the app was started: the user must say where)."""
    text = text.strip()
    if not text:
        raise SettingsError("Choose an output folder for the dataset.")
    return full_path(text, "the output folder", "\u201cBrowse\u2026\u201d", "would land in")


def full_path(text: str, what: str, button: str, effect: str) -> Path:
    """``text`` (``~`` expanded) as a path; a SettingsError when it is relative: it would be taken from wherever
    the app was started, a folder the user never chose."""
    path = Path(text.strip()).expanduser()
    if not path.is_absolute():
        raise SettingsError(f"Give {what} as a full path (such as ~/{Path(text.strip())}) or choose it with "
                            f"{button}; {text.strip()!r} alone {effect} whatever folder the app was started from.")
    return path


def resumable(folder: Path) -> bool:
    """Whether Continue (``kws dataset synth --resume``) has something to finish in ``folder``: a build wrote it.

    Why the manifest: a build writes ``synth.json`` when it starts, before its first clip, so a build that
    was cancelled, failed (a full disk) or was killed left one; a folder of other files (notes.txt) did not
    come from a build, and Continue would only fill it with clips.
    """
    try:
        return (folder / MANIFEST).is_file()
    except OSError:  # unreadable: Build would say why
        return False


def check_new_folder(folder: Path) -> None:
    """SettingsError when Build (not Continue) cannot write into ``folder``: it holds files no build wrote.

    A folder an earlier build wrote is left to ``kws dataset synth``, whose sentence points at Continue."""
    try:
        used = folder.is_dir() and any(folder.iterdir())
    except OSError:
        return  # the build says why it cannot read it
    if used and not resumable(folder):
        raise SettingsError(f"The folder {folder} holds other files, not a dataset build: choose a new or empty "
                            "folder.")


def built_keywords(folder: str | Path) -> list[str]:
    """The words a build in ``folder`` was for (its manifest), in the order asked; [] when it cannot be read."""
    try:
        return synthetic_keywords(Path(folder))
    except SettingsError:
        return []


def keywords_after_build(shown: list[str], spec: list[str] | None, built: list[str]) -> list[str]:
    """The Training form's keywords once a dataset was built for ``built``: they replace the spec's own (``spec``;
    kept at yes,no, the form counted the new hey_lamp as _unknown_ and refused to train) and are added to keywords
    the user typed (``shown``): the dataset list keeps its other folders, whose words -- Speech Commands' yes,no
    beside a wake word, a phrase built before -- replaced would train as _unknown_."""
    if shown != spec:
        return shown + [word for word in built if word not in shown]
    return list(built)


def word_clip_counts(folder: Path) -> dict[str, int]:
    """The clips of each word folder of a dataset (not the background noise), by folder name."""
    try:
        words = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(NOT_WORD_FOLDER))
        return {word.name: sum(1 for _ in word.glob(WAV_PATTERN)) for word in words}
    except OSError:
        return {}


def built_line(folder: Path, keywords: Sequence[str]) -> tuple[str, bool]:
    """The dialog's last line after a build into ``folder`` of ``keywords``, and whether the set can train.

    It can when some clip is of a word that is not a keyword (a negative word, or a sound-alike)."""
    counts = word_clip_counts(folder)
    keyword_folders = [folder_name(word) for word in keywords]
    built = f"Built {counted(sum(counts.values()), 'clip')} in {folder}"
    if any(n for name, n in counts.items() if name not in keyword_folders):
        return f"{built}. Train with the keywords {','.join(keyword_folders)}.", True
    return (f"{built}, but the dataset cannot train a model: training needs clips of negative words (its "
            "_unknown_ class) and there are none. Add \u201cNegative words\u201d (or \u201cNegatives from\u201d) "
            "and build into a new folder.", False)
