"""`kws params` and preset keys (``preset.<name>.<parameter>``): a well-formed one is written without
--allow-new-keys and typed as the model's own parameter; a malformed one or a bad value is refused; changing the
model's own values keeps the presets."""

from __future__ import annotations

import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.cli.main import main
from workbench.core.detection.presets import presets_in
from workbench.core.detection.settings import DetectionSettings
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import params_buffer
from workbench.core.model.params_dictionary import INT32_LIST, decode_entries


def test_a_well_formed_preset_key_is_written_without_allow_new_keys(capsys, tmp_path) -> None:
    out = tmp_path / "quiet.tflite"
    assert main(["params", str(yes_no_model_path()), "-o", str(out), "preset.quiet_room.detection_threshold=120",
                 "preset.quiet_room.detection_threshold_list=120,190,255,255",
                 "preset.quiet_room.description=for a quiet room: keywords among silence"]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out}: preset.quiet_room.detection_threshold=120")
    model = load_model(out)
    own = DetectionSettings.from_params(model.params)
    assert own == DetectionSettings.from_params(load_model(yes_no_model_path()).params)
    (quiet,) = presets_in(model.params, own, model.classes)
    assert quiet.settings == own.replace(detection_threshold=120, detection_threshold_list=(120, 190, 255, 255))
    assert quiet.description == "for a quiet room: keywords among silence"
    types = {key: code for key, code, _ in decode_entries(params_buffer(out.read_bytes()))}
    assert types["preset.quiet_room.detection_threshold_list"] == INT32_LIST


@pytest.mark.parametrize("allow", [(), ("--allow-new-keys",)], ids=["plain", "allow-new-keys"])
@pytest.mark.parametrize("item, said", [
    ("preset.quiet=120", "the preset key preset.quiet must read preset.NAME.PARAMETER"),
    ("preset.Quiet.detection_threshold=120", "names a preset 'Quiet': a preset name takes only lowercase letters"),
    ("preset.quiet.detection_treshold=120", "(did you mean preset.quiet.detection_threshold?)"),
])
def test_a_malformed_preset_key_is_refused_in_one_sentence(capsys, tmp_path, item: str, said: str,
                                                           allow: tuple[str, ...]) -> None:
    out = tmp_path / "bad.tflite"
    assert main(["params", str(yes_no_model_path()), "-o", str(out), item, *allow]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kws: error: ") and said in err and err.count("\n") == 1
    assert "nothing written" in err and not out.exists()


def test_a_preset_value_the_detector_would_refuse_is_refused_naming_its_key(capsys, tmp_path) -> None:
    out = tmp_path / "bad.tflite"
    assert main(["params", str(yes_no_model_path()), "-o", str(out), "preset.quiet.detection_threshold=300"]) == 2
    err = capsys.readouterr().err
    assert "preset.quiet.detection_threshold" in err and "must be 0-255" in err and not out.exists()


def test_changing_the_models_own_values_keeps_its_presets(capsys, tmp_path) -> None:
    first, second = tmp_path / "quiet.tflite", tmp_path / "own.tflite"
    assert main(["params", str(yes_no_model_path()), "-o", str(first), "preset.quiet_room.minimum_count=1",
                 "preset.quiet_room.description=for a quiet room"]) == 0
    assert main(["params", str(first), "-o", str(second), "detection_threshold=200"]) == 0
    capsys.readouterr()
    kept = load_model(second).params
    assert kept["detection_threshold"] == 200
    assert (kept["preset.quiet_room.minimum_count"], kept["preset.quiet_room.description"]) == (1, "for a quiet room")


def test_info_lists_the_default_models_presets_apart_in_one_column(capsys) -> None:
    """kws info: the quiet_room keys under a heading of their own, after the model's own values and before the
    frontend's, every value in one column (the longest key sets it)."""
    assert main(["info", "kws_yes_no_stream"]) == 0
    lines = capsys.readouterr().out.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("presets ("))
    own = lines.index("parameters:")
    frontend = lines.index("frontend (fe.*):")
    assert own < heading < frontend
    assert all(line.startswith("  preset.quiet_room.") for line in lines[heading + 1:frontend])
    assert not any(line.startswith("  preset.") for line in lines[own:heading])
    rows = [line for line in lines[own + 1:] if line.startswith("  ") and not line.startswith("   ")]
    columns = {len(line) - len(line[2:].split(" ", 1)[1].lstrip()) for line in rows if " " in line[2:]}
    assert len(columns) == 1
