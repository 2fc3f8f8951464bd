#!/usr/bin/env bash
# Runs the whole test suite the way CI does: headless Qt, a private X server for the tests that
# need a real one (screenshots), and nothing left running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export LANG="${LANG:-C.UTF-8}"
export PYTHONDONTWRITEBYTECODE=1
# the slowest tests are named at the end: the suite takes most of an hour on two cores, and that is where to look
exec .venv/bin/python -m pytest --durations=25 "$@"
