"""The dataset builder dialog under pytest-qt: it lists the installed voices (a real `kws dataset voices`
child), builds with a real `kws dataset synth` child (progress, preview of the clips with their
spectrograms), cancels and continues, answers an incomplete form with one sentence, and opens over a
parent window through open_dataset_builder."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from spawned_workers import spawned_workers

from workbench.gui.datasets.dataset_builder_dialog import DatasetBuilderDialog, open_dataset_builder
from workbench.synthesis.dataset_builder import MANIFEST

VOICE_IDS = {"espeak:m3", "espeak:f2", "flite:kal16"}
TAKES_FOR_MANY_BATCHES = 10  # 3 batches per voice: a worker killed after the first result still had work


class Host:
    """What the dialog asks of the window: messages (a real window shows them in boxes)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.statuses: list[str] = []
        self.controller = None
        self.settings = None

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_status(self, message: str) -> None:
        self.statuses.append(message)


def open_dialog(qtbot, engines: tuple[str, ...]) -> DatasetBuilderDialog:
    """The dialog over a :class:`Host`, its voice list loaded; skips when an engine is not installed."""
    missing = [p for p in engines if shutil.which(p) is None]
    if missing:
        pytest.skip(f"speech engines not installed: {', '.join(missing)}")
    host = Host()
    view = DatasetBuilderDialog(host)
    view.ask = lambda _parent, _question: True  # a test failing mid-build is closed without a modal question
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.voices.loading, timeout=60_000)
    return view


@pytest.fixture
def dialog(qtbot):
    view = open_dialog(qtbot, ("espeak-ng", "flite"))
    assert not view.host.errors, view.host.errors
    yield view
    view.shutdown()


def tick_only(view: DatasetBuilderDialog, ids: set[str]) -> None:
    tree = view.voices
    for i in range(tree.topLevelItemCount()):
        row = tree.topLevelItem(i)
        for j in range(row.childCount()):
            child = row.child(j)
            if child.data(0, Qt.ItemDataRole.UserRole):
                child.setCheckState(0, Qt.CheckState.Checked if child.data(0, Qt.ItemDataRole.UserRole) in ids
                                    else Qt.CheckState.Unchecked)


def fill(view: DatasetBuilderDialog, out: Path, words: str = "yes, hey lamp") -> None:
    view.words_edit.setText(words)
    view.negatives_edit.setText("go")
    view.similar_spin.setValue(0)
    view.takes_spin.setValue(1)
    view.out_edit.setText(str(out))
    tick_only(view, VOICE_IDS)


def test_lists_voices_builds_and_previews(qtbot, dialog, tmp_path: Path) -> None:
    engines = {dialog.voices.topLevelItem(i).text(0) for i in range(dialog.voices.topLevelItemCount())}
    assert {"espeak", "flite"} <= engines
    assert len(dialog.voices.selected_ids()) >= 30 or dialog.voices.all_selected()
    out = tmp_path / "lamp"
    fill(dialog, out)
    args = dialog.command_args()
    assert args[args.index("--similar") + 1] == "0"
    assert set(args[args.index("--voices") + 1].split(",")) == VOICE_IDS
    assert args[args.index("--engines") + 1] == "espeak,flite"
    with qtbot.waitSignal(dialog.built, timeout=180_000) as built:
        assert dialog.build()
        assert dialog.cancel_button.isEnabled() and not dialog.build_button.isEnabled()
    assert built.args == [str(out)]
    assert dialog.progress.value() == dialog.progress.maximum()
    assert sorted(p.name for p in (out / "yes").iterdir()) == ["espeak-f2_nohash_0.wav", "espeak-m3_nohash_0.wav",
                                                              "kal_nohash_0.wav"]
    preview = dialog.preview
    assert preview.clip_list.count() == 9  # 3 voices x (yes, hey lamp, go)
    preview.clip_list.setCurrentRow(4)
    assert preview.spectrogram is not None and preview.spectrogram.shape == (49, 40)
    assert preview.spectrogram.max() > preview.spectrogram.min()  # a word, not silence
    assert "hey_lamp/" in preview.info.text() and "dBFS" in preview.info.text()
    before = list(dialog.host.errors)
    preview.play()  # plays, or (no output device here) says so in one sentence
    new = dialog.host.errors[len(before):]
    assert all(message.startswith("Cannot play the clip") for message in new)
    assert "hey_lamp" in dialog.status.text() and dialog.host.statuses


def test_cancel_keeps_the_clips_and_continue_finishes(qtbot, dialog, tmp_path: Path) -> None:
    out = tmp_path / "many"
    fill(dialog, out, words="yes, no, seven, eight, nine, zero")
    dialog.takes_spin.setValue(3)
    with qtbot.waitSignal(dialog.child.cancelled, timeout=120_000):
        dialog.build()
        qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=60_000)
        dialog.cancel()
    assert "Continue" in dialog.status.text() and dialog.continue_button.isEnabled()
    assert (out / MANIFEST).is_file()
    made = len(list(out.glob("*/*_nohash_*.wav")))
    assert made < 6 * 3 * 3 + 3
    with qtbot.waitSignal(dialog.built, timeout=180_000):
        dialog.continue_button.click()
    assert len(list(out.glob("*/*_nohash_*.wav"))) == 6 * 3 * 3 + 3


def test_an_incomplete_form_is_one_sentence(qtbot, dialog, tmp_path: Path) -> None:
    dialog.out_edit.setText(str(tmp_path / "x"))
    dialog.words_edit.setText("yes; no")
    assert not dialog.build()
    assert dialog.host.errors[-1].startswith("'yes; no' is not a word") and not dialog.child.running
    dialog.words_edit.setText("yes")
    tick_only(dialog, set())
    assert not dialog.build() and dialog.host.errors[-1] == "Tick at least one voice."
    dialog._ask_folder = lambda title, start: str(tmp_path / "chosen")
    dialog.out_button.click()
    assert dialog.out_edit.text() == str(tmp_path / "chosen")
    tick_only(dialog, VOICE_IDS)
    dialog.negatives_from.setText("speech_commands")  # relative: read from wherever the app was started
    assert not dialog.build() and not dialog.child.running
    assert dialog.host.errors[-1] == ("Give \u201cNegatives from\u201d as a full path (such as ~/speech_commands) or "
                                      "choose it with \u201cFolder\u2026\u201d; 'speech_commands' alone would be "
                                      "looked for in whatever folder the app was started from.")


def test_the_clip_length_and_spectrogram_follow_the_loaded_model(qtbot, tmp_path: Path) -> None:
    from workbench.assets import default_model_path
    from workbench.core.frontend_settings import FrontendSettings
    from workbench.core.model.model_file import load_model

    class ModelHost(Host):
        def __init__(self) -> None:
            super().__init__()
            self.controller = type("Controller", (), {"model": load_model(default_model_path())})()

    host = ModelHost()
    view = DatasetBuilderDialog(host)
    qtbot.addWidget(view)
    expected = FrontendSettings.from_params(host.controller.model.params)
    assert view.clip_ms_spin.value() == expected.sample_length // 16
    assert view.preview.frontend.settings == expected
    qtbot.waitUntil(lambda: not view.voices.loading, timeout=60_000)
    view.shutdown()


def test_open_dataset_builder_shows_it_over_its_parent_and_closing_deletes_it(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    view = open_dataset_builder(Host(), parent)
    assert view.isVisible() and view.isWindow() and view.parent() is parent
    assert not view.isModal()  # the window stays usable while a build runs
    qtbot.waitUntil(lambda: not view.voices.loading, timeout=60_000)
    with qtbot.waitSignal(view.destroyed, timeout=10_000):
        view.close()


def test_sound_alikes_start_at_auto_which_leaves_the_choice_to_kws(qtbot, dialog, tmp_path: Path) -> None:
    dialog.words_edit.setText("yes")
    dialog.out_edit.setText(str(tmp_path / "x"))
    assert dialog.similar_spin.text() == "auto"
    assert "--similar" not in dialog.command_args()
    dialog.similar_spin.setValue(5)
    args = dialog.command_args()
    assert args[args.index("--similar") + 1] == "5"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the workers in /proc")
def test_a_dead_worker_is_explained_in_the_dialogs_terms_and_continue_uses_one(qtbot, dialog, tmp_path) -> None:
    """The command line's advice ("the same command, --resume and --workers 1") named an option the form has
    not; the dialog says what Continue will do, and does it."""
    out = tmp_path / "died"
    fill(dialog, out, words="yes, no, seven, eight, nine, zero")
    dialog.takes_spin.setValue(TAKES_FOR_MANY_BATCHES)
    with qtbot.waitSignal(dialog.child.ended, timeout=120_000) as ended:
        dialog.build()
        qtbot.waitUntil(lambda: dialog.progress.value() > 0 and bool(spawned_workers(dialog.child.pid)),
                        timeout=60_000)
        os.kill(spawned_workers(dialog.child.pid)[0], signal.SIGKILL)
    assert ended.args[0] == "failed", ended.args
    assert dialog.host.errors[-1] == ("A synthesis worker process died (out of memory?); the clips made so far are "
                                      "kept: Continue finishes the build with one worker process.")
    assert dialog.continue_button.isEnabled()
    assert dialog.command_args(resume=True)[-3:] == ["--resume", "--workers", "1"]
    with qtbot.waitSignal(dialog.built, timeout=180_000):
        dialog.continue_button.click()
    assert len(list(out.glob("*/*_nohash_*.wav"))) == 6 * TAKES_FOR_MANY_BATCHES * 3 + 3
    dialog.out_edit.setText(str(tmp_path / "next"))
    with qtbot.waitSignal(dialog.child.ended, timeout=120_000):
        assert dialog.build()  # a new build ...
        dialog.cancel()
    assert "--workers" not in dialog.command_args(resume=True)  # ... and its Continue have every worker again
