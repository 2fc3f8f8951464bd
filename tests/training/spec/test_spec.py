"""Spec files: the shipped ones, inheritance, round trips and the errors a person gets for mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import SettingsError
from workbench.training.spec import load_spec, shipped_spec_names, spec_from_table
from workbench.spec_files import read_table

TINY = """
name = "tiny"
[[layers]]
type = "conv2d"
filters = 4
kernel = [3, 3]
[[layers]]
type = "flatten"
[[layers]]
type = "dense"
activation = "softmax"
"""


def _write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_shipped_specs_load_and_the_seed_spec_is_mltks_model() -> None:
    assert {"tflite_micro_speech", "ds_cnn_small", "default"} <= set(shipped_spec_names())
    spec = load_spec("tflite_micro_speech")
    assert [layer.kind for layer in spec.layers] == ["conv2d", "batch_norm", "relu", "dropout", "flatten", "dense"]
    conv = spec.layers[0]
    assert (conv.get("filters"), conv.get("kernel"), conv.get("strides"), conv.get("padding")) == (8, (10, 8), (2, 2), "same")
    assert spec.layers[3].get("rate") == 0.5
    assert spec.macs == 336_000
    assert spec.classes == ("yes", "no", "_unknown_", "_silence_")
    assert (spec.data.unknown_percentage, spec.data.silence_percentage) == (3.0, 0.2)
    assert spec.augmentation.bg_noise_range == (0.0, 0.3) and spec.augmentation.trim_threshold_db == 20.0
    assert spec.augmentation.speed_range is None and spec.augmentation.loudness_range is None
    t = spec.training
    assert (t.early_stopping_monitor, t.early_stopping_patience) == ("val_accuracy", 20)
    assert (t.reduce_lr_factor, t.reduce_lr_patience, t.batch_size) == (0.25, 7, 32)
    assert spec.detection.detection_threshold == 185


def test_stronger_spec_costs_more_macs_and_recipe_extends_the_seed() -> None:
    assert load_spec("ds_cnn_small").macs > load_spec("tflite_micro_speech").macs
    recipe = load_spec("default")
    seed = load_spec("tflite_micro_speech")
    assert recipe.layers[0].get("filters") == 10 and recipe.layers[1:] == seed.layers[1:]  # widened by 2 filters
    assert recipe.macs == 420_000
    assert recipe.training.init_expand and recipe.training.frozen_layers == 2
    assert recipe.training.trainable_classes == ("_silence_",)
    assert recipe.detection.detection_threshold is None  # "auto": chosen on validation data
    assert recipe.init_from and recipe.init_from.startswith("bundled:")


def test_resolved_spec_round_trips_through_toml(tmp_path: Path) -> None:
    recipe = load_spec("default")
    again = load_spec(_write(tmp_path, recipe.to_toml()))
    for field in ("layers", "training", "data", "augmentation", "frontend", "detection", "conversion", "init_from"):
        assert getattr(again, field) == getattr(recipe, field), field
    assert again.name == recipe.name


def test_a_spec_file_may_extend_a_shipped_spec_and_a_sibling_file(tmp_path: Path) -> None:
    _write(tmp_path, 'extends = "tflite_micro_speech"\n[training]\nlearning_rate = 0.01\n', "base.toml")
    child = load_spec(_write(tmp_path, 'extends = "base.toml"\nname = "child"\n[data]\nkeywords = ["on", "off"]\n'))
    assert child.name == "child" and child.training.learning_rate == 0.01
    assert child.classes == ("on", "off", "_unknown_", "_silence_") and child.macs == 336_000


@pytest.mark.parametrize("text, words", [
    (TINY + "\n[training]\npateince = 3\n", ["[training]", "pateince"]),
    (TINY + "\n[training]\nbatch_size = \"big\"\n", ["batch_size", "whole number"]),
    (TINY.replace('type = "flatten"', 'type = "flaten"'), ["layer 2", "type"]),
    (TINY.replace("filters = 4", "filters = 4\nkernal = [2, 2]"), ["layer 1", "kernal"]),
    (TINY.replace("kernel = [3, 3]", "kernel = [60, 3]\npadding = \"valid\""), ["does not fit"]),
    (TINY.replace('activation = "softmax"', 'activation = "relu"'), ["softmax"]),
    (TINY.replace('[[layers]]\ntype = "flatten"\n', ""), ["flat input"]),
    (TINY + "\n[augmentation]\nspeed_range = [1.2, 0.8]\n", ["speed_range", "low, high"]),
    (TINY + "\n[augmentation]\nmask_share = 1.5\n", ["mask_share", "between 0 and 1"]),
    (TINY + "\n[augmentation]\ntime_mask_frames = 50\n", ["must fit the 49 x 40 spectrogram", "got 50"]),
    (TINY + "\n[detection]\ndetection_threshold = 300\n", ["[detection]", "detection_threshold must be 0-255"]),
    (TINY + "\n[detection]\nvolume_gain = -1\n", ["[detection]", "volume_gain"]),
    (TINY + "\n[detection]\nminimum_count = 50\naverage_window_duration_ms = 100\n",
     ["[detection]", "minimum_count 50 can never be reached", "lower minimum_count to 2"]),
    (TINY + "\n[detection]\ndetection_threshold = 255\n", ["[detection]", "255 can never be exceeded"]),
    (TINY + "\n[conversion]\nrepresentative_samples = 0\n", ["representative_samples must be at least 1"]),
    (TINY + "\n[training]\nbatch_size = 100000000000000000000\n", ["batch_size", "2,147,483,647"]),
    (TINY + "\n[training]\nmax_epochs = true\n", ["max_epochs must be a whole number, got true"]),
    (TINY + "\n[data]\nkeywords = [\"yes\", \"yes\"]\n", ["keywords must be distinct"]),
    (TINY + "\n[augmentation]\ntime_masks = -1\n", ["time_masks", "negative"]),
    (TINY + "\n[augmentation]\nfrequency_mask_channels = 2.5\n", ["frequency_mask_channels", "whole number"]),
    (TINY + "\n[data]\nkeywords = [\"yes\", \"_silence_\"]\n", ["automatically"]),
    (TINY + "\n[data]\nnegative_words = [\"go\", \"yes\"]\n", ["negative_words", "keywords: yes"]),
    (TINY + "\n[data]\nnegative_words = [\"go\", \"go\"]\n", ["negative_words", "distinct"]),
    (TINY + "\n[data]\nmax_clips_per_word = -3\n", ["max_clips_per_word must be at least 1", "got -3"]),
    (TINY + "\n[data]\nmax_clips_per_word = 0\n", ["max_clips_per_word must be at least 1", "got 0"]),
    (TINY + "\n[frontend]\nwindow_size_ms = \"wide\"\n", ["[frontend]"]),
    ("layer = 3\n" + TINY, ["unknown key", "layer"]),
    (TINY.replace('type = "flatten"', 'type = ["flatten"]'), ["'type' must be one of conv2d", "got ['flatten']"]),
    (TINY + "\n[frontend]\nsample_length_ms = 100000000\n",  # hours per sample: the preview seemed to hang
     ["[frontend]", "fe.sample_length_ms must be at most 60000", "got 100000000"]),
])
def test_mistakes_name_the_file_and_the_setting(tmp_path: Path, text: str, words: list[str]) -> None:
    with pytest.raises(SettingsError) as info:
        load_spec(_write(tmp_path, text))
    message = str(info.value)
    assert "spec.toml" in message
    for word in words:
        assert word in message


def test_unknown_names_and_broken_files_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no spec named 'nonexistent'.*tflite_micro_speech"):
        load_spec("nonexistent")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_spec(_write(tmp_path, "name = [unclosed"))
    with pytest.raises(SettingsError, match="deeper"):
        load_spec(_write(tmp_path, 'extends = "loop.toml"\n' + TINY, "loop.toml"))


def test_optional_settings_switch_off_with_off(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, TINY + '\n[augmentation]\nbg_noise_range = "off"\ntrim_threshold_db = "off"\n'))
    spec = spec_from_table(table, "x.toml")
    assert spec.augmentation.bg_noise_range is None and spec.augmentation.trim_threshold_db is None


def test_a_recipe_replaces_whole_settings_but_merges_sections(tmp_path: Path) -> None:
    _write(tmp_path, 'extends = "tflite_micro_speech"\n[data]\nunknown_word_weights = { go = 3.0 }\n'
                     'silence_percentage = 0.5\n', "base.toml")
    child = load_spec(_write(tmp_path, 'extends = "base.toml"\n[data]\nunknown_word_weights = {}\n'))
    assert child.data.unknown_word_weights == {}  # a table-valued setting is replaced, not merged
    assert child.data.silence_percentage == 0.5  # the rest of [data] comes from the base


def test_the_negative_word_stream_student_is_the_stream_student_with_three_word_classes() -> None:
    student, negatives = load_spec("stream_student"), load_spec("stream_negatives")
    assert negatives.layers == student.layers and negatives.training == student.training
    assert negatives.augmentation == student.augmentation
    assert negatives.classes == (*student.classes, "_go_", "_down_", "_left_")
    assert negatives.data.negative_words == ("go", "down", "left") and not student.data.negative_words
