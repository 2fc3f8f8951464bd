"""Simplicity Commander: found (:mod:`.locate`), run with progress and cancel (:mod:`.client`), its output
read (:mod:`.output`). Commander is Silicon Labs' flash/debug tool; the workbench never bundles it."""

from workbench.board.commander.client import Commander
from workbench.board.commander.locate import find_commander

__all__ = ["Commander", "find_commander"]
