"""A dataset build that fails on a write (a full disk) after writing clips: the bar goes back to empty and
Continue finishes the build, as ``kws dataset synth --resume`` would; meanwhile synth.json says it failed.

The write failure is real: the ``kws dataset synth`` child inherits a file-size limit (RLIMIT_FSIZE) that
lets the 1 s clips through and stops the 30 s background-noise files, as a disk filling up would."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from test_dataset_builder_dialog import fill, open_dialog, tick_only  # the neighbouring test's helpers
from workbench.datasets.synthetic import unfinished_build
from workbench.gui.datasets.dataset_builder_dialog import DatasetBuilderDialog

CLIP_FITS_NOISE_DOES_NOT = 600 * 1024  # bytes: a 1 s clip is 32 KB, a 30 s noise file about 1 MB


@pytest.fixture
def dialog(qtbot):
    view = open_dialog(qtbot, ("flite",))
    yield view
    view.shutdown()


def start_with_file_size_limit(view: DatasetBuilderDialog, limit: int) -> bool:
    """Start the build in a child that cannot write files over ``limit`` bytes (this process keeps its own)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        return view.build()  # the child is forked here and keeps the limit
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_a_build_failing_on_a_write_resets_the_bar_and_can_be_continued(qtbot, dialog, tmp_path: Path) -> None:
    out = tmp_path / "full"
    fill(dialog, out, words="yes")
    tick_only(dialog, {"flite:kal16"})  # espeak-ng maps a 64 MB shared-memory file: the limit would stop it
    with qtbot.waitSignal(dialog.child.failed, timeout=180_000) as failed:
        assert start_with_file_size_limit(dialog, CLIP_FITS_NOISE_DOES_NOT)
    assert "_background_noise_" in failed.args[0] and "File too large" in failed.args[0]
    clips = sorted(out.glob("*/*_nohash_*.wav"))
    assert clips and "stopped on an error" in (unfinished_build(out) or "")  # clips written, the build unfinished
    assert dialog.progress.value() == 0 and dialog.status.text() == failed.args[0]
    assert dialog.continue_button.isEnabled()
    with qtbot.waitSignal(dialog.built, timeout=180_000):
        dialog.continue_button.click()
    assert unfinished_build(out) is None and sorted(out.glob("*/*_nohash_*.wav")) == clips
    assert list((out / "_background_noise_").glob("*.wav"))


def test_continue_stays_off_for_a_new_or_empty_folder(qtbot, dialog, tmp_path: Path) -> None:
    fill(dialog, tmp_path / "new", words="yes")
    assert dialog.build_button.isEnabled() and not dialog.continue_button.isEnabled()
    (tmp_path / "empty").mkdir()
    dialog.out_edit.setText(str(tmp_path / "empty"))
    assert not dialog.continue_button.isEnabled()
