"""One rule for where per-user configuration may go (the window's settings, matplotlib's cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.config_folder import can_write_into, private_folder, user_config_folder


def test_the_desktops_config_folder_is_xdg_then_home() -> None:
    assert user_config_folder({"XDG_CONFIG_HOME": "/x/config", "HOME": "/home/u"}) == Path("/x/config")
    assert user_config_folder({"XDG_CONFIG_HOME": "relative", "HOME": "/home/u"}) == Path("/home/u/.config")
    for env in ({}, {"HOME": "/"}, {"HOME": "relative/home"}):  # Qt would take "/" as the home
        assert user_config_folder(env) is None, env


def test_a_folder_counts_when_its_nearest_existing_folder_is_writable_and_not_the_root(tmp_path: Path) -> None:
    assert can_write_into(tmp_path) and can_write_into(tmp_path / "home" / ".config")
    assert not (tmp_path / "home").exists()  # asking created nothing
    assert not can_write_into(Path("/nonexistent-kws-home/.config"))  # a service user's HOME=/nonexistent
    (tmp_path / "file").write_text("")
    assert not can_write_into(tmp_path / "file" / "below")


def test_a_private_folder_is_the_users_alone(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    folder = private_folder("kws-test-")
    assert folder.parent == tmp_path and folder.is_dir() and oct(folder.stat().st_mode)[-3:] == "700"


def test_a_folder_whose_path_cannot_be_looked_at_is_not_writable(tmp_path: Path) -> None:
    # Path.exists() raises for errors other than "not there" (another user's HOME: permission denied; here a
    # name longer than the file system allows): such a folder is not a place to write, not a crash
    unreadable = tmp_path / ("x" * 300) / ".config"
    with pytest.raises(OSError):
        unreadable.exists()
    assert not can_write_into(unreadable)
