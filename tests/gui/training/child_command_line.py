"""The command line a Training workspace's running child was started with, read back from /proc: what Train really
ran, not what the workspace meant to run."""

from __future__ import annotations

from pathlib import Path

CHILD_TIMEOUT_MS = 120_000  # a safety net for a hung child, not a timing of the test


def running_child_command(qtbot, ws) -> list[str]:  # type: ignore[no-untyped-def]
    """The arguments of ``ws``'s training child once it has exec'd (its own, not the forked window's), then stopped:
    the workspace is idle again when this returns."""
    command: list[str] = []

    def child_command() -> bool:
        try:
            command[:] = Path(f"/proc/{ws.process.pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:
            return False
        return "jsonl" in command

    qtbot.waitUntil(child_command, timeout=CHILD_TIMEOUT_MS)
    ws.cancel()
    qtbot.waitUntil(lambda: not ws.running, timeout=CHILD_TIMEOUT_MS)
    return command
