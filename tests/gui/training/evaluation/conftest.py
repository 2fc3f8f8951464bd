"""The Evaluation tab's report view, as the tests of what it reads build it (not shown: they read its text)."""

from __future__ import annotations

import pytest

from workbench.gui.training.evaluation.evaluation_report_view import EvaluationReportView


@pytest.fixture
def view(qtbot):  # type: ignore[no-untyped-def]
    widget = EvaluationReportView()
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()
