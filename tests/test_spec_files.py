"""Spec files are found and read one way for kws train, the sweeps and the Training workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import SettingsError
from workbench.spec_files import DEFAULT_KEYWORDS, load_spec_table, spec_keywords


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_keywords_come_from_the_spec_then_its_bases_then_the_default(tmp_path: Path) -> None:
    base = _write(tmp_path / "my_base.toml", 'extends = "tflite_micro_speech"\n[data]\nkeywords = ["up", "down"]\n')
    child = _write(tmp_path / "child.toml", 'name = "c"\nextends = "my_base"\n')  # beside it, without .toml
    assert spec_keywords(base) == spec_keywords(child) == ("up", "down")
    table, path = load_spec_table(child)
    assert path == child and table["name"] == "c" and table["data"]["keywords"] == ["up", "down"]
    assert spec_keywords("tflite_micro_speech") == DEFAULT_KEYWORDS  # a shipped spec without [data] keywords


def test_a_spec_that_cannot_be_read_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not valid TOML"):
        spec_keywords(_write(tmp_path / "bad.toml", "[data\n"))
    with pytest.raises(SettingsError, match="a list of words"):
        spec_keywords(_write(tmp_path / "odd.toml", '[data]\nkeywords = "up"\n'))
    loop = _write(tmp_path / "loop.toml", 'extends = "loop.toml"\n')
    with pytest.raises(SettingsError, match="nests deeper"):
        spec_keywords(loop)


@pytest.mark.parametrize("name", ["dir.toml", "specs"])
def test_a_folder_is_said_to_be_a_folder(tmp_path: Path, monkeypatch, name: str) -> None:
    """Not "spec file not found" (the user can see it there) nor "no spec named" (it is a path)."""
    (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as err:
        load_spec_table(name)
    assert str(err.value) == f"{name} is a folder, not a spec file: give a .toml file or a shipped spec name"


def test_a_folder_named_like_a_shipped_spec_does_not_hide_it(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "default").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_spec_table("default")[1].name == "default.toml"
