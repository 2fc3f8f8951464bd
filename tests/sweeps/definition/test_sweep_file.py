"""The sweep file: what it means once parsed, and one clear sentence for every kind of mistake."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from workbench.core.errors import SettingsError
from workbench.sweeps.definition.search_space import SPEC_DIMENSION
from workbench.sweeps.definition.sweep_file import load_sweep
from workbench.sweeps.definition.trial_spec import repeatable_spec, trial_spec

from sweep_data import sweep_text, write_sweep

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "resources" / "sweeps" / "yes_no_speech_commands.toml"


@pytest.fixture()
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "yes").mkdir(parents=True)
    return folder


def test_a_sweep_file_parses_into_dimensions_settings_and_absolute_paths(tmp_path: Path, dataset: Path) -> None:
    text = sweep_text(Path("data"), search="""
"training.learning_rate" = { loguniform = [1e-4, 1e-2] }
"training.batch_size" = { choice = [16, 32] }
[search.layers.1]
filters = { int = [4, 12] }
""", board="flash_kb = 64\nram_kb = 32\nmax_inference_ms = 20", scheduler='type = "asha"\ngrace_epochs = 1\n'
                                                                   'reduction_factor = 2')
    sweep = load_sweep(write_sweep(tmp_path, text))
    assert [(d.folder, d.weight) for d in sweep.datasets] == [(dataset.resolve(), 1.0)]  # relative to the file
    assert {d.path: (d.kind, d.values) for d in sweep.search} == {
        "training.learning_rate": ("loguniform", (1e-4, 1e-2)), "training.batch_size": ("choice", (16, 32)),
        "layers.1.filters": ("int", (4, 12))}
    assert sweep.fixed == {"data.split_method": "stratified", "conversion.representative_samples": 32}
    assert (sweep.board.flash_kb, sweep.board.ram_kb, sweep.scheduler.type) == (64, 32, "asha")
    assert sweep.board.max_inference_ms == 20
    assert sweep.objective.mode == "max" and sweep.budget.trials == 2 and sweep.run.epochs == 2


def test_a_trial_spec_carries_the_fixed_and_sampled_values(tmp_path: Path, dataset: Path) -> None:
    sweep = load_sweep(write_sweep(tmp_path, sweep_text(Path("data"), extra='keywords = ["yes", "left"]')))
    spec = trial_spec(sweep, sweep.specs[0], {"layers.1.filters": 6, "training.learning_rate": 0.004})
    assert spec.layers[0].get("filters") == 6 and spec.training.learning_rate == 0.004
    assert spec.data.split_method == "stratified" and spec.data.keywords == ("yes", "left")
    assert spec.macs == 252_000  # 6/8 of the conv and of the dense layer's input


def test_several_specs_become_a_dimension(tmp_path: Path, dataset: Path) -> None:
    text = sweep_text(Path("data"), search='"training.learning_rate" = { uniform = [1e-3, 1e-2] }').replace(
        'specs = ["tflite_micro_speech"]', 'specs = ["tflite_micro_speech", "ds_cnn_small"]')
    sweep = load_sweep(write_sweep(tmp_path, text))
    first = sweep.dimensions()[0]
    assert first.path == SPEC_DIMENSION and first.values == ("tflite_micro_speech", "ds_cnn_small")
    assert trial_spec(sweep, "ds_cnn_small", {}).name == "ds_cnn_small"


def test_the_shipped_example_is_valid_when_the_shared_data_is_there(shared_dir: Path) -> None:
    sweep = load_sweep(EXAMPLE)
    assert sweep.datasets[0].folder == (shared_dir / "datasets" / "speech_commands").resolve()
    assert len(sweep.search) >= 5 and sweep.scheduler.type == "asha"


@pytest.mark.parametrize(("change", "expected"), [
    (lambda t: "bogus = 1\n" + t, "unknown key 'bogus'"),
    (lambda t: t.replace("[1e-3, 1e-2]", "[1e-2, 1e-3]"), "range [0.01, 0.001] is empty"),
    (lambda t: t.replace("loguniform = [1e-3, 1e-2]", "loguniform = [0, 1e-2]"), "loguniform needs LOW > 0"),
    (lambda t: t.replace("{ int = [4, 8] }", "{ normal = [4, 8] }"), "unknown distribution 'normal'"),
    (lambda t: t.replace("{ int = [4, 8] }", "{ int = [4.5, 8] }"), "int needs whole numbers"),
    (lambda t: t.replace("{ int = [4, 8] }", "{ choice = [] }"), "choice needs a list of values"),
    (lambda t: t.replace("/data'", "/nowhere'"), "does not exist"),
    (lambda t: t.replace('"tflite_micro_speech"', '"no_such_spec"'), "no spec named 'no_such_spec'"),
    (lambda t: t + '\n[objective]\nmetric = "accuracy"\n', "metric must be one of val_balanced_accuracy, frr"),
    (lambda t: t.replace('"layers.1.filters"', '"layers.9.filters"'), "the spec has 6 layers, no layer 9"),
    (lambda t: t.replace('"layers.1.filters"', '"layers.2.filters"'), "layer 2 is batch_norm"),
    (lambda t: t.replace('"layers.1.filters"', '"training.pateince"'), "[training] has no setting 'pateince'"),
    (lambda t: t.replace('"layers.1.filters" = { int = [4, 8] }',
                         '"training.batch_size" = { uniform = [16, 64] }'), "must be a whole number"),
    (lambda t: t.replace('"layers.1.filters" = { int = [4, 8] }',
                         '"layers.1.padding" = { choice = ["same", "full"] }'), "does not fit spec"),
    (lambda t: t.replace('type = "fifo"', 'type = "hyperband"'), "type must be one of asha, fifo"),
    (lambda t: t.replace('type = "fifo"', 'type = "asha"\ngrace_epochs = 5'),
     "grace_epochs (5) is more than epochs (2): lower grace_epochs or raise epochs"),
    (lambda t: t.replace("epochs = 2", 'epochs = "ten"'), "bad.toml: epochs must be a whole number, got 'ten'"),
    (lambda t: t.replace("epochs = 2", "epochs = 0"), "bad.toml: epochs must be at least 1"),
    # a negative seed passed every check and died in numpy's sampler once Ray ran
    (lambda t: t.replace("seed = 3", "seed = -1"), "bad.toml: seed must be 0 or more, got -1"),
    (lambda t: t.replace("trials = 2", "trials = 0"), "trials must be at least 1"),
    (lambda t: t.replace("[board]", "[board]\nram_kb = -1"), "flash_kb and ram_kb must be positive"),
    (lambda t: t.replace("[board]", "[board]\nmax_inference_ms = 0"),
     "max_inference_ms must be a positive number of milliseconds, got 0"),
    # the listing of a table's known settings names the time budget beside the memory ones
    (lambda t: t.replace("[board]", "[board]\nmax_inference_time = 20"),
     "[board]: unknown setting 'max_inference_time' (known: accelerator, flash_kb, max_inference_ms, ram_kb)"),
])
def test_mistakes_are_one_sentence_naming_the_file(tmp_path: Path, dataset: Path, change, expected: str) -> None:
    path = write_sweep(tmp_path, change(sweep_text(dataset)), name="bad.toml")
    with pytest.raises(SettingsError) as caught:
        load_sweep(path)
    message = str(caught.value)
    assert expected in message and message.startswith("bad.toml") and "\n" not in message


def test_a_fractional_range_for_a_whole_number_setting_suggests_int(tmp_path: Path, dataset: Path) -> None:
    # its ends fit the spec; the check's own point inside the range (not in the file) does not: the sentence says
    # that the range draws fractions, and which int range to use, not "= 33.8512 does not fit"
    text = sweep_text(dataset).replace('"layers.1.filters" = { int = [4, 8] }',
                                       '"training.batch_size" = { uniform = [16, 64] }')
    with pytest.raises(SettingsError) as caught:
        load_sweep(write_sweep(tmp_path, text, name="bad.toml"))
    assert str(caught.value) == ("bad.toml: [search] training.batch_size = { uniform = [16, 64] } draws fractional "
                                 "values, but training.batch_size must be a whole number in spec "
                                 "tflite_micro_speech: use { int = [16, 64] }")
    uneven = text.replace("uniform = [16, 64]", "loguniform = [16.5, 64.5]")
    with pytest.raises(SettingsError, match=r"use \{ int = \[17, 64\] \}$"):
        load_sweep(write_sweep(tmp_path, uneven, name="bad.toml"))


def test_a_missing_dataset_key_and_the_frr_resplit_conflict_are_explained(tmp_path: Path, dataset: Path) -> None:
    no_data = "\n".join(line for line in sweep_text(dataset).splitlines() if not line.startswith("datasets"))
    with pytest.raises(SettingsError, match=r"no dataset: add datasets = \[\"FOLDER\"\]"):
        load_sweep(write_sweep(tmp_path, no_data, name="a.toml"))
    frr = sweep_text(dataset).replace('"tflite_micro_speech"', '"default"') + '\n[objective]\nmetric = "frr"\n'
    with pytest.raises(SettingsError, match="validation_resplit_percent"):
        load_sweep(write_sweep(tmp_path, frr, name="b.toml"))


def test_not_toml_and_not_found(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="sweep file not found"):
        load_sweep(tmp_path / "absent.toml")
    with pytest.raises(SettingsError, match="is not valid TOML"):
        load_sweep(write_sweep(tmp_path, "name = [", name="broken.toml"))


def test_a_file_that_is_not_utf8_is_not_a_sweep_file(tmp_path: Path) -> None:
    binary = tmp_path / "model.tflite"
    binary.write_bytes(b"\x1c\x00\x00\x00TFL3\xff\xfe\x80 name = 1\n")
    with pytest.raises(SettingsError) as caught:
        load_sweep(binary)
    assert str(caught.value) == "model.tflite is not a sweep file (not UTF-8 TOML)"


def test_the_default_grace_period_shrinks_to_a_short_sweeps_epochs(tmp_path: Path, dataset: Path) -> None:
    text = sweep_text(dataset, epochs=1, scheduler='type = "asha"')
    sweep = load_sweep(write_sweep(tmp_path, text))
    assert (sweep.scheduler.type, sweep.scheduler.grace_epochs, sweep.run.epochs) == ("asha", 1, 1)
    longer = load_sweep(write_sweep(tmp_path, sweep_text(dataset, epochs=9, scheduler='type = "asha"'), "b.toml"))
    assert longer.scheduler.grace_epochs == 2  # the default where it fits


def test_the_repeatable_spec_is_the_trial_spec_with_its_epoch_cap_and_seed(tmp_path: Path, dataset: Path) -> None:
    sweep = load_sweep(write_sweep(tmp_path, sweep_text(Path("data"), epochs=7)))
    trial = tmp_path / "sweep-trial.toml"
    trial.write_text(trial_spec(sweep, sweep.specs[0], {"layers.1.filters": 6}).to_toml())
    repeated = repeatable_spec(sweep, trial, 1234)
    assert (repeated.training.max_epochs, repeated.training.seed) == (7, 1234)
    expected = tomllib.loads(trial.read_text())
    expected["training"].update(max_epochs=7, seed=1234)
    assert tomllib.loads(repeated.to_toml()) == expected  # nothing else changed ("off" values stay off)


def test_a_dataset_weight_is_kept_for_kws_train(tmp_path: Path, dataset: Path) -> None:
    sweep = load_sweep(write_sweep(tmp_path, sweep_text(Path("data")).replace("'data'", "'data:2.5'")))
    assert sweep.datasets[0].weight == 2.5 and sweep.datasets[0].argument == f"{dataset.resolve()}:2.5"
    with pytest.raises(SettingsError, match="must be positive"):
        load_sweep(write_sweep(tmp_path, sweep_text(Path("data")).replace("'data'", "'data:0'"), name="w.toml"))


@pytest.mark.parametrize("searched", ['"data.validation_percent" = { uniform = [10.0, 20.0] }',
                                      '"data.testing_percent" = { choice = [10.0, 20.0] }'])
def test_the_frr_objective_refuses_a_searched_split(tmp_path: Path, dataset: Path, searched: str) -> None:
    """One validation stream serves every trial: a split that changed from trial to trial would put clips some
    trials train on into it."""
    text = (sweep_text(dataset, search=searched).replace("[fixed]\n", '[fixed]\n"data.validation_resplit_percent" '
                                                                       '= "off"\n')
            + '\n[objective]\nmetric = "frr"\n')
    path = searched.split('"')[1]
    with pytest.raises(SettingsError, match=rf"^frr\.toml: the frr objective streams the validation split once for "
                                            rf"every trial, so \[search\] cannot vary {path}: set it in \[fixed\]$"):
        load_sweep(write_sweep(tmp_path, text, name="frr.toml"))
    accuracy = text.replace('metric = "frr"', 'metric = "val_balanced_accuracy"')
    assert load_sweep(write_sweep(tmp_path, accuracy, name="accuracy.toml")).search


def test_a_trials_dataset_argument_keeps_its_weight_in_full_and_a_colon_folder_whole(tmp_path: Path) -> None:
    """The trials' --dataset was written with ":g" (0.1234567 trained as 0.123457); it is now written as the
    training run and the window write it."""
    from workbench.sweeps.definition.sweep_file import DatasetEntry

    assert DatasetEntry(tmp_path, 0.1234567).argument == f"{tmp_path}:0.1234567"
    assert DatasetEntry(tmp_path, 1234567.0).argument == f"{tmp_path}:1234567"
    assert DatasetEntry(tmp_path / "take:2").argument == f"{tmp_path}/take:2:1"
    assert DatasetEntry(tmp_path).argument == str(tmp_path)
