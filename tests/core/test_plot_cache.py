"""A read-only home gets matplotlib a private config folder up front, so report commands print no warning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.small_disk import make_read_only, mounted_tmpfs
from workbench.core.plot_cache import CONFIG_VARIABLE, ensure_writable_plot_cache

MATPLOTLIB_WARNING = "Matplotlib created a temporary cache directory"


def test_a_writable_or_chosen_folder_is_left_alone(tmp_path: Path) -> None:
    home = {"HOME": str(tmp_path / "home")}  # not there yet, but its parent is writable
    assert ensure_writable_plot_cache(home) is None and CONFIG_VARIABLE not in home
    assert not (tmp_path / "home").exists()  # nothing created for a command that may draw nothing
    chosen = {"HOME": "/nonexistent-root-folder", CONFIG_VARIABLE: str(tmp_path / "mine")}
    assert ensure_writable_plot_cache(chosen) is None and chosen[CONFIG_VARIABLE] == str(tmp_path / "mine")


def test_a_read_only_home_gets_a_private_folder_and_no_warning(tmp_path: Path) -> None:
    draw = ("from workbench.core.plot_cache import ensure_writable_plot_cache as e; e(); "
            "import matplotlib.font_manager")
    with mounted_tmpfs(tmp_path / "home", "64k") as home:
        make_read_only(home)
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
        env.pop(CONFIG_VARIABLE, None)
        private = ensure_writable_plot_cache(dict(env))
        assert private is not None and private.is_dir()
        quiet = subprocess.run([sys.executable, "-c", draw], env=env, capture_output=True, text=True)
        plain = subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                               capture_output=True, text=True)
    assert quiet.returncode == 0 and MATPLOTLIB_WARNING not in quiet.stderr
    assert MATPLOTLIB_WARNING in plain.stderr  # the warning this saves the user from
