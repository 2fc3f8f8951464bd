"""Where Simplicity Commander is: a path the user set, else PATH, else where Simplicity Studio puts it.

Why a search: Commander comes as a standalone download (executable ``commander``, or ``commander-cli``
in the CLI-only package) or inside Simplicity Studio's adapter packs, and is rarely on PATH. When it is
nowhere, the error says where to get it and how to point the workbench at it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from workbench.board.errors import CommanderNotFound

ENV_VAR = "KWS_COMMANDER"
EXECUTABLE_NAMES = ("commander", "commander-cli")
# the command line's words; the Board tab says its Browse… button instead (gui/board/board_outcomes)
COMMANDER_OPTION_HINT = "--commander of kws board info/flash/profile/classify"
DOWNLOAD_HINT = ("install Simplicity Commander (https://www.silabs.com/developers/simplicity-studio/"
                 "simplicity-commander, or with Simplicity Studio) and the SEGGER J-Link drivers, then put "
                 "it on PATH or give its path (" + COMMANDER_OPTION_HINT + ", or the KWS_COMMANDER variable)")


def _studio_locations() -> list[Path]:
    home = Path.home()
    packs = Path("developer") / "adapter_packs" / "commander"
    if sys.platform.startswith("win"):
        roots = [Path("C:/SiliconLabs/SimplicityStudio/v5"), home / "SimplicityStudio" / "v5"]
        return [root / packs / "commander.exe" for root in roots] + [
            Path(os.environ.get("ProgramFiles", "C:/Program Files")) / "Simplicity Commander" / "commander.exe"]
    if sys.platform == "darwin":
        return [Path("/Applications/Commander.app/Contents/MacOS/commander"),
                Path("/Applications/Simplicity Studio.app/Contents/Eclipse") / packs / "Commander.app"
                / "Contents" / "MacOS" / "commander"]
    return [home / "SimplicityStudio" / "SimplicityStudio_v5" / packs / "commander",
            home / "SimplicityStudio_v5" / packs / "commander", Path("/opt/SimplicityCommander/commander")]


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_commander(configured: str | os.PathLike[str] | None = None) -> Path:
    """The Commander executable to run; :class:`CommanderNotFound` with advice when there is none.

    ``configured`` (a preference or ``--commander``) wins, then ``$KWS_COMMANDER``, then PATH, then
    Simplicity Studio's install folders. A configured path that is not an executable is an error, not
    silently skipped.
    """
    for source, value in (("the configured Commander path", configured), (ENV_VAR, os.environ.get(ENV_VAR))):
        if value:
            path = Path(value).expanduser()
            if path.is_dir():
                for name in EXECUTABLE_NAMES:
                    found = shutil.which(name, path=str(path))
                    if found:
                        return Path(found)
                raise CommanderNotFound(f"{path} ({source}) is a folder with no Simplicity Commander "
                                        f"({' or '.join(EXECUTABLE_NAMES)}) in it: {DOWNLOAD_HINT}.")
            if _is_executable(path):
                return path
            if path.is_file():
                raise CommanderNotFound(f"{path} ({source}) is not executable: give Simplicity Commander's "
                                        "executable itself, or make this one executable (chmod +x).")
            raise CommanderNotFound(f"Simplicity Commander is not at {path} ({source}): {DOWNLOAD_HINT}.")
    for name in EXECUTABLE_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    for path in _studio_locations():
        if _is_executable(path):
            return path
    raise CommanderNotFound(f"Simplicity Commander was not found: {DOWNLOAD_HINT}.")
