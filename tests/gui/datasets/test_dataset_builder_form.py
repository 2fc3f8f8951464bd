"""The dataset builder's form: locked while a build runs (it builds what it shows), Continue offered only for a
folder a build wrote, one phrase given twice or a relative output folder refused in one sentence, the child's
"--resume" named as the Continue button, and a selected clip never widening the dialog at a large font."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from test_dataset_builder_dialog import Host, fill, open_dialog, tick_only  # the neighbouring test's helpers
from workbench.core.audio.audio_file import save_wav
from workbench.core.errors import SettingsError
from workbench.gui.datasets.dataset_builder_dialog import DatasetBuilderDialog
from workbench.gui.datasets.form_words import keyword_list

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import cut_off_texts  # noqa: E402

SMALL_SCREEN_WIDTH = 1280
RATE = 16000
BUILD_TIMEOUT_MS = 180_000


@pytest.fixture
def dialog(qtbot):
    view = open_dialog(qtbot, ("espeak-ng", "flite"))
    yield view
    view.shutdown()


def form_inputs(view: DatasetBuilderDialog) -> list:
    return [view.words_edit, view.negatives_edit, view.negatives_from, view.negatives_button, view.similar_spin,
            view.takes_spin, view.negative_takes_spin, view.clip_ms_spin, view.seed_spin, view.room_check,
            view.curated_check, view.out_edit, view.out_button, view.voices]


def test_the_form_is_locked_while_a_build_runs_and_continue_follows_a_cancel(qtbot, dialog, tmp_path: Path) -> None:
    out = tmp_path / "many"
    fill(dialog, out, words="yes, no, seven, eight, nine, zero")
    dialog.takes_spin.setValue(3)
    assert all(widget.isEnabled() for widget in form_inputs(dialog))
    dialog._ask_folder = lambda title, start: str(tmp_path / "elsewhere")
    with qtbot.waitSignal(dialog.child.cancelled, timeout=120_000):
        assert dialog.build()
        qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=60_000)
        assert [w for w in form_inputs(dialog) if w.isEnabled()] == []
        dialog.out_button.click()  # Browse… while it runs: nothing to change
        assert dialog.out_edit.text() == str(out)
        dialog.cancel()
    assert all(widget.isEnabled() for widget in form_inputs(dialog))
    assert "Continue finishes the build" in dialog.status.text() and dialog.continue_button.isEnabled()


def test_one_phrase_given_twice_is_refused(qtbot, dialog, tmp_path: Path) -> None:
    fill(dialog, tmp_path / "twice")
    for words, sentence in (("hey lamp, hey-lamp", "'hey-lamp' repeats the keyword 'hey lamp'"),
                            ("Yes, yes", "'yes' repeats the keyword 'Yes'")):
        dialog.words_edit.setText(words)
        assert not dialog.build() and not dialog.child.running
        assert dialog.host.errors[-1] == sentence + ": give each keyword once."
    assert not (tmp_path / "twice").exists()


def test_keyword_list_tells_phrases_apart_by_their_words_only() -> None:
    assert keyword_list(" hey lamp ,hey lamps, o'clock,") == ["hey lamp", "hey lamps", "o'clock"]
    for twice in ("Hey-Lamp, hey lamp", "hey - lamp, hey lamp", "stop, go, STOP"):
        with pytest.raises(SettingsError, match="repeats the keyword"):
            keyword_list(twice)


def test_a_relative_output_folder_is_refused(qtbot, dialog, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # where a relative folder would have gone
    fill(dialog, Path("relative-set"))
    assert dialog.build_button.isEnabled() and not dialog.continue_button.isEnabled()
    assert not dialog.build() and not dialog.child.running
    assert dialog.host.errors[-1].startswith("Give the output folder as a full path (such as ~/relative-set)")
    assert not (tmp_path / "relative-set").exists()


def test_continue_is_offered_only_for_a_folder_a_build_wrote(qtbot, dialog, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "notes.txt").write_text("mine\n", encoding="utf-8")
    fill(dialog, notes, words="yes")
    tick_only(dialog, {"flite:kal16"})
    assert not dialog.continue_button.isEnabled()
    assert not dialog.build() and not dialog.child.running
    assert dialog.host.errors[-1] == f"The folder {notes} holds other files, not a dataset build: choose a new or " \
                                     "empty folder."
    built = tmp_path / "built"
    dialog.out_edit.setText(str(built))
    with qtbot.waitSignal(dialog.built, timeout=BUILD_TIMEOUT_MS):
        assert dialog.build()
    assert dialog.continue_button.isEnabled()
    with qtbot.waitSignal(dialog.child.failed, timeout=BUILD_TIMEOUT_MS) as failed:
        assert dialog.build()  # Build, not Continue, into the finished folder: the child refuses it
    assert "--resume" not in failed.args[0] and failed.args[0].endswith("into it with \u201cContinue\u201d.")


def test_a_selected_clip_never_widens_the_dialog_at_a_large_font(qtbot, large_font, tmp_path: Path) -> None:
    view = DatasetBuilderDialog(Host())
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.voices.loading, timeout=60_000)
    folder = tmp_path / "a-dataset-folder-with-a-rather-long-name" / "synthetic-hey-lamp-set"
    word = folder / "hey_lamp"
    word.mkdir(parents=True)
    tone = (np.sin(np.arange(RATE) * 2 * np.pi * 440 / RATE) * 8000).astype(np.int16)
    save_wav(word / "kokoro-af-heart-british-english_nohash_12.wav", tone, RATE)
    (word / "kokoro-af-heart-british-english_nohash_13.wav").write_bytes(b"RIFF")  # damaged
    qtbot.wait(50)
    widest = max(view.minimumSizeHint().width(), view.width())
    assert widest <= SMALL_SCREEN_WIDTH
    view.preview.set_folder(folder)
    for row in range(view.preview.clip_list.count()):
        view.preview.clip_list.setCurrentRow(row)
        qtbot.wait(50)  # let the layouts settle
        assert view.minimumSizeHint().width() <= widest and view.width() <= widest, view.preview.info.text()
        assert [p for p in cut_off_texts(view) if p.startswith("label")] == []
    view.shutdown()
