"""A model's identity (what its remembered tuning is keyed by) survives a rewrite of its parameters and a new file
layout, and changes with the network; ``changed_on_disk`` sees another tool's rewrite. Real bundled models."""

from __future__ import annotations

import shutil
from pathlib import Path

from workbench.assets import asset_path, default_model_path
from workbench.core.model.model_file import changed_on_disk, load_model, model_with_params, save_model
from workbench.core.model.model_params import (
    METADATA_NAME, pack_model, read_params_and_identity, unpack_model, write_params,
)


def test_rewriting_the_parameters_keeps_the_identity(tmp_path: Path) -> None:
    model = load_model(default_model_path())
    rewritten = save_model(model_with_params(model, {"suppression_ms": 640, "classes": ["a", "b", "c", "d"]}),
                           tmp_path / "rewritten.tflite")
    assert rewritten.read_bytes() != model.tflite
    assert load_model(rewritten).identity == model.identity != ""


def test_a_model_without_parameters_keeps_its_identity_once_they_are_written() -> None:
    schema, unpacked = unpack_model(load_model(default_model_path()).tflite)
    unpacked.metadata = [m for m in unpacked.metadata if m.name not in (METADATA_NAME, METADATA_NAME.encode())]
    bare = pack_model(schema, unpacked)
    params, identity = read_params_and_identity(bare)
    assert params == {}
    assert read_params_and_identity(write_params(bare, {"detection_threshold": 200}))[1] == identity


def test_another_network_has_another_identity() -> None:
    other = load_model(asset_path("models/tflite_micro_speech.tflite"))
    assert load_model(default_model_path()).identity != other.identity


def test_changed_on_disk_sees_a_rewrite_by_another_tool(tmp_path: Path) -> None:
    path = tmp_path / "m.tflite"
    shutil.copyfile(default_model_path(), path)
    model = load_model(path)
    assert not changed_on_disk(model)
    save_model(model_with_params(model, {"suppression_ms": 640}), path)
    assert changed_on_disk(model)
    assert not changed_on_disk(load_model(path))
    path.unlink()
    assert not changed_on_disk(model)  # nothing left there to lose
