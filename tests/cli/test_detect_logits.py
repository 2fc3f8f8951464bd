"""`kws detect` says once, before the detections, when the model's scores are logits (tiny converted models,
a real WAV file); it still scores them as the board does, raw + 128, with no softmax."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.tiny_models import logits_model, softmax_model
from workbench.cli.main import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dataset_builders import write_clip  # noqa: E402

WARNING = "kws: warning: "
NOTICE = (f"{WARNING}the model's output is not a softmax (its last op is FULLY_CONNECTED): its scores are logits, "
          "not probabilities, so the detection threshold and the reported scores are not on a 0-1 scale")
SECONDS = 1.5


@pytest.fixture(scope="module")
def tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("detect") / "tone.wav", seconds=SECONDS)


def _detect(capsys, tmp_path: Path, tflite: bytes, tone: Path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    model = tmp_path / "model.tflite"
    model.write_bytes(tflite)
    assert main(["detect", str(tone), "--model", str(model), "--scores"]) == 0
    return capsys.readouterr()


def test_a_logits_model_is_said_to_give_logits(capsys, tmp_path: Path, tone: Path) -> None:
    out, err = _detect(capsys, tmp_path, logits_model(), tone)
    notices = [line for line in err.splitlines() if line.startswith(WARNING)]
    assert len(notices) == 1 and notices[0].startswith(NOTICE)
    assert " scores  yes=" in out  # scored all the same, as the board would


def test_a_softmax_model_runs_without_it(capsys, tmp_path: Path, tone: Path) -> None:
    out, err = _detect(capsys, tmp_path, softmax_model(), tone)
    assert WARNING not in err and " scores  yes=" in out
