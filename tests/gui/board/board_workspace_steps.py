"""Steps the Board workspace tests share: a workspace on the test window, a simulated board chosen in its boxes,
and waiting for the job to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from workbench.gui.board import BoardWorkspace

RUN_TIMEOUT_MS = 60_000


def board_workspace(window: Any, qtbot: Any, **options: Any) -> Iterator[BoardWorkspace]:
    """A shown workspace hosted by ``window`` (a fixture's body: yields it, shuts it down after)."""
    ws = BoardWorkspace(window, **options)
    qtbot.addWidget(ws)
    ws.resize(1200, 800)
    ws.show()
    yield ws
    ws.shutdown()


def use_board(ws: BoardWorkspace, sim: Any, *, profiler: Path | None = None, classifier: Path | None = None) -> None:
    """Point the workspace's Serial port box at the simulator and its Profiler image and Classifier image boxes at
    the images given."""
    ws.connection.port.setEditText(str(sim.port))
    for box, image in ((ws.firmware.profiler, profiler), (ws.firmware.classifier, classifier)):
        if image is not None:
            box.setText(str(image))


def wait_idle(qtbot: Any, ws: BoardWorkspace) -> None:
    qtbot.waitUntil(lambda: not ws.busy, timeout=RUN_TIMEOUT_MS)
