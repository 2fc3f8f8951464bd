#!/usr/bin/env bash
# Sets everything up on a fresh Debian/Ubuntu machine: system libraries (via apt when root),
# a virtual environment at .venv/, and the workbench built from source (its native frontend too).
# Usage: scripts/setup.sh [run|test]   — "test" adds the test tools (PulseAudio, Xvfb, socat, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${1:-run}"
venv=".venv"

# Shared libraries the wheels need at run time: PortAudio for sounddevice, xcb/EGL for Qt.
apt_run=(libportaudio2 libasound2-plugins libsndfile1 libegl1 libgl1 libfontconfig1 libdbus-1-3
         libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
         libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 libglib2.0-0)
# What the tests drive for real: a PulseAudio virtual microphone, an X server, serial ptys, sox; the package
# checks (desktop-file-validate, appstreamcli, objdump for the .deb's dependencies, the Wayland libraries Qt
# loads when the installed bundle starts), and the voices kws dataset synth speaks with.
apt_test=(pulseaudio pulseaudio-utils sox xvfb xauth socat cmake desktop-file-utils appstream binutils
          libwayland-cursor0 libwayland-egl1
          espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)

missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
    done
}

install_system_packages() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local wanted=("${apt_run[@]}")
    [ "$profile" = "test" ] && wanted+=("${apt_test[@]}")
    local missing
    missing=$(missing_packages "${wanted[@]}" | tr '\n' ' ')
    [ -z "${missing// /}" ] && return 0
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing system packages: $missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "setup: please install these system packages (as root): apt-get install $missing" >&2
    fi
}

find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "setup: Python 3.11 or newer is required (apt-get install python3 python3-venv)" >&2
    return 1
}

install_system_packages

if [ ! -x "$venv/bin/python" ]; then
    python=$(find_python)
    if ! "$python" -m venv "$venv" 2>/dev/null; then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            apt-get install -y -qq python3-venv >/dev/null
            "$python" -m venv "$venv"
        else
            echo "setup: the venv module is missing: apt-get install python3-venv" >&2
            exit 1
        fi
    fi
fi

extras="train,plots"
[ "$profile" = "test" ] && extras="train,plots,cluster,package,voices,test"

# Reinstall only when the build inputs changed (pyproject, CMake, native sources, resources). A test install
# holds every extra a run needs, so make run after make test starts at once instead of installing again.
stamp="$venv/.workbench-installed-$profile"
covering=("$stamp")
[ "$profile" = "run" ] && covering+=("$venv/.workbench-installed-test")
digest=$(cat pyproject.toml CMakeLists.txt native/* 2>/dev/null | sha256sum | cut -d' ' -f1)-$(ls -R resources | sha256sum | cut -c1-16)
for installed in "${covering[@]}"; do
    if [ -f "$installed" ] && [ "$(cat "$installed")" = "$digest" ]; then
        exit 0
    fi
done
echo "setup: installing the workbench and its dependencies into $venv (first time: several minutes)"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "scikit-build-core>=0.10"
"$venv/bin/python" -m pip install --quiet --no-build-isolation -e ".[$extras]"
rm -f "$venv"/.workbench-installed-*
echo "$digest" > "$stamp"
echo "setup: ready"
