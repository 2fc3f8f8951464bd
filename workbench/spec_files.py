"""Spec files: which file a spec name stands for, and its TOML table with every ``extends`` resolved.

Why outside the training package: ``kws train``, the sweeps and the Training workspace must all read a spec the
same way -- a shipped name or a file, a base looked for beside the spec that extends it first -- and the
window may not import the training package (an import-linter contract). The window needs only a spec's
keywords (:func:`spec_keywords`), to show them and to pass ``--keywords`` only when the user changed them, and
its input length (:func:`spec_sample_length_ms`), to train at the length of the clips a dataset was built with.
This module reads TOML and nothing else: no Qt, no TensorFlow.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench.core.errors import SettingsError
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.toml_file import read_toml_table

SPEC_SUFFIX = ".toml"
SPEC_FILE_KIND = "spec file"  # in messages
SPECS_DIR = Path(__file__).resolve().parent / "training" / "specs"  # the shipped specs (data files)
RECIPES_DIR = Path(__file__).resolve().parent / "training" / "recipes"  # specs that extend them
MAX_EXTENDS_DEPTH = 8  # deeper than any recipe chain: a cycle
DEFAULT_KEYWORDS = ("yes", "no")  # a spec's keywords when neither it nor its bases name any
DATA_TABLE, KEYWORDS_KEY, EXTENDS_KEY = "data", "keywords", "extends"
FRONTEND_TABLE, SAMPLE_LENGTH_KEY = "frontend", "sample_length_ms"
BASE_ONLY_KEYS = ("name", "description")  # a base's own, never inherited


def read_table(path: Path) -> dict[str, Any]:
    """One spec file's table, as written (its ``extends`` not resolved)."""
    return read_toml_table(path, SPEC_FILE_KIND)


def is_spec_file(name_or_path: str | Path) -> bool:
    """Whether ``kws train --spec`` takes this as a file (a ``.toml`` name or an existing file), not a shipped name."""
    return Path(name_or_path).suffix == SPEC_SUFFIX or Path(name_or_path).is_file()


def resolve_spec_path(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """A spec file from a shipped name (``tflite_micro_speech``, ``default``) or a path; a relative path is
    looked for in ``relative_to`` first (the folder of the spec that extends it)."""
    text = str(name_or_path)
    candidate = Path(text)
    if relative_to is not None and not candidate.is_absolute():
        near = relative_to / candidate
        if near.is_file() or near.with_suffix(SPEC_SUFFIX).is_file():
            candidate = near if near.is_file() else near.with_suffix(SPEC_SUFFIX)
    if is_spec_file(candidate):
        if candidate.is_dir():
            raise _folder_error(candidate)
        if not candidate.is_file():
            raise SettingsError(f"spec file not found: {candidate}")
        return candidate
    for folder in (SPECS_DIR, RECIPES_DIR):
        shipped = folder / f"{text}{SPEC_SUFFIX}"
        if shipped.is_file():
            return shipped
    if candidate.is_dir():  # a folder beside a shipped name does not hide the shipped spec
        raise _folder_error(candidate)
    raise SettingsError(f"no spec named {text!r}: choose one of {', '.join(shipped_spec_names())} "
                        "or give a .toml file")


def _folder_error(path: Path) -> SettingsError:
    """A folder given as a spec: "not found" would send the user looking for a file that is there."""
    return SettingsError(f"{path} is a folder, not a {SPEC_FILE_KIND}: give a {SPEC_SUFFIX} file or a shipped "
                         "spec name")


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base``: sections (``[training]``…) merge key by key; a setting's value,
    even a table such as ``unknown_word_weights = {}``, replaces the base's value as a whole."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def load_spec_table(name_or_path: str | Path, _depth: int = 0, relative_to: Path | None = None
                    ) -> tuple[dict[str, Any], Path]:
    """The spec's table with every ``extends`` resolved (base first, then overrides), and its file."""
    if _depth > MAX_EXTENDS_DEPTH:
        raise SettingsError(f"'extends' nests deeper than {MAX_EXTENDS_DEPTH} levels (a cycle?)")
    path = resolve_spec_path(name_or_path, relative_to)
    table = read_table(path)
    base_name = table.get(EXTENDS_KEY)
    if base_name:
        base, _ = load_spec_table(str(base_name), _depth + 1, relative_to=path.parent)
        for key in BASE_ONLY_KEYS:
            base.pop(key, None)
        table = deep_merge(base, table)
    return table, path


def spec_keywords(name_or_path: str | Path) -> tuple[str, ...]:
    """The keywords spec ``name_or_path`` trains on without ``--keywords`` (raises SettingsError for a spec
    that cannot be read; the spec's own checks refuse malformed keywords when it is trained)."""
    table, _ = load_spec_table(name_or_path)
    return table_keywords(table, str(name_or_path))


def spec_sample_length_ms(name_or_path: str | Path) -> int:
    """How many ms of audio one input of spec ``name_or_path``'s model hears (its ``[frontend] sample_length_ms``,
    else the frontend's default); SettingsError for a spec that cannot be read or a length that is no number of
    ms (``kws train`` then says what is wrong with it)."""
    table, _ = load_spec_table(name_or_path)
    frontend = table.get(FRONTEND_TABLE)
    length = frontend.get(SAMPLE_LENGTH_KEY) if isinstance(frontend, Mapping) else None
    if length is None:
        return FrontendSettings.sample_length_ms
    if not isinstance(length, int) or isinstance(length, bool):
        raise SettingsError(f"{name_or_path}: [{FRONTEND_TABLE}] {SAMPLE_LENGTH_KEY} must be a whole number of ms")
    return length


def table_keywords(table: Mapping[str, Any], where: str) -> tuple[str, ...]:
    """The keywords of a spec table whose ``extends`` is resolved (a run's ``spec.toml`` is one already)."""
    data = table.get(DATA_TABLE)
    keywords = data.get(KEYWORDS_KEY) if isinstance(data, Mapping) else None
    if keywords is None:
        return DEFAULT_KEYWORDS
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
        raise SettingsError(f"{where}: [data] keywords must be a list of words")
    return tuple(keywords)


def shipped_spec_names() -> list[str]:
    """Names of the specs and recipes that come with the workbench."""
    names = []
    for folder in (SPECS_DIR, RECIPES_DIR):
        names += sorted(p.stem for p in folder.glob(f"*{SPEC_SUFFIX}"))
    return names
