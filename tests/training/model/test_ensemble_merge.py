"""Ensemble members of a widened fine-tune merge into one model that averages their logits."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import ModelError, SettingsError
from workbench.training.spec import spec_from_table
from workbench.spec_files import load_spec_table

pytest.importorskip("tensorflow")

from workbench.training.model.ensemble_merge import merge_members, merge_plan, merged_spec  # noqa: E402
from workbench.training.run.model_setup import prepare_model, weight_keeper  # noqa: E402


def _features(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(-128, 128, (n, 49, 40), dtype=np.int8)


def _wide_spec(filters: int = 10, **training: object):  # type: ignore[no-untyped-def]
    table, _ = load_spec_table("tflite_micro_speech")
    table["layers"][0]["filters"] = filters
    spec = spec_from_table(table, "wide.toml")
    settings = dict(learning_rate=0.01, init_expand=True, frozen_layers=2, trainable_classes=("_silence_",))
    settings.update(training)
    return spec.replace(training=dataclasses.replace(spec.training, **settings))


def _member(spec, reference: Path, seed: int):  # type: ignore[no-untyped-def]
    """A fine-tuned member: the reference widened, then two epochs on random labels (new part only)."""
    member_spec = spec.replace(training=dataclasses.replace(spec.training, seed=seed))
    prepared = prepare_model(member_spec, str(reference), _features(64))  # as in a run: one calibration set
    features = _features(64, seed=seed)
    labels = np.eye(4, dtype=np.float32)[np.random.default_rng(seed).integers(0, 4, len(features))]
    prepared.model.fit(features[..., None].astype(np.float32), labels, batch_size=16, epochs=2, verbose=0,
                       callbacks=[weight_keeper(prepared.model, member_spec, prepared.imported)])
    return prepared


def _logits(model, x: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The output layer's input times its weights: the logits before the softmax."""
    from workbench.training.model.keras_builder import keras

    flat = keras.Model(model.inputs, model.layers[-2].output).predict(x, verbose=0).astype(np.float64)
    kernel, bias = model.layers[-1].get_weights()
    return flat @ kernel + bias


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_the_merged_model_is_the_mean_of_the_members_logits(reference_model_path: Path) -> None:
    spec = _wide_spec(ensemble_members=3)
    members = [_member(spec, reference_model_path, seed) for seed in (1, 2, 3)]
    plan = merge_plan(spec, members[0].imported, members[0].model)
    assert (plan.shared, plan.added) == (8, 2)
    merged = merge_members([m.model for m in members], spec, plan)
    wide = merged_spec(spec, plan, 3)
    assert wide.layers[0].get("filters") == 8 + 3 * 2
    assert spec_from_table(tomllib.loads(wide.to_toml()), "merged.toml").layers == wide.layers  # table in step
    assert wide.macs == 25 * 20 * 14 * 80 + 25 * 20 * 14 * 4  # one conv and one dense over 14 channels
    assert merged.layers[0].get_weights()[0].shape[-1] == 14
    x = _features(40, seed=9)[..., None].astype(np.float32)
    member_logits = [_logits(m.model, x) for m in members]
    np.testing.assert_allclose(_logits(merged, x), np.mean(member_logits, axis=0), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(merged.predict(x, verbose=0), _softmax(np.mean(member_logits, axis=0)), atol=1e-4)
    # the members differ where they learned (else the merge would average nothing)
    assert not np.allclose(member_logits[0][:, 3], member_logits[1][:, 3], atol=1e-2)


def test_members_that_do_not_share_their_imported_part_are_refused(reference_model_path: Path) -> None:
    spec = _wide_spec(ensemble_members=2)
    members = [_member(spec, reference_model_path, seed) for seed in (1, 2)]
    conv = members[1].model.layers[0]
    kernel, bias = conv.get_weights()
    kernel[..., 0] += 0.5  # one of the reference's filters changed
    conv.set_weights([kernel, bias])
    plan = merge_plan(spec, members[0].imported, members[0].model)
    with pytest.raises(ModelError, match="shared part"):
        merge_members([m.model for m in members], spec, plan)


def test_a_model_without_added_filters_cannot_be_merged(reference_model_path: Path) -> None:
    spec = _wide_spec(filters=8, ensemble_members=2)
    prepared = prepare_model(spec, str(reference_model_path), _features(8))
    with pytest.raises(ModelError, match="conv2d layer widened"):
        merge_plan(spec, prepared.imported, prepared.model)


def test_ensemble_members_need_a_widened_fine_tune() -> None:
    table, _ = load_spec_table("tflite_micro_speech")
    table.setdefault("training", {})["ensemble_members"] = 3
    with pytest.raises(SettingsError, match="init_expand and trainable_classes"):
        spec_from_table(table, "plain.toml")
    table["training"]["ensemble_members"] = 0
    with pytest.raises(SettingsError, match="at least 1"):
        spec_from_table(table, "plain.toml")
