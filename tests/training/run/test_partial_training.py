"""Fine-tuning part of a model: frozen layers, output units and widened layers keep what they imported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import ModelError, WorkbenchError
from workbench.core.model.inference import ModelRunner
from workbench.training.spec import load_spec, spec_from_table
from workbench.spec_files import load_spec_table

pytest.importorskip("tensorflow")

from workbench.training.model.weights_import import weight_key  # noqa: E402
from workbench.training.run.checkpoints import Checkpoints  # noqa: E402
from workbench.training.run.model_setup import prepare_model, weight_keeper  # noqa: E402


def _features(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(-128, 128, (n, 49, 40), dtype=np.int8)


def _fit(model, features: np.ndarray, keeper, classes: int = 4) -> None:  # type: ignore[no-untyped-def]
    labels = np.eye(classes, dtype=np.float32)[np.random.default_rng(1).integers(0, classes, len(features))]
    model.fit(features[..., None].astype(np.float32), labels, batch_size=16, epochs=2, verbose=0,
              callbacks=[keeper] if keeper else [])


def _spec(**training: object):  # type: ignore[no-untyped-def]
    base = load_spec("tflite_micro_speech")
    return base.replace(training=dataclasses.replace(base.training, learning_rate=0.01, **training))


def test_only_the_named_output_units_and_unfrozen_layers_change(reference_model_path: Path) -> None:
    spec = _spec(frozen_layers=2, trainable_classes=("_silence_",))
    features = _features(64)
    prepared = prepare_model(spec, str(reference_model_path), features)
    model = prepared.model
    before = [np.array(w) for w in model.get_weights()]
    _fit(model, features, weight_keeper(model, spec, prepared.imported))
    after = [np.array(w) for w in model.get_weights()]
    for name, old, new in zip([w.path for w in model.weights], before, after):
        if "dense" in name:
            assert np.array_equal(old[..., :3], new[..., :3]), name  # yes, no, _unknown_ untouched
            assert not np.array_equal(old[..., 3], new[..., 3]), name  # _silence_ learned
        elif "dropout" not in name:
            assert np.array_equal(old, new), name  # conv and batch norm (with its statistics) frozen


def test_a_widened_model_starts_as_the_reference_and_only_its_new_part_learns(reference_model_path: Path) -> None:
    table, _ = load_spec_table("tflite_micro_speech")
    table["layers"][0]["filters"] = 10
    wide = spec_from_table(table, "wide.toml")
    spec = wide.replace(training=dataclasses.replace(wide.training, learning_rate=0.01, init_expand=True,
                                                     frozen_layers=2, trainable_classes=("_silence_",)))
    assert spec.macs == 25 * 20 * 10 * 80 + 5000 * 4
    features = _features(48, seed=2)
    prepared = prepare_model(spec, str(reference_model_path), features)
    model = prepared.model
    reference = ModelRunner(reference_model_path.read_bytes())
    ours = model.predict(features[..., None].astype(np.float32), verbose=0)
    theirs = np.stack([reference.probabilities(f) for f in features])
    assert np.mean(ours.argmax(1) == theirs.argmax(1)) >= 0.95  # the new filters have no say yet
    conv = model.layers[0]
    mask = prepared.imported[weight_key(conv.weights[0].path)]
    assert mask[..., :8].all() and not mask[..., 8:].any()
    kernel_before = np.array(conv.weights[0].numpy())
    _fit(model, features, weight_keeper(model, spec, prepared.imported))
    kernel_after = np.array(conv.weights[0].numpy())
    assert np.array_equal(kernel_before[..., :8], kernel_after[..., :8])  # the reference's filters kept
    assert not np.array_equal(kernel_before[..., 8:], kernel_after[..., 8:])  # the added filters learned


def test_mismatches_are_refused_without_init_expand(reference_model_path: Path) -> None:
    table, _ = load_spec_table("tflite_micro_speech")
    table["layers"][0]["filters"] = 10
    with pytest.raises(ModelError, match="init_expand"):
        prepare_model(spec_from_table(table, "wide.toml"), str(reference_model_path), _features(4))
    spec = _spec(trainable_classes=("maybe",))
    prepared = prepare_model(spec, None, _features(1))
    with pytest.raises(WorkbenchError, match="maybe"):
        weight_keeper(prepared.model, spec, prepared.imported)


def test_class_weights_are_balanced_then_scaled(speech_slice: Path) -> None:
    from workbench.datasets.layout import scan_dataset
    from workbench.training.data.sample_plan import make_plan
    from workbench.training.data.sample_plan import class_weights

    spec = load_spec("tflite_micro_speech")
    data = dataclasses.replace(spec.data, validation_resplit_percent=25.0)
    plan = make_plan(scan_dataset(speech_slice), data, seed=1)
    balanced = plan.class_weights()
    scaled = class_weights(plan, dataclasses.replace(spec.training, class_weight_scale={"yes": 2.0}))
    assert scaled == {0: balanced[0] * 2.0, 1: balanced[1], 2: balanced[2], 3: balanced[3]}
    assert class_weights(plan, dataclasses.replace(spec.training, class_weights="none")) is None
    with pytest.raises(WorkbenchError, match="maybe"):
        class_weights(plan, dataclasses.replace(spec.training, class_weight_scale={"maybe": 2.0}))


def test_teacher_targets_blend_its_probabilities_except_for_skipped_classes(reference_model_path: Path) -> None:
    from workbench.training.run.teacher import Teacher

    teacher = Teacher(reference_model_path, ("yes", "no", "_unknown_", "_silence_"), 0.8, skips=("_silence_",))
    features = _features(6, seed=5)
    labels = np.array([0, 1, 2, 3, 0, 3])
    targets = teacher.targets(features, labels, 4)
    probs = teacher.probabilities(features)
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(targets[0], 0.2 * np.eye(4)[0] + 0.8 * probs[0], atol=1e-6)
    assert np.array_equal(targets[3], np.eye(4, dtype=np.float32)[3])  # _silence_ keeps its hard target
    with pytest.raises(ModelError, match="classes"):
        Teacher(reference_model_path, ("on", "off", "_unknown_", "_silence_"), 0.5)


def test_a_teacher_without_the_negative_word_classes_teaches_the_others(reference_model_path: Path) -> None:
    """The reference knows "go" only as _unknown_: a spec with _go_ may still learn from it."""
    from workbench.training.run.teacher import Teacher

    classes = ("yes", "no", "_unknown_", "_silence_", "_go_")
    teacher = Teacher(reference_model_path, classes, 0.5)
    features = _features(4, seed=6)
    labels = np.array([0, 2, 4, 1])
    targets = teacher.targets(features, labels, 5)
    probs = teacher.probabilities(features)
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(targets[1, :4], 0.5 * np.eye(4)[2] + 0.5 * probs[1], atol=1e-6)
    assert targets[1, 4] == 0.0  # the teacher gives _go_ nothing
    assert np.array_equal(targets[2], np.eye(5, dtype=np.float32)[4])  # a _go_ sample keeps its hard target
    with pytest.raises(ModelError, match="classes"):  # a teacher with fewer non-negative classes is refused
        Teacher(reference_model_path, ("yes", "no", "up", "_unknown_", "_silence_", "_go_"), 0.5)


def test_a_resumed_model_keeps_its_imported_part(reference_model_path: Path, tmp_path: Path) -> None:
    """A model loaded from a checkpoint names its weights without the model's prefix: the saved import
    masks must still find them, or a resumed run would let the reference's filters drift."""
    table, _ = load_spec_table("tflite_micro_speech")
    table["layers"][0]["filters"] = 10
    wide = spec_from_table(table, "wide.toml")
    spec = wide.replace(training=dataclasses.replace(wide.training, learning_rate=0.01, init_expand=True,
                                                     frozen_layers=2, trainable_classes=("_silence_",)))
    features = _features(32, seed=4)
    prepared = prepare_model(spec, str(reference_model_path), features)
    checkpoints = Checkpoints(tmp_path / "train")
    checkpoints.save_imported(prepared.imported)
    prepared.model.save(tmp_path / "last.keras")
    from workbench.training.model.keras_builder import keras

    loaded = keras.models.load_model(tmp_path / "last.keras")
    kernel_before = np.array(loaded.layers[0].weights[0].numpy())
    keeper = weight_keeper(loaded, spec, checkpoints.load_imported())
    assert keeper is not None and any(v is loaded.layers[0].weights[0] for v, _, _ in keeper.entries)
    _fit(loaded, features, keeper)
    kernel_after = np.array(loaded.layers[0].weights[0].numpy())
    assert np.array_equal(kernel_before[..., :8], kernel_after[..., :8])
    assert not np.array_equal(kernel_before[..., 8:], kernel_after[..., 8:])


def test_init_layers_takes_the_feature_extractor_under_a_new_head(reference_model_path: Path) -> None:
    """``init_layers = 1``: the reference's convolution (and its folded batch norm) under a head with
    other classes computes what the reference's own features are; the new head starts fresh."""
    features = _features(48, seed=5)
    whole = prepare_model(_spec(), str(reference_model_path), features).model
    table, _ = load_spec_table("tflite_micro_speech")
    table["data"]["keywords"] = ["up", "down", "left"]
    table["training"]["init_layers"] = 1
    other = spec_from_table(table, "other_words.toml")
    prepared = prepare_model(other, str(reference_model_path), features)
    model = prepared.model
    x = features[..., None].astype(np.float32)
    flatten = [i for i, layer in enumerate(model.layers) if "flatten" in layer.name][0]

    def extracted(m):  # type: ignore[no-untyped-def]
        y = x
        for layer in m.layers[:flatten + 1]:
            y = layer(y, training=False)
        return np.asarray(y)

    np.testing.assert_allclose(extracted(model), extracted(whole), rtol=1e-5, atol=1e-5)
    assert model.layers[-1].weights[0].shape[-1] == 5
    assert sorted(prepared.imported) == sorted(weight_key(v.path) for v in model.layers[0].weights)
    with pytest.raises(ModelError, match="init_layers"):  # other classes, no init_layers: said how to fix
        prepare_model(spec_from_table({**table, "training": {}}, "other_words.toml"), str(reference_model_path),
                      features)
    table["training"]["init_layers"] = 3
    with pytest.raises(ModelError, match="init_layers = 3"):
        prepare_model(spec_from_table(table, "other_words.toml"), str(reference_model_path), features)


def test_negative_word_classes_are_added_mute_after_the_references_and_learn(reference_model_path: Path) -> None:
    """``negative_words`` with ``init_expand``: the reference's four outputs are imported, the new classes'
    columns start at zero (the imported classes keep their order on every input) and learn."""
    table, _ = load_spec_table("tflite_micro_speech")
    table["data"] = {**table.get("data", {}), "negative_words": ["go", "down"]}
    table["training"] = {**table.get("training", {}), "init_expand": True, "frozen_layers": 2,
                         "learning_rate": 0.01, "trainable_classes": ["_go_", "_down_"]}
    spec = spec_from_table(table, "negatives.toml")
    assert spec.classes == ("yes", "no", "_unknown_", "_silence_", "_go_", "_down_")
    features = _features(48, seed=7)
    prepared = prepare_model(spec, str(reference_model_path), features)
    model = prepared.model
    kernel = np.array(model.layers[-1].weights[0].numpy())
    assert kernel[:, :4].any() and not kernel[:, 4:].any()
    ours = model.predict(features[..., None].astype(np.float32), verbose=0)
    reference = ModelRunner(reference_model_path.read_bytes())
    theirs = np.stack([reference.probabilities(f) for f in features])
    assert np.mean(ours[:, :4].argmax(1) == theirs.argmax(1)) >= 0.95
    _fit(model, features, weight_keeper(model, spec, prepared.imported), classes=6)
    learned = np.array(model.layers[-1].weights[0].numpy())
    assert np.array_equal(kernel[:, :4], learned[:, :4]) and learned[:, 4:].any()


def test_a_run_says_which_outputs_learn_and_which_keep_their_weights(speech_slice: Path, tmp_path: Path,
                                                                     reference_model_path: Path) -> None:
    """The default spec's outputs yes, no and _unknown_ never learn (``trainable_classes``): a user who adds other
    words' clips to it -- a model's false accepts, saved to learn from -- must read that in the run's log, or the run
    looks as if it had learned them (it said only that the first layers are frozen)."""
    import sys

    from workbench.training.run.cancel import CancelToken
    from workbench.training.run.pipeline import run_training
    from workbench.training.run.progress import Progress
    from workbench.training.run.run_request import DatasetArg, TrainRequest

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from training_data import QUICK_SPEC

    spec = tmp_path / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=1), encoding="utf-8")
    said: list[str] = []

    class Lines:
        def emit(self, event: dict[str, object]) -> None:
            if event["event"] == "info":
                said.append(str(event["message"]))

    for trainable, line in ((["_silence_"], "only the _silence_ output learns: yes, no and _unknown_ keep the weights "
                                            "they start with (trainable_classes)"),
                            ([], None)):
        said.clear()
        request = TrainRequest(datasets=(DatasetArg(speech_slice),), out=tmp_path / f"run{len(trainable)}",
                               spec=str(spec), epochs=1, workers=1, evaluate=False,
                               init_from=str(reference_model_path),
                               settings=(("training.trainable_classes", trainable),))
        assert run_training(request, Progress(Lines()), CancelToken()).status == "done"
        assert (line in said) if line else not any("keep the weights" in text for text in said), said
