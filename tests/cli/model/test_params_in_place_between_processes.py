"""Two ``kws params MODEL --in-place k=v`` at once keep both changes: the second reads the first one's result (both
used to read the old file, and the later write dropped the earlier change).

The first is the real command in a second process, stopped after it read the model and just before its rename;
while it is stopped, a writer of the model's folder must wait; the second is the real command in a third.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from paused_child import PausedChild, another_writer_must_wait, finish_child, running_child  # noqa: E402

from workbench.core.model.model_file import load_model  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows: models are not guarded there")

# kws params argv[1] --in-place argv[2]; with argv[3] "pause", stopped just before it renames the model into place
PARAMS = """
import os
from workbench.cli.main import main

renamed = os.replace

def pause_then_rename(source, target):
    os.replace = renamed
    pause()
    renamed(source, target)

if sys.argv[3:] == ["pause"]:
    os.replace = pause_then_rename
sys.exit(main(["params", sys.argv[1], "--in-place", sys.argv[2]]))
"""


def test_two_in_place_changes_at_once_both_stay(tmp_path: Path, reference_model_path: Path) -> None:
    model = tmp_path / "m.tflite"
    shutil.copy(reference_model_path, model)
    with PausedChild(PARAMS, model, "detection_threshold=201", "pause") as first:
        assert another_writer_must_wait(tmp_path)
        with running_child(PARAMS, model, "suppression_ms=1234") as second:  # waits for the first's rename, then reads
            first.resume()
            finish_child(second)
    params = load_model(model).params
    assert (params["detection_threshold"], params["suppression_ms"]) == (201, 1234)
