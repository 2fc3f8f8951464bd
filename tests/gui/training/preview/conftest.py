"""Fixtures of the augmentation preview's tests: a small real dataset, a quick spec, and a preview that the real
``kws train --preview-augmentation`` wrote of them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "tests" / "training"))
from training_data import QUICK_SPEC, copy_slice  # noqa: E402

from workbench.cli.main import main  # noqa: E402

PREVIEW_DIR = "augmentation-preview"
WRITTEN_SAMPLES = 8
ALL_MASKED = "augmentation.mask_share=1.0"  # every sample gets masks: the index says so in every row


@pytest.fixture(scope="session")
def speech(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A slice of the shared Speech Commands clips (the test is skipped, with the reason, without them)."""
    return copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("preview-slice"))


@pytest.fixture
def quick_spec(tmp_path: Path) -> Path:
    path = tmp_path / "quick.toml"
    path.write_text(QUICK_SPEC.format(epochs=2))
    return path


@pytest.fixture
def written_preview(speech: Path, quick_spec: Path, tmp_path: Path) -> Path:
    """``OUT/augmentation-preview`` of ``kws train --preview-augmentation 8`` (in this process: no TensorFlow)."""
    out = tmp_path / "out"
    assert main(["train", "--spec", str(quick_spec), "--dataset", str(speech), "--set", ALL_MASKED,
                 "--preview-augmentation", str(WRITTEN_SAMPLES), "--out", str(out), "--progress", "none"]) == 0
    return out / PREVIEW_DIR
