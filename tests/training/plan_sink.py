"""A progress sink for tests of what a training run says before it trains (its warnings and its plan)."""

from __future__ import annotations

from typing import Any

from workbench.training.run.cancel import CancelToken


class StopAfterPlan:
    """Keeps every message and stops the run at its next check once the plan was said, before any training."""

    def __init__(self, cancel: CancelToken) -> None:
        self.cancel = cancel
        self.messages: list[tuple[str, str]] = []

    def emit(self, event: dict[str, Any]) -> None:
        if event.get("message"):
            self.messages.append((event["phase"], event["message"]))
        if event["phase"] == "plan":
            self.cancel.set("enough: the plan was said")
