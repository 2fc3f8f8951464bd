"""The dataset builder as a keyboard and screen reader user meets it: every Tab stop has a name (the path fields
beside their buttons and the list of clips had none), Build, Continue and Close have Alt letters of their own, and
the dialog opens no larger than its screen leaves room for with a title bar (it opened at 1100x720 on any screen)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton

from test_dataset_builder_dialog import Host  # the neighbouring test's stand-in for the window
from tests.gui.spoken import spoken_name, tab_walk
from workbench.gui.datasets.dataset_builder_dialog import DatasetBuilderDialog
from workbench.gui.widgets.small_screen import FRAME_ALLOWANCE_PX

VOICES_TIMEOUT_MS = 60_000  # a safety net for the voice listing child, not a timing of the test


@pytest.fixture
def dialog(qtbot):  # type: ignore[no-untyped-def]
    view = DatasetBuilderDialog(Host())
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: not view.voices.loading, timeout=VOICES_TIMEOUT_MS)
    yield view
    view.shutdown()


def test_every_tab_stop_is_named(dialog) -> None:  # type: ignore[no-untyped-def]
    stops = [w for w in tab_walk(dialog.words_edit, dialog) if w.isVisible()]
    assert {dialog.negatives_from, dialog.out_edit, dialog.preview.clip_list} <= set(stops)
    assert [type(w).__name__ for w in stops if not spoken_name(w)] == []
    assert (spoken_name(dialog.negatives_from), spoken_name(dialog.out_edit)) == ("Negatives from", "Output folder")


def test_the_buttons_have_alt_letters_of_their_own(dialog) -> None:  # type: ignore[no-untyped-def]
    letters = {button: QKeySequence.mnemonic(button.text()).toString()
               for button in dialog.findChildren(QAbstractButton)}
    assert all(letters[button] for button in (dialog.build_button, dialog.continue_button, dialog.close_button))
    given = [letter for letter in letters.values() if letter]
    assert len(given) == len(set(given))


def test_the_dialog_opens_within_its_screen(dialog) -> None:  # type: ignore[no-untyped-def]
    available = dialog.screen().availableGeometry()
    assert dialog.width() + FRAME_ALLOWANCE_PX[0] <= available.width()
    assert dialog.height() + FRAME_ALLOWANCE_PX[1] <= available.height()
