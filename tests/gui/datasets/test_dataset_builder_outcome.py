"""How a dataset build ends in the builder's status: the child's warnings stay under the last line (a build whose
dataset cannot train says so there, instead of "Train with …"), counts read "1 clip", and the next build starts
without the last one's warnings. Real `kws dataset synth` children with the flite voice."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_dataset_builder_dialog import fill, open_dialog, tick_only  # the neighbouring test's helpers
from workbench.gui import theme
from workbench.gui.datasets.dataset_builder_dialog import DatasetBuilderDialog

VOICE = {"flite:kal16"}
BUILD_TIMEOUT_MS = 180_000


@pytest.fixture
def dialog(qtbot):
    view = open_dialog(qtbot, ("flite",))
    yield view
    view.shutdown()


def build(qtbot, view: DatasetBuilderDialog, out: Path, words: str, negatives: str) -> None:
    fill(view, out, words=words)
    view.negatives_edit.setText(negatives)
    tick_only(view, VOICE)
    with qtbot.waitSignal(view.built, timeout=BUILD_TIMEOUT_MS):
        assert view.build()


def test_a_dataset_that_cannot_train_keeps_its_warnings_and_says_so(qtbot, dialog, tmp_path: Path) -> None:
    out = tmp_path / "only-yes"
    build(qtbot, dialog, out, words="yes", negatives="yes")  # the keyword as its own negative: dropped
    line = dialog.status.text()
    assert line.startswith(f"Built 1 clip in {out}, but the dataset cannot train a model"), line
    assert "Train with" not in line and "Negative words" in line
    warnings = dialog.status.warnings
    assert any("(yes) is a keyword and was dropped" in w for w in warnings), warnings
    assert any(w.startswith("no negative words") for w in warnings), warnings
    shown = dialog.status.warnings_label
    assert shown.isVisible() and shown.text().startswith("Warning: ") and "was dropped" in shown.text()
    color = shown.styleSheet().removeprefix("color: ").rstrip(";")
    window = shown.palette().color(shown.backgroundRole())
    assert color != dialog.palette().color(shown.foregroundRole()).name()  # styled apart from plain text
    assert theme.contrast_ratio(color, window) >= theme.MIN_TEXT_CONTRAST
    assert "cannot train" in dialog.host.statuses[-1]

    build(qtbot, dialog, tmp_path / "yes-go", words="yes", negatives="go")  # a new build: its own warnings only
    assert dialog.status.text() == f"Built 2 clips in {tmp_path / 'yes-go'}. Train with the keywords yes."
    assert dialog.status.warnings == [] and not dialog.status.warnings_label.isVisible()
