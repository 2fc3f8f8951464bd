"""What the Export for firmware dialog offers a model exported before: its last array name and header file, by the
model's name; a header written beside its model beside the model opened now; nothing a hand-edited settings file
holds that the export would refuse; another window's export; at most MAX_REMEMBERED_MODELS models."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings

from tests.gui import other_window_settings
from workbench.gui.model.firmware_export_dialog import FirmwareExportChoice
from workbench.gui.model.firmware_export_memory import MAX_REMEMBERED_MODELS, SETTINGS_KEY, FirmwareExportMemory


def settings_file(tmp_path: Path) -> QSettings:
    """A settings file of the test's own (each call: another QSettings of it, as another window has)."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_a_model_never_exported_is_offered_a_header_beside_it_named_after_it(tmp_path) -> None:
    memory = FirmwareExportMemory(settings_file(tmp_path))
    assert memory.choice_for(tmp_path / "my-model.mltk.zip") == FirmwareExportChoice(tmp_path / "my-model.h",
                                                                                      "my_model")


def test_a_header_beside_its_model_is_offered_beside_the_retrained_model(tmp_path) -> None:
    memory = FirmwareExportMemory(settings_file(tmp_path))
    memory.keep(tmp_path / "run-1" / "speech.tflite", FirmwareExportChoice(tmp_path / "run-1" / "model.h", "g_model"))
    retrained = tmp_path / "run-2" / "speech.tflite"
    assert memory.choice_for(retrained) == FirmwareExportChoice(tmp_path / "run-2" / "model.h", "g_model")
    assert memory.choice_for(tmp_path / "run-2" / "speech.mltk.zip").array_name == "g_model"  # the same model's name
    assert memory.choice_for(tmp_path / "other.tflite") == FirmwareExportChoice(tmp_path / "other.h", "other")


def test_a_header_elsewhere_is_offered_where_it_was_unless_its_folder_is_gone(tmp_path) -> None:
    firmware = tmp_path / "firmware" / "inc"
    firmware.mkdir(parents=True)
    memory = FirmwareExportMemory(settings_file(tmp_path))
    memory.keep(tmp_path / "run-1" / "speech.tflite", FirmwareExportChoice(firmware / "model.h", "g_model"))
    retrained = tmp_path / "run-2" / "speech.tflite"
    assert memory.choice_for(retrained) == FirmwareExportChoice(firmware / "model.h", "g_model")
    firmware.rmdir()
    assert memory.choice_for(retrained) == FirmwareExportChoice(tmp_path / "run-2" / "speech.h", "g_model")


def test_another_windows_export_is_offered_and_kept(tmp_path) -> None:
    """Another window (process) exported meanwhile: its model's name is offered here, and this window's next export
    leaves it in the file."""
    mine = FirmwareExportMemory(settings_file(tmp_path))
    assert mine.choice_for(tmp_path / "speech.tflite").array_name == "speech"  # read before the other window wrote
    other_window_settings.run(tmp_path / "settings.ini", "firmware-export", str(tmp_path / "speech.tflite"),
                              str(tmp_path / "model.h"), "g_model")
    assert mine.choice_for(tmp_path / "speech.tflite").array_name == "g_model"
    other_window_settings.run(tmp_path / "settings.ini", "firmware-export", str(tmp_path / "yes.tflite"),
                              str(tmp_path / "yes.h"), "g_yes")
    mine.keep(tmp_path / "no.tflite", FirmwareExportChoice(tmp_path / "no.h", "g_no"))
    fresh = FirmwareExportMemory(settings_file(tmp_path))
    assert [fresh.choice_for(tmp_path / f"{word}.tflite").array_name for word in ("speech", "yes", "no")] == [
        "g_model", "g_yes", "g_no"]


def test_what_a_hand_edited_file_holds_that_the_export_refuses_is_not_offered(tmp_path) -> None:
    qsettings = settings_file(tmp_path)
    qsettings.setValue(SETTINGS_KEY, json.dumps([
        {"model": "speech", "array": "main", "header": str(tmp_path / "model.h"), "beside_model": False},
        {"model": "yes", "array": "g_yes", "header": 3, "beside_model": False},
        "not an entry"]))
    memory = FirmwareExportMemory(qsettings)
    assert memory.choice_for(tmp_path / "speech.tflite") == FirmwareExportChoice(tmp_path / "model.h", "speech")
    assert memory.choice_for(tmp_path / "yes.tflite") == FirmwareExportChoice(tmp_path / "yes.h", "yes")
    qsettings.setValue(SETTINGS_KEY, "[{not json")
    assert memory.choice_for(tmp_path / "speech.tflite") == FirmwareExportChoice(tmp_path / "speech.h", "speech")
    memory.keep(tmp_path / "speech.tflite", FirmwareExportChoice(tmp_path / "speech.h", "g_speech"))
    assert memory.choice_for(tmp_path / "speech.tflite").array_name == "g_speech"


def test_only_the_most_recent_models_are_remembered(tmp_path) -> None:
    memory = FirmwareExportMemory(settings_file(tmp_path))
    models = [tmp_path / f"model{index}.tflite" for index in range(MAX_REMEMBERED_MODELS + 1)]
    for model in models:
        memory.keep(model, FirmwareExportChoice(tmp_path / "firmware.h", f"g_{model.stem}"))
    assert memory.choice_for(models[0]).array_name == "model0"  # the least recent: forgotten
    assert memory.choice_for(models[1]).array_name == "g_model1"
    assert len(json.loads(str(settings_file(tmp_path).value(SETTINGS_KEY)))) == MAX_REMEMBERED_MODELS
