"""TensorFlow's native chatter stays out of the training process's stderr; real warnings and errors come through.

The line rule on its own, the fd-2 filter in a real child process (bytes written straight to fd 2, as native
libraries do; nested with the core's LiteRT filter), and a real two-epoch ``kws train`` whose stderr has none
of TensorFlow's start-up or converter lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.child_command import kws_command
from workbench.training.tensorflow_noise import LOG_LEVEL_VARIABLE, RETRACING_NOTE, TensorFlowLineFilter

REPO = Path(__file__).resolve().parents[2]
ABSL_NOTICE = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
ONEDNN = (b"I0000 00:00:1796441442.788219   24892 port.cc:153] oneDNN custom operations are on. You may see "
          b"slightly different numerical results due to floating-point round-off errors.\n")
CUDA = (b"I0000 00:00:1796441442.789356   24892 cudart_stub.cc:31] Could not find cuda drivers on your machine, "
        b"GPU will not be used.\n")
QUANTIZER = b"fully_quantize: 0, inference_type: 6, input_inference_type: INT8, output_inference_type: INT8\n"
NOISE = ABSL_NOTICE + ONEDNN + CUDA + QUANTIZER
REAL_WARNING = b"W0000 00:00:1796441442.8 24892 loader.cc:12] Could not load the model's optimizer state\n"
REAL_ERROR = b"E0000 00:00:1796441442.9 24892 kernel.cc:99] Out of memory: tried to allocate 4.0GiB\n"
MARKERS = ("absl::InitializeLog", "oneDNN custom operations", "Could not find cuda drivers", "fully_quantize:",
           "cpu_feature_guard", "XNNPACK delegate")

FILTERED_CHILD = r"""
import os, sys
from workbench.core.native_noise import noise_filtered
from workbench.training.tensorflow_noise import tensorflow_noise_filtered
noise, warning, error = (bytes.fromhex(a) for a in sys.argv[1:4])
os.write(2, b"before\n")
with tensorflow_noise_filtered():
    os.write(2, noise[:7])  # a line that arrives in pieces
    os.write(2, noise[7:] + warning)
    print("Traceback (most recent call last):", file=sys.stderr, flush=True)
    with noise_filtered():  # the core's filter (LiteRT's INFO lines) nested inside
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n" + noise + error)
    os.write(2, b"Input shape (1, 49, 40)\n")
os.write(2, noise + b"after\n")  # the block is over: nothing is filtered any more
"""


def _filtered_child(env_level: str | None) -> bytes:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop(LOG_LEVEL_VARIABLE, None)
    if env_level is not None:
        env[LOG_LEVEL_VARIABLE] = env_level
    done = subprocess.run([sys.executable, "-c", FILTERED_CHILD, NOISE.hex(), REAL_WARNING.hex(), REAL_ERROR.hex()],
                          capture_output=True, env=env, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_the_line_rule_drops_tensorflows_chatter_and_keeps_everything_else() -> None:
    lines = TensorFlowLineFilter()
    kept = lines.feed(b"first\n" + ABSL_NOTICE + ONEDNN[:20])
    kept += lines.feed(ONEDNN[20:] + REAL_WARNING + b"I0000 partial")
    kept += lines.feed(b" line that is no absl line\n" + CUDA + QUANTIZER + REAL_ERROR + b"Input shape")
    kept += lines.feed(b" (1, 49, 40)\nWARNING: something else\nfully_quantize this\nlast\n")
    assert kept == (b"first\n" + REAL_WARNING + b"I0000 partial line that is no absl line\n" + REAL_ERROR
                    + b"Input shape (1, 49, 40)\nWARNING: something else\nfully_quantize this\nlast\n")


def test_a_real_process_keeps_warnings_errors_and_order_on_fd_2() -> None:
    assert _filtered_child(None) == (b"before\n" + REAL_WARNING + b"Traceback (most recent call last):\n"
                                     + REAL_ERROR + b"Input shape (1, 49, 40)\n" + NOISE + b"after\n")


def test_a_user_who_asks_for_tensorflows_info_lines_gets_them() -> None:
    stderr = _filtered_child("0")
    assert stderr.count(ONEDNN) == 3 and stderr.count(QUANTIZER) == 3 and REAL_ERROR in stderr


@pytest.mark.slow
def test_a_real_training_prints_none_of_tensorflows_native_lines(speech_slice: Path, quick_spec: Path,
                                                                  tmp_path: Path) -> None:
    pytest.importorskip("tensorflow")
    env = dict(os.environ)
    env.pop(LOG_LEVEL_VARIABLE, None)  # as a user's shell has it (this process may have set it)
    done = subprocess.run(kws_command("train", "--dataset", str(speech_slice), "--out", str(tmp_path / "tr1"),
                                      "--spec", str(quick_spec), "--epochs", "2", "--progress", "none",
                                      "--workers", "2"),
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "tr1" / "quick_kws.tflite").is_file()  # converted and evaluated: every noisy phase ran
    assert [marker for marker in MARKERS if marker in done.stderr] == [], done.stderr


PREDICT_ON_MODELS_CHILD = r"""
import logging, sys
import numpy as np
from workbench.training.model.keras_builder import keras, quiet_python_logs
if sys.argv[1] == "quiet":
    quiet_python_logs()
    quiet_python_logs()  # a second training in one process: still one filter
x = np.zeros((4, 3), np.float32)
for _ in range(8):
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).predict(x, verbose=0)
logging.getLogger("tensorflow").warning("a real problem")
"""


@pytest.mark.slow
@pytest.mark.parametrize("quiet", [True, False], ids=["quiet", "as-tensorflow-has-it"])
def test_the_retracing_note_of_predict_on_several_models_is_dropped_and_other_warnings_stay(quiet: bool) -> None:
    """What every epoch of an ensemble's validation does: ``predict`` on one model after another. In a child:
    TensorFlow says the note only a few times per process."""
    pytest.importorskip("tensorflow")
    done = subprocess.run([sys.executable, "-c", PREDICT_ON_MODELS_CHILD, "quiet" if quiet else "loud"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "a real problem" in done.stderr
    assert (RETRACING_NOTE in done.stderr) is not quiet  # as TensorFlow has it, the note is there: the test can fail
