"""Check the spec settings a past session changed against the spec as it is now, before the form offers them.

Why: the Training form remembers its ``kws train --set`` values between sessions (:mod:`training_form_memory`),
but the spec they change may have changed since -- a spec file edited to another layer list has no
``layers.3.filters`` any more -- and ``kws train`` would refuse the run only when Train is pressed, naming a
setting the user changed days ago. Such values are dropped at start, with one sentence saying which.

Why a child (``kws specs --settings SPEC --json``, as the settings dialog asks): a spec's settings come from
the training package, which the window may not import (an import-linter contract); it answers in well under a
second. First its listing says which remembered settings the spec still has; then the kept ones are checked as
``kws train --set`` checks them. A refusal names one problem, not always one setting, so the kept values are
then dropped together. A spec that cannot be listed drops nothing: ``kws train`` will say what is wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from workbench.gui.kws_child_process import CANCELLED, SUCCEEDED, KwsChildProcess
from workbench.gui.training.spec_settings_dialog import ASSIGNMENT, SET_OPTION, STOP_POLICY

GONE_SETTINGS = "Settings changed last session that {spec} no longer has are dropped: {paths}."
REFUSED_SETTINGS = "Settings changed last session are dropped: {spec} refuses them now ({reason})."


class RememberedSettingsCheck(QObject):
    """One check at a time: :meth:`start`, then ``checked(spec, given, accepted, sentence)``.

    ``given`` and ``accepted`` are {path: TOML text} (``accepted``: what the spec still takes); ``sentence``
    says what was dropped ("" when nothing was).
    """

    checked = Signal(str, dict, dict, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.child = KwsChildProcess("kws specs", STOP_POLICY, parent=self)
        self._output: list[str] = []
        self.child.stdout_line.connect(self._output.append)
        self.child.ended.connect(self._ended)
        self._spec = ""
        self._given: dict[str, str] = {}
        self._kept: dict[str, str] | None = None  # None while the listing runs; then the settings being checked
        self._gone = ""  # the sentence about settings the spec no longer has

    @property
    def running(self) -> bool:
        return self.child.running

    def start(self, spec: str, changes: Mapping[str, str]) -> None:
        """Check ``changes`` ({path: TOML text}) against ``spec`` (a shipped name or a .toml file)."""
        self.stop()
        self._spec, self._given, self._kept, self._gone = spec, dict(changes), None, ""
        self._run()

    def stop(self) -> None:
        """End a running check; it reports nothing (the window closes, or another check replaces it)."""
        if self.child.running:
            self.child.cancel()
            self.child.wait_stopped()

    def _run(self, *sets: str) -> None:
        self._output.clear()
        self.child.start_command(["specs", "--settings", self._spec, "--json", *sets])

    def _ended(self, outcome: str, error: str) -> None:
        if outcome == CANCELLED:
            return
        if self._kept is None:
            self._listed(self._paths() if outcome == SUCCEEDED else None)
        elif outcome == SUCCEEDED:
            self._finish(self._kept, self._gone)
        else:
            refused = REFUSED_SETTINGS.format(spec=self._name(), reason=error.rstrip("."))
            self._finish({}, f"{self._gone} {refused}".strip())

    def _listed(self, paths: set[str] | None) -> None:
        if paths is None:  # the spec cannot be listed: kws train says why when it is trained
            self._finish(self._given, "")
            return
        self._kept = {path: text for path, text in self._given.items() if path in paths}
        gone = [path for path in self._given if path not in paths]
        self._gone = GONE_SETTINGS.format(spec=self._name(), paths=", ".join(gone)) if gone else ""
        if not self._kept:
            self._finish({}, self._gone)
            return
        self._run(*(a for path, text in self._kept.items() for a in (SET_OPTION, f"{path}{ASSIGNMENT}{text}")))

    def _paths(self) -> set[str] | None:
        """The setting paths of the listing; None when it is not one."""
        try:
            listing = json.loads("\n".join(self._output))
        except ValueError:
            return None
        rows = listing.get("settings") if isinstance(listing, dict) else None
        if not isinstance(rows, list) or not all(isinstance(row, dict) and "path" in row for row in rows):
            return None
        return {str(row["path"]) for row in rows}

    def _name(self) -> str:
        return Path(self._spec).name

    def _finish(self, accepted: dict[str, str], sentence: str) -> None:
        self._kept = None
        self.checked.emit(self._spec, dict(self._given), dict(accepted), sentence)
