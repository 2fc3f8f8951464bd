"""A synth build holds its folder while it runs: a second build into it -- ``--resume`` (which used to run a
parallel build of the same clips) or a fresh start (told "not empty: continue with --resume") -- is refused at
once naming the live build's PID; once that build is killed, ``--resume`` finishes it.

The live build is a real :func:`build_dataset` with a real engine in a second process, stopped at its first
progress report (its ``synth.json`` written, no clip made yet).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paused_child import PausedChild  # noqa: E402

from workbench.core.folder_lock import LOCK_FILE, FolderInUse, in_use_sentence  # noqa: E402
from workbench.synthesis.build_plan import SynthSettings  # noqa: E402
from workbench.synthesis.dataset_builder import MANIFEST, build_dataset, check_out  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: builds are not guarded there")

VOICES = (["espeak"], ["espeak:m3"])
# kws dataset synth yes --takes 1 --seed 5 --no-noise --out argv[1] (one espeak voice), stopped at its first report
BUILD = f"""
from workbench.synthesis.build_plan import SynthSettings
from workbench.synthesis.dataset_builder import build_dataset
from workbench.synthesis.voice_registry import discover_voices
settings = SynthSettings(words=("yes",), takes=1, seed=5, noise_kinds=())
build_dataset(settings, discover_voices(*{VOICES!r}), sys.argv[1], workers=1, progress=pause)
"""


def test_a_second_build_into_a_live_builds_folder_is_refused_and_resume_finishes_it_later(need_programs,
                                                                                          tmp_path: Path) -> None:
    from workbench.synthesis.voice_registry import discover_voices

    need_programs("espeak-ng")
    settings = SynthSettings(words=("yes",), takes=1, seed=5, noise_kinds=())
    registry = discover_voices(*VOICES)
    out = tmp_path / "syn2"
    with PausedChild(BUILD, out) as live:
        expected = in_use_sentence(out, live.pid)
        with pytest.raises(FolderInUse) as resumed:
            build_dataset(settings, registry, out, workers=1, resume=True)
        assert str(resumed.value) == expected
        for resume in (False, True):  # the command line's check before it starts, as the build's own
            with pytest.raises(FolderInUse) as checked:
                check_out(out, resume, settings)
            assert str(checked.value) == expected
        assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE, MANIFEST, "yes"] and not any(out.rglob("*.wav"))
        live.kill()
    report = build_dataset(settings, registry, out, workers=1, resume=True)  # the killed build left no lock
    assert report.clips == 1 and report.kept == 0 and not (out / LOCK_FILE).exists()
