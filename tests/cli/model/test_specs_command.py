"""``kws specs``: the shipped specs with their cost, and every setting of one as ``kws train --set`` names it."""

from __future__ import annotations

import json
import tomllib

import pytest

from workbench.cli.main import main
from workbench.spec_files import shipped_spec_names
from workbench.training.spec import load_spec
from workbench.training.spec.setting_paths import spec_with_settings


def test_specs_lists_the_shipped_specs_with_their_cost(capsys) -> None:
    assert main(["specs", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["tflite_micro_speech"]["macs"] == 336_000 and rows["tflite_micro_speech"]["parameters"] == 16_684
    assert rows["ds_cnn_small"]["macs"] > 336_000 and rows["default"]["macs"] == 420_000
    assert rows["default"]["ensemble_members"] == 4 and rows["tflite_micro_speech"]["ensemble_members"] == 1
    assert main(["specs"]) == 0
    text = capsys.readouterr().out
    assert "tflite_micro_speech" in text and "420,000 MACs/member" in text


@pytest.mark.parametrize("name", shipped_spec_names())
def test_the_settings_listing_reads_back_as_the_same_spec(name: str, capsys) -> None:
    """Every line of the text listing, given back to --set, trains on exactly the spec listed."""
    assert main(["specs", "--settings", name]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(" = " in line for line in lines)
    settings = [(path, tomllib.loads(f"v = {value}")["v"]) for path, value in (l.split(" = ", 1) for l in lines)]
    assert spec_with_settings(name, settings) == load_spec(name)
    paths = [path for path, _value in settings]
    assert "augmentation.mask_share" in paths and "training.learning_rate" in paths and "layers.1.filters" in paths


def test_a_spec_that_starts_from_a_model_says_so_beside_its_settings(capsys) -> None:
    """init_from is not a --set setting, so it is said on stderr, with the option that changes it."""
    assert main(["specs", "--settings", "default"]) == 0
    captured = capsys.readouterr()
    assert "init_from" not in captured.out
    assert 'init_from = "bundled:models/tflite_micro_speech.tflite"' in captured.err
    assert "kws train --init-from" in captured.err


def test_set_shows_the_settings_as_the_run_would_have_them(capsys) -> None:
    args = ["specs", "--settings", "default", "--json", "--set", "augmentation.mask_share=0.5",
            "--set", "layers.1.filters=12", "--set", "augmentation.pitch_range=[-1.0, 1.0]",
            "--set", "detection.detection_threshold=auto"]
    assert main(args) == 0
    listing = json.loads(capsys.readouterr().out)
    rows = {row["path"]: row for row in listing["settings"]}
    assert listing["name"] == "kws_yes_no" and listing["file"].endswith("default.toml")
    assert rows["augmentation.mask_share"] == {"path": "augmentation.mask_share", "value": 0.5, "changed": True}
    assert rows["layers.1.filters"]["value"] == 12 and rows["augmentation.pitch_range"]["value"] == [-1.0, 1.0]
    assert rows["augmentation.loudness_range"] == {"path": "augmentation.loudness_range", "value": "off",
                                                   "changed": False}
    assert rows["detection.detection_threshold"]["value"] == "auto"  # chosen by the run, not switched off
    assert [p for p, row in rows.items() if row["changed"]] == [
        "augmentation.pitch_range", "augmentation.mask_share", "detection.detection_threshold",
        "layers.1.filters"]  # in the spec's order
    assert listing["macs"] > load_spec("default").macs  # 12 filters cost more than 10
    assert main(["specs", "--settings", "default", "--set", "augmentation.mask_share=0.5"]) == 0
    assert "augmentation.mask_share = 0.5  # --set" in capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("args, message", [
    (["--settings", "default", "--set", "augmentation.mask_share=5"], "with --set: [augmentation]: mask_share"),
    (["--settings", "default", "--set", "training.learnin_rate=0.1"], "has no setting 'learnin_rate'"),
    (["--settings", "no_such_spec"], "no spec named 'no_such_spec'"),
    (["--set", "training.seed=1"], "--set goes with --settings SPEC"),
])
def test_mistakes_are_one_line_and_exit_2(args: list[str], message: str, capsys) -> None:
    assert main(["specs", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kws: error: ") and message in err[0]
