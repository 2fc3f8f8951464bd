"""The Board workspace: flash, profile and classify on an EFR32 dev kit (see :mod:`.board_workspace`)."""

from workbench.gui.board.board_workspace import BoardWorkspace

__all__ = ["BoardWorkspace"]
