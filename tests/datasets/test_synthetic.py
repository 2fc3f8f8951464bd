"""A synthetic dataset's keywords, read back from the manifest the synthesiser writes (its own function)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.core.atomic_write import atomic_write_text
from workbench.core.errors import SettingsError
from workbench.datasets.synthetic import datasets_keywords, manifest_path, synthetic_keywords, unfinished_build
from workbench.synthesis.build_plan import SynthSettings
from workbench.synthesis.dataset_builder import BUILDING, CANCELLED, FAILED, FINISHED, BuildReport, manifest
from workbench.synthesis.voice_registry import VoiceRegistry


def write_manifest(folder: Path, words: tuple[str, ...], state: str = FINISHED) -> Path:
    """``synth.json`` as ``kws dataset synth`` writes it (the builder's own ``manifest``)."""
    folder.mkdir(parents=True, exist_ok=True)
    document = manifest(SynthSettings(words=words), VoiceRegistry(engines={}, statuses=[], voices=[]),
                        BuildReport(out=folder, counts={}, written=0, kept=0, state=state,
                                    cancelled=state != FINISHED))
    atomic_write_text(manifest_path(folder), json.dumps(document, indent=2) + "\n")
    return folder


def test_the_words_asked_for_become_their_folders_in_order(tmp_path: Path) -> None:
    folder = write_manifest(tmp_path / "syn", ("sheila", "hey lamp"))
    assert manifest_path(folder).name == "synth.json"
    assert synthetic_keywords(folder) == ["sheila", "hey_lamp"]


def test_a_folder_without_a_manifest_is_not_synthetic_and_a_damaged_one_is_named(tmp_path: Path) -> None:
    assert synthetic_keywords(tmp_path) == []  # none
    manifest_path(tmp_path).write_text("{not json")
    with pytest.raises(SettingsError, match=r"synth\.json cannot be read \("):
        synthetic_keywords(tmp_path)
    manifest_path(tmp_path).write_text('{"settings": {"words": "sheila"}}')  # hand-edited: not a list
    with pytest.raises(SettingsError, match=r"synth\.json names no words"):
        synthetic_keywords(tmp_path)
    manifest_path(tmp_path).write_text('{"settings": {"words": ["!!", 3, "lamp", "Lamp"]}}')
    assert synthetic_keywords(tmp_path) == ["lamp"]  # no folder, not a word, the same folder: left out


def test_merged_datasets_take_the_words_of_every_synthetic_one(tmp_path: Path) -> None:
    first = write_manifest(tmp_path / "a", ("sheila", "hey lamp"))
    second = write_manifest(tmp_path / "b", ("hey lamp", "stop"))
    plain = tmp_path / "speech"
    plain.mkdir()
    assert datasets_keywords([plain, first, second]) == (["sheila", "hey_lamp", "stop"], [first, second], [])
    assert datasets_keywords([plain]) == ([], [], [])
    manifest_path(second).write_text("{garbage")
    keywords, sources, problems = datasets_keywords([first, second])
    assert (keywords, sources) == (["sheila", "hey_lamp"], [first]) and problems[0].startswith(str(second))


@pytest.mark.parametrize("state, how", [(BUILDING, "was stopped or is still running"), (CANCELLED, "was cancelled"),
                                        (FAILED, "stopped on an error")])
def test_a_build_that_did_not_finish_is_named_unfinished(tmp_path: Path, state: str, how: str) -> None:
    """A killed build's manifest still says "building"; training and ``kws dataset info`` must not take it for
    a complete (smaller) dataset."""
    folder = write_manifest(tmp_path / "syn", ("yes",), state)
    assert unfinished_build(folder) == (f"{folder} holds an unfinished synthetic build (it {how}): finish it with "
                                        "the same kws dataset synth command and --resume")
    assert unfinished_build(write_manifest(tmp_path / "done", ("yes",))) is None
    assert unfinished_build(tmp_path / "not-synthetic") is None


def test_a_manifest_from_before_the_state_field_is_unfinished_only_when_cancelled(tmp_path: Path) -> None:
    manifest_path(tmp_path).write_text(json.dumps({"settings": {"words": ["yes"]}, "cancelled": True}))
    assert "unfinished synthetic build (it was cancelled)" in (unfinished_build(tmp_path) or "")
    manifest_path(tmp_path).write_text(json.dumps({"settings": {"words": ["yes"]}, "cancelled": False}))
    assert unfinished_build(tmp_path) is None
