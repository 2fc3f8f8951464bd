"""The main window's frame: the window itself, its menus, the workspace bar and host, the saved dock
layouts, the wiring of the side panels to the live session, and the status-bar stream indicator.

The workspaces (live, model, profile, training, calibration, board) live in their own packages and
see the window only through :class:`~workbench.gui.window.workspace_host.WorkspaceHost`.
"""
