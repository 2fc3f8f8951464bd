"""Spec settings by dotted path: ``kws train --set`` values, and a spec with them set, checked as its file."""

from __future__ import annotations

import pytest

from workbench.core.errors import SettingsError
from workbench.training.spec import load_spec
from workbench.training.spec.setting_paths import parse_assignment, spec_with_settings


@pytest.mark.parametrize("text, expected", [
    ("augmentation.mask_share=0.5", ("augmentation.mask_share", 0.5)),
    (" training.max_epochs = 3 ", ("training.max_epochs", 3)),
    ("augmentation.bg_noise_range=[0.1, 0.2]", ("augmentation.bg_noise_range", [0.1, 0.2])),
    ("augmentation.loudness_range=off", ("augmentation.loudness_range", "off")),
    ('training.teacher="a b.tflite"', ("training.teacher", "a b.tflite")),
    ("training.teacher=models/x=1.tflite", ("training.teacher", "models/x=1.tflite")),  # only the first '='
    ("data.keywords=[\"up\", \"down\"]", ("data.keywords", ["up", "down"])),
])
def test_values_read_as_toml_or_else_as_text(text: str, expected: tuple) -> None:
    assert parse_assignment(text) == expected


@pytest.mark.parametrize("text", ["mask_share", "=0.5", ""])
def test_an_assignment_without_a_path_says_how_to_write_one(text: str) -> None:
    with pytest.raises(SettingsError, match="SECTION.SETTING=VALUE"):
        parse_assignment(text)


def test_settings_land_where_the_spec_file_would_put_them() -> None:
    plain = load_spec("default")
    spec = spec_with_settings("default", [("augmentation.mask_share", 0.5), ("augmentation.loudness_range", "off"),
                                          ("training.learning_rate", 0.0002), ("layers.1.filters", 12)])
    assert spec.augmentation.mask_share == 0.5 and spec.augmentation.loudness_range is None
    assert spec.training.learning_rate == 0.0002 and spec.layers[0].get("filters") == 12
    assert plain.layers[0].get("filters") != 12  # the shipped spec itself is left as it was
    assert spec.training.ensemble_members == plain.training.ensemble_members  # everything else as the spec says
    assert spec.source == plain.source


@pytest.mark.parametrize("settings, words", [
    ([("augmentation.mask_shar", 0.5)], ["with --set", "has no setting 'mask_shar'", "mask_share"]),
    ([("augmentation.mask_share", 2)], ["with --set", "mask_share must be between 0 and 1"]),
    ([("training.learning_rate", "fast")], ["with --set", "learning_rate"]),
    ([("layers.9.filters", 4)], ["with --set", "no layer 9"]),
    ([("mask_share", 0.5)], ["SECTION.SETTING"]),
])
def test_mistakes_name_the_setting_and_say_it_came_from_set(settings: list, words: list[str]) -> None:
    with pytest.raises(SettingsError) as info:
        spec_with_settings("tflite_micro_speech", settings)
    for word in words:
        assert word in str(info.value)


def test_a_mistake_in_the_spec_file_itself_does_not_blame_set(tmp_path) -> None:
    spec = tmp_path / "mine.toml"
    spec.write_text('extends = "default"\n[augmentation]\nmask_shar = 0.5\n')
    with pytest.raises(SettingsError) as info:
        spec_with_settings(spec, [])
    assert str(info.value).startswith("mine.toml: [augmentation]: unknown setting 'mask_shar'")
