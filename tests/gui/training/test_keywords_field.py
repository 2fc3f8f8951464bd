"""Takes recorded with the guided recorder change the Training form's Keywords as a built dataset does: they replace
the spec's own keywords and join keywords the user typed; the spec's keywords the takes' folder holds takes of stay
(a second session of "yes" alone keeps "no", whose takes the first session left there); a field locked by a run is
left as it is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.core.audio.audio_file import save_wav
from workbench.gui.training.keywords_field import KeywordsField

SPEC = "tflite_micro_speech"  # its own keywords: yes, no
RATE = 16000


def takes_folder(folder: Path, *words: str) -> Path:
    """A dataset folder holding one real (silent) take of each of ``words``."""
    for word in words:
        (folder / word).mkdir(parents=True)
        save_wav(folder / word / f"ada_nohash_{word}_20250101-120000.wav", np.zeros(RATE, dtype=np.int16), RATE)
    return folder


@pytest.fixture
def field(qtbot) -> KeywordsField:  # type: ignore[no-untyped-def]
    widget = KeywordsField(lambda: SPEC)
    qtbot.addWidget(widget)
    assert widget.keyword_list() == ["yes", "no"]  # the spec's own
    return widget


def test_recorded_words_replace_the_specs_own_keywords(field: KeywordsField, qtbot, tmp_path: Path) -> None:
    folder = takes_folder(tmp_path / "takes", "on", "off")
    with qtbot.waitSignal(field.listed) as listed:  # the Data table counts them at once
        field.take_recorded(folder, ["on", "off"])
    assert field.keyword_list() == listed.args[0] == ["on", "off"]


def test_the_specs_keywords_the_folder_holds_takes_of_stay(field: KeywordsField, tmp_path: Path) -> None:
    folder = takes_folder(tmp_path / "takes", "yes", "no", "on")  # the first session's yes and no, then on
    field.take_recorded(folder, ["on"])
    assert field.keyword_list() == ["yes", "no", "on"]


def test_recorded_words_join_typed_keywords(field: KeywordsField, tmp_path: Path) -> None:
    field.setText("up, no")
    field.take_recorded(takes_folder(tmp_path / "takes", "no", "off"), ["no", "off"])
    assert field.keyword_list() == ["up", "no", "off"]


def test_a_field_a_run_holds_is_left_as_it_is(field: KeywordsField, tmp_path: Path) -> None:
    field.setEnabled(False)  # as a run, or a stopped run's Resume, holds it
    field.take_recorded(takes_folder(tmp_path / "takes", "on"), ["on"])
    assert field.keyword_list() == ["yes", "no"]
