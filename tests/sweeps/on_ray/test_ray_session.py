"""``require_ray``: the message when Ray Tune cannot be imported names the module that is really missing, and
the remedy fits the install (pip for a source install, the training runtime for the packaged app).

Each case runs in a fresh interpreter with one module made unimportable (``sys.modules[name] = None``), as
when a dependency is absent from the environment.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from workbench.sweeps import RAY_REMEDY_PACKAGED, RAY_REMEDY_PIP

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")

PROBE = ("import sys; sys.modules[sys.argv[1]] = None; sys.frozen = sys.argv[2] == 'frozen'; "
         "from workbench.sweeps.on_ray.ray_session import require_ray\n"
         "try:\n    require_ray()\nexcept Exception as exc:\n    print(exc)")
TIMEOUT_S = 120


def _message(missing: str, install: str = "source") -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, missing, install], capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_missing_tune_dependency_is_named_not_ray() -> None:
    # ray.tune re-raises a missing fsspec/pandas/pyarrow as "some dependencies are missing", naming none
    message = _message("pandas")
    assert message == ("kws sweep needs Ray (Ray Tune), which cannot be imported (it needs the module 'pandas', "
                       f"which is not installed): {RAY_REMEDY_PIP}")


def test_the_packaged_app_names_the_training_runtime_not_pip() -> None:
    message = _message("pyarrow", "frozen")
    assert "'pyarrow'" in message and message.endswith(RAY_REMEDY_PACKAGED) and "pip" not in message
    assert _message("ray", "frozen") == f"kws sweep needs Ray (Ray Tune): {RAY_REMEDY_PACKAGED}"


def test_ray_itself_missing_keeps_the_short_message() -> None:
    assert _message("ray") == f"kws sweep needs Ray (Ray Tune): {RAY_REMEDY_PIP}"
